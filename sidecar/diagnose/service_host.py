"""A remote service reporting its OWN host's resource exhaustion through its protocol (evals/CLASSES11.md C1): storage.

The database server cannot extend a relation file or write its WAL because its volume is full, cannot fork a backend
or allocate memory because its host is out of memory; a Redis server cannot fork for its snapshot. The words are the
ones of a local errno ("No space left on device", "Cannot allocate memory"), but they arrive INSIDE the server's
error: a SQLSTATE of class 53 (insufficient resources: 53100 disk_full, 53200 out_of_memory) or 58 (system error:
58000, 58030 io_error) - PostgreSQL errcodes appendix, `SP/psycopg/errors.py` (DiskFull, OutOfMemory, IoError...) -,
libpq's "connection to server at ... failed: <the server's FATAL>" (postmaster.c's fork failure reaches the client
that way), or a Redis error reply (`SP/redis/exceptions.py`: MISCONF after "Background saving error"). Read alone the
class table answers capacity (database_codes.py: a resource limit), and an earlier held-out writer kept that for a
bare 53100 from a hosted database; what decides is a SECOND record that says whose host it is:
- the service's own log line with the same resource words (PostgreSQL's `log_line_prefix` default '%m [%p] '
  followed by ERROR/FATAL/PANIC/LOG, a Redis server line 'pid:M dd Mon yyyy hh:mm:ss.mmm # ...', a compose-prefixed
  line of a database container), or
- our own container's disk or memory figure in the window well under its bound (health/metrics records).
With one of them: the service's host must change (storage, 0.55; 0.6 with both). Twins (CLASSES11 K, C1): the same
words raised by OUR process (an OSError from a local call, no server error: never matched here) or our own gauge at
its bound in the window (-> capacity, unchanged). Not this class: 53300 (connection slots) and 53400 (a configured
limit), "out of shared memory" (the lock table, max_locks_per_transaction) and a dynamic shared memory segment that
cannot grow (the container's /dev/shm size, a setting of that container): those keep their answers.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE
from .situation import situation

_RESOURCE = re.compile(r"No space left on device|could not extend (?:file|relation)|Disk quota exceeded|"
                       r"could not write to (?:file|log file)|Cannot allocate memory|could not fork|"
                       r"\bout of memory\b|Can't save in background|Background saving error|"
                       r"unable to persist to disk", re.I)
_NOT_THIS = re.compile(r"out of shared memory|shared memory segment|too many (?:clients|connections)", re.I)
_DISK = re.compile(r"No space left|could not extend|Disk quota|could not write|persist to disk|"
                   r"Background saving error", re.I)
_SERVER_CODES = ("53100", "53200", "53000", "58000", "58030")
# the server said it: libpq's connection-phase text, PostgREST/psycopg's SQLSTATE, Redis's reply prefixes
_SERVER_TEXT = re.compile(r"connection to server at [^\n]{0,200}? failed:|\bFATAL:|\bMISCONF\b|"
                          r"redis\.exceptions\.\w+Error", re.I)
# the service's own records (module docstring)
_PG_LINE = re.compile(r"\d\d:\d\d:\d\d(?:\.\d+)? ?\w{0,5} \[\d+\](?: \S+@\S+)?:? +(?:ERROR|FATAL|PANIC|LOG|WARNING):")
_REDIS_LINE = re.compile(r"\b\d+:[MSCX] \d\d \w{3} \d{4} \d\d:\d\d:\d\d(?:\.\d+)? [.\-*#] ")
_COMPOSE_DB = re.compile(r"^\s*[\w.-]*(?:postgres|pg|db|database|redis)[\w.-]*\s+\|", re.I)
# our own figures: a disk percentage used, a percentage free, an rss against its limit
_DISK_USED = re.compile(r"disk[_ ]?(?:percent|used|usage)?[\"']?\s*[:=]?\s*(?P<p>\d{1,3}(?:\.\d+)?)\s*%?", re.I)
_DISK_FREE = re.compile(r"(?P<p>\d{1,3}(?:\.\d+)?)\s*% free", re.I)
_RSS = re.compile(r"\brss[ =:]+(?P<a>\d+(?:\.\d+)?)\s*(?P<u>[KMG])i?B?\s*/\s*(?:limit\s*)?(?P<b>\d+(?:\.\d+)?)\s*"
                  r"(?P<v>[KMG])i?B?", re.I)
_UNIT = {"K": 1, "M": 1024, "G": 1024 * 1024}


def _service_line(line: str) -> bool:
    return bool(_PG_LINE.search(line) or _REDIS_LINE.search(line) or _COMPOSE_DB.search(line))


def _ours_normal(line: str, disk: bool) -> bool | None:
    """True when `line` gives our own disk (or memory) figure well under its bound, False at the bound, None: none."""
    if _service_line(line):
        return None
    if disk:
        if (m := _DISK_FREE.search(line)) is not None:
            return float(m.group("p")) >= 10
        if (m := _DISK_USED.search(line)) is not None and "disk" in line.lower():
            return float(m.group("p")) < 90
        return None
    if (m := _RSS.search(line)) is not None:
        used = float(m.group("a")) * _UNIT[m.group("u").upper()]
        bound = float(m.group("b")) * _UNIT[m.group("v").upper()]
        return bound > 0 and used / bound < 0.8
    return None


def service_host_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or storage when the resource exhaustion the server reported is its own host's (module docstring)."""
    if d.category != "capacity":
        return d
    said = "\n".join([*inp.messages(), inp.traceback[-16384:]])
    words = _RESOURCE.search(said)
    if words is None or _NOT_THIS.search(said):
        return d
    sit = situation(inp)
    coded = any(c in _SERVER_CODES for c in sit.code("sqlstate"))
    if not coded and _SERVER_TEXT.search(said) is None:
        return d  # our own process's errno: the twin
    disk = _DISK.search(words.group(0)) is not None
    around = [raw[:LINE] for raw in (*inp.context[-CONTEXT:], *inp.after[:CONTEXT])]
    # compose interleaves the service's lines with ours: a line of the service's own format inside our record too
    own_record = inp.traceback[-16384:].splitlines()[-CONTEXT:]
    theirs = next((ln for ln in [*own_record, *around] if _service_line(ln) and _RESOURCE.search(ln)), None)
    figures = [(ln, v) for ln in around if (v := _ours_normal(ln, disk)) is not None]
    if any(not v for _, v in figures):
        return d  # our own figure at its bound in the window: ours (the twin)
    normal = figures[-1][0] if figures else None
    if theirs is None and normal is None:
        return d
    service = "the Redis server" if sit.remote == "redis" or "redis" in said.lower() else "the database server"
    resource = "disk (its data volume)" if disk else "memory"
    deciding = [x for x in (theirs, normal) if x is not None]
    why = []
    if theirs is not None:
        why.append("the service's own log shows the same failure")
    if normal is not None:
        why.append(f"the gateway's own {'disk' if disk else 'memory'} figure in the same window is normal")
    return d.reanswered(
        category="storage", severity="high", confidence=0.6 if len(deciding) == 2 else 0.55,
        rule=f"{d.rule}+service-host",
        summary=f"{service[0].upper()}{service[1:]}'s own host ran out of {resource}: "
                   f"{words.group(0)} came back inside its error",
        root_cause=(f"The message is {service}'s, delivered through its protocol (a server error, not an errno of "
                       f"the gateway's own calls), and {' and '.join(why)}: the service's host is out of {resource}, "
                       "so every write or new connection to it fails until that host gets room."),
        suggested_fix=[f"Free or grow {service}'s {'volume' if disk else 'memory'} (its container or instance), "
                          "find what filled it (WAL/archive, a large table, a heavy job) and alert on the service's "
                          "own figures, not only the gateway's."],
        evidence=[words.group(0), *deciding])
