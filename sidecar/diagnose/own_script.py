"""A Redis BUSY reply while OUR script runs: the script the gateway sent blocks the server (code), not the service.

Redis answers `BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSCRIPT.` to every
other command while a Lua script (EVAL/EVALSHA) or a function (FCALL) runs past busy-reply-threshold (redis
server.c, script.c scriptIsTimedout; redis.io "EVAL": scripts are atomic and block the server). The code table reads
BUSY as the cache service limiting at runtime (storage). Whose script it is decides: a record of OUR process
(the gateway's packages: src., utils., tools. loggers) running a script - EVAL/EVALSHA/FCALL or a .lua file - in the
window around the error (before it, or its end logged after it) is the gateway's own long script: code - keep scripts
short (SCAN in batches instead of KEYS, bounded work per call). Twins that must NOT change: no script record of ours
(another client's script, an operator's), a script record of another program (a redis-cli/ops logger), a script of
ours outside WINDOW seconds of the error, our logger printing the server's SLOWLOG / CLIENT LIST (another client's
command, by the client that entry names).
"""

from __future__ import annotations

import re
from datetime import datetime

from ..ingest.formats import TextDialect
from .codes import redis_reply_entry
from .model import Diagnosis, DiagnosisInput, one_line
from .record_time import printed_time

CONFIDENCE = 0.5  # two records tied by time and the script call, never confident
WINDOW_SECONDS = 300.0
_DIALECT = TextDialect()  # the ingest stage's header grammar (every format it reads), not a regex of our own
_OURS = re.compile(r"^(?:src|utils|tools)\.")
_SCRIPT = re.compile(r"\b(?:EVAL(?:SHA)?(?:_RO)?|FCALL(?:_RO)?|register_script|SCRIPT LOAD)\b|[\w\-]+\.lua\b")
# a record REPORTING the server's view of every client's commands is no run of ours, whoever prints it: a SLOWLOG entry
# names the client that ran the command ("client IP address and port", "client name if set via CLIENT SETNAME":
# redis.io SLOWLOG GET), CLIENT LIST one line per connected client (round 16, c17: 15053's analytics-export script
# printed by our observability logger was read as ours)
_SERVER_REPORT = re.compile(r"\bSLOWLOG\b|\bCLIENT LIST\b", re.I)
# a script call named under a negation in its clause ("no EVAL/EVALSHA calls in src/", "could not load dedupe.lua") is
# a statement that we run none; a `not` of an unfinished run ("script did not finish EVALSHA", "has not yet returned")
# is the opposite - the long run itself - so it negates nothing
_NEGATED = re.compile(r"\b(?:no|never|without|none of|not(?!\s+(?:yet\s+)?(?:finish|complet|end|return|terminat|stop|exit"
                      r"|done)))\b[^.;,:]{0,24}$", re.I)


def _script_call(line: str) -> re.Match[str] | None:
    """The first script call in `line` that no negation in its clause comes before (a line may name several)."""
    return next((m for m in _SCRIPT.finditer(line) if not _NEGATED.search(line[:m.start()])), None)


def _at(line: str) -> tuple[datetime, str] | None:
    header = _DIALECT.parse_header(line[:2048])
    if header is None or not header.logger:
        return None
    at = header.timestamp or printed_time(line)  # the header parsed once; record_time's fallback when it has none
    return None if at is None else (at, header.logger)


def own_script_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or code when a Redis BUSY reply meets a script run by the gateway's own process (module docstring)."""
    if d.category != "storage":
        return d
    entry = redis_reply_entry(inp.exception_message or inp.message)
    here = _at(inp.traceback)
    if entry is None or entry[0] != "BUSY" or here is None:
        return d
    script = name = None
    for line in (*inp.context, *inp.after):
        head = _at(line)
        if head is not None and _OURS.match(head[1]) and not _SERVER_REPORT.search(line[:2048]) \
                and (name := _script_call(line)) is not None \
                and abs((here[0] - head[0]).total_seconds()) <= WINDOW_SECONDS:
            script = line
            break
    if script is None or name is None:
        return d
    return d.reanswered(
        category="code", confidence=CONFIDENCE, rule=f"{d.rule}+own-script",
        summary=one_line(f"Redis is blocked by the gateway's own script ({name.group(0)}): "
                         "every other command gets BUSY"),
        root_cause=(f"Redis runs one script at a time and answers BUSY to everything else until it ends; the script "
                    f"running is ours: {one_line(script, 200)!r}. A script that walks the keyspace (KEYS, a loop over "
                    "every key) or does unbounded work blocks the server for its whole run."),
        suggested_fix=["Make the script do bounded work per call (SCAN in batches from the client instead of KEYS "
                       "inside Lua), or move the sweep out of Lua.",
                       "Check SLOWLOG for the script's duration against busy-reply-threshold."],
        evidence=[script])
