"""The records of the excerpt that bear on the error, quoted in the answer: "the log around it".

Round 12's measure (evals/RESULTS.md, round 13): in 28 of held-out 12's 40 `mentions` failures the deciding word was
IN the excerpt, mostly in a record other than the error - a config/ops/startup record, a second logger, a kernel line,
a setting echoed at start. The on-call engineer reading at 3 a.m. needs that record quoted. This module finds the
records near the error that bear on it and names them after the answer's root cause, bounded (MAX_FACTS quotes of at
most QUOTE_CHARS each) and redacted by the caller like every quote of the log. It QUOTES, it never judges: the
category, the confidence and the cause text the rules decided stay as they are.

Which records bear on an error is a question about the record's relation to it, not about its words (no list of the
cases' words here). The classes, strongest first (`_score`, the weights next to each):
1. LINKED: the record names a distinctive token the error record names too - the same request/task/upload id, host or
   address, table, key, path (or a directory holding the error's path), function (a frame's name), setting. A token is
   distinctive by its shape (it carries a digit, `_`, `.`, `-`, an inner capital, or is an UPPER_CASE name: a plain
   lower-case word recurs in unrelated records) and by its rarity in the excerpt (its weight divides by the number of
   records naming it: a token every record carries - the service's name - ties nothing).
   The error's SUBJECT ties too, though its shape is plain (subjects.py): the word its exception's message format puts
   in a slot (KeyError's key, a column, a host), the names its traceback's statements use, and the one remote it
   concerns when another component's record names that remote.
2. ANOTHER PROGRAM: a record only a system grammar reads (syslog/journald/klog/postgres server lines:
   ingest/sysheaders.py) - the kernel, the clock daemon, cron, the orchestrator - the layer under the process; and
   the Redis server's own log (record_writers.py, server.c's format): the remote's side of a Redis error (a fork, a
   rewrite, a failover) - quoted only when the error concerns Redis (the other-remote rule below); and a row of
   `kubectl describe`'s Conditions/Events tables (indented like a traceback line, read by the table's own layout).
A record written by ANOTHER WRITER than the error's - its header's instance tag ([gw-2], [pid 4410], a thread name)
differs from the error header's - is named by that writer beside the quote: "another replica/process did X" is the
fact a concurrency failure turns on, and the quote's message alone drops it (held-out 16's 16041, round 17).
3. A CHANGE: a record announcing a deploy, upgrade, migration, restore, rollback, maintenance, failover, restart or
   reload (what changed is the first question of an incident review).
4. A LEVEL: a WARNING/ERROR record of the excerpt other than a repeat of the error itself.
5. A VALUE ECHOED: a setting printed as NAME=value (setting_lines.py's grammar), a version, a size, a percentage, a
   limit/max/quota value - what a limit or a mismatch is read from.
Never quoted: a record carrying another request's id than the error's (another request's: following.py's rule); a
record naming a remote (provider, database, cache: situation.py's tables) the error does not concern - it bears on
another component, and its name in the answer reads as a cause the rules did not decide (entities.py's rule for its
hosts; also when it names the error's remote too: allowing those lost 2 spent cases and gained none; measured on the
spent sets: such quotes were most of the must_not words the quotes added); a line of a traceback (the error's own, or
an earlier one's frames); a repeat of the error's own message; a record naming a setting (NAME=value, 'SENTRY_DSN not
set': setting_lines.py's names) unless the answer's category is config - a quoted setting reads as "this setting is the
cause", which an answer of another category denies (measured: on gen-dev, the near-miss twins whose setting is NOT the
cause were most of the must_not words the quotes added, 24 of 52). A quote leaves out a URL's query and a credential's
key=value (neither is a fact to read; the redaction would mask the second anyway), and its source is the logger's last
part (the package path's words - `providers`, `files` - are no fact either).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..ingest.formats import TextDialect
from ..ingest.sysdialect import system_header
from ..redaction import redact
from .bare_excerpt import COMMAND
from .excerpt_shapes import as_text_lines
from .following import request_id
from .model import Diagnosis, DiagnosisInput, one_line
from .own_record import own_record_clause
from .quote_words import in_our_words
from .record_writers import redis_server_line, writer
from .setting_lines import SETTING_NAME
from .setting_lines import SETTING_PAIR as SETTING  # the one NAME=value grammar
from .situation import Situation, remotes_named
from .subjects import another_witness, error_subjects, named, named_clause, statements
from .value_denials import without_denials

MAX_FACTS = 3
QUOTE_CHARS = 170
LINE = 2048
BEFORE = 60  # context lines read (nearest last)
AFTER = 20  # later lines read
MIN_SCORE = 0.6  # a record must bear on the error by at least one class's full weight (module docstring)

_DIALECT = TextDialect()

# tokens: word characters joined by . and - (a host, a dotted module, db-1, 0042_link_files_batch_fn.sql); ':' and '/'
# split them (an id inside upload:5d2f:state, a table at the end of a URL), paths are read on their own (_PATH)
_TOKEN = re.compile(r"[A-Za-z0-9_](?:[\w.\-]*\w)?")
_PATH = re.compile(r"(?<![\w.:/])/(?:[\w.\-]+/)*[\w.\-]+")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d(?:T[\d.]+Z?)?$|^\d{1,2}-\d{1,2}$")
_FLOAT = re.compile(r"^\d+\.\d+$")
_NUMERIC_DOTS = re.compile(r"^[\d.]+$")  # an address or a version: one token, its parts are no names
_MARK = re.compile(r"\d|_|\w[.\-]\w|[a-z][A-Z]")
# words every log shape prints that name no thing: levels, HTTP methods and versions, SQL verbs, units
_COMMON = frozenset("""ERROR WARNING WARN INFO DEBUG CRITICAL FATAL TRACE NOTICE HTTP HTTPS GET POST PUT PATCH DELETE HEAD
OPTIONS SELECT UPDATE INSERT WHERE FROM INTO VALUES SET RETURNING NULL TRUE FALSE NONE UTC GMT JSON TCP UDP TLS SSL EOF
URL API OK""".split())
# a traceback's own lines and the runtime's banners: the error's (or an earlier error's) frames, never a fact
_TRACEBACK_LINE = re.compile(r"^(?:\s|Traceback \(most recent call last\)|During handling of the above|The above "
                             r"exception was|--- Logging error ---|[\w.]+(?:Error|Exception|Warning|Exit|Interrupt)\b)")
_FRAME = re.compile(r'^\s*File "[^"\n]*", line \d+, in (?P<fn>[\w.<>]+)', re.M)
# `kubectl describe`'s tables (its tabwriter layout: an indented row, columns apart by 2+ spaces) under its section
# headers: a row is the platform's record, not a traceback line (held-out 16's 16009, round 17). A table starts at a
# `Conditions:`/`Events:` header or a `kubectl describe` command line (a shell prompt's line: bare_excerpt.COMMAND)
# and ends at the next unindented line.
_DESCRIBE_HEADER = re.compile(r"^\s*(?:Conditions|Events):\s*$")
_DESCRIBE = re.compile(r"\bkubectl\s+describe\b")
_COLUMNS = re.compile(r"\s{2,}|\t+")
# a Conditions row: Type, Status (True/False/Unknown), ...; an Events row: Type (Normal/Warning), Reason, ...; a
# condition's Type and an event's Reason are one capitalised CamelCase word (DiskPressure, FailedScheduling)
_CAPWORD = re.compile(r"^[A-Z][A-Za-z]+$")
# A condition in its healthy state reports nothing wrong (not quoted). The condition types whose healthy status is
# True, from the Kubernetes API reference (Go constants of each kind's ...ConditionType): Pod - PodScheduled,
# PodReadyToStartContainers, Initialized, ContainersReady, Ready; Node - Ready; Deployment (apps/v1) - Available,
# Progressing (False is ProgressDeadlineExceeded); APIService - Available; HorizontalPodAutoscaler (autoscaling/v2) -
# AbleToScale, ScalingActive; Job (batch/v1) - Complete, SuccessCriteriaMet; CustomResourceDefinition - Established,
# NamesAccepted; ComponentStatus - Healthy. Every other type is healthy when False: a problem reported present is True
# (Node MemoryPressure/DiskPressure/PIDPressure/NetworkUnavailable, Deployment/ReplicaSet ReplicaFailure, HPA
# ScalingLimited - capped at its min/max, Job Failed/FailureTarget/Suspended, Pod DisruptionTarget, CRD Terminating).
_HEALTHY = {t: "True" for t in ("PodScheduled", "PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready",
                                "Available", "Progressing", "AbleToScale", "ScalingActive", "Complete",
                                "SuccessCriteriaMet", "Established", "NamesAccepted", "Healthy")}
_STAMP = re.compile(r"\b(\d\d:\d\d:\d\d)\b")
_PROGRAM = re.compile(r"(?P<p>[A-Za-z][\w.\-/]{0,40})(?:\[\d+\])?[:\]]\s*$")

# class 3, a change: the words operators and tools log a change of the running system with
_CHANGE = re.compile(r"\b(?:deploy\w*|upgrad\w*|downgrad\w*|migrat\w*|restor\w*|roll(?:ed|ing)?[ -]?back|rollout|"
                     r"maintenance|fail(?:ed)?[ -]?over|restart\w*|reload\w*|re-?configur\w*|rotat(?:ed|ing)|"
                     r"previously|changed? from|scaled?|patch(?:ed|ing))\b", re.I)
# httpx/_client.py logs each response at INFO: 'HTTP Request: %s %s "%s %d %s"' (method, url, http_version, status,
# reason); urllib3 at DEBUG '"%s %s %s" %s %s' - the status of the reply the error may be about
_HTTP_REPLY = re.compile(r'"HTTP/\d(?:\.\d)? \d{3}\b|"\s\d{3}\s\d+$')
# warnings.formatwarning: "%s:%s: %s: %s\n" (filename, lineno, category, message) - a warning printed to stderr
_PY_WARNING = re.compile(r"^(?P<file>\S+\.py):\d+: (?P<cat>[A-Z]\w*Warning): (?P<msg>.+)$")
# class 5, a value: a version, a size, a percentage, a limit
_VERSION = re.compile(r"\b[A-Za-z][\w-]*[ :/v]v?\d+\.\d+(?:\.\d+)?\b")
_SIZE = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:[KMGTP]i?B?|bytes|[kKmM]?s|ms|%)(?![\w])")
_LIMIT = re.compile(r"\b(?:limit|max(?:imum)?|min(?:imum)?|quota|cap(?:acity)?|threshold|ttl|timeout)\w*\b", re.I)

W_LINK = 1.0  # a distinctive token named by both (divided by the number of records naming it)
W_LINK_CAP = 1.6
W_SYSTEM = 0.6  # another program's record (class 2)
W_CHANGE = 0.6  # a change of the running system (class 3)
# a change TOOL's logger ends a segment with the tool (alembic.runtime.migration, app.schema_migrations); a
# logger of a resource or a report that names changes (src.api.deployments, app.migrations_report) is no tool (review r14)
_CHANGE_TOOL = frozenset(("alembic", "migration", "migrations", "migrate", "flyway", "liquibase", "deploy", "deployer",
                          "rollout", "upgrade", "upgrades"))
W_LEVEL = {"WARNING": 0.45, "ERROR": 0.6, "CRITICAL": 0.6}  # class 4
# classes 2-4 weigh fully within NEAR lines of the error, half further (`_score`)
NEAR = 5
W_SETTING = 0.5  # NAME=value (class 5)
W_CONFIG_SETTING = 0.15  # NAME=value again when the answer is config: quoted by its class alone (_config_setting)
W_VALUE = 0.2  # a version, a size or a limit word (class 5), each
W_LOGGER = 0.3  # the error's own logger: the component logs its own steps before it fails
W_REPLY = 0.45  # the HTTP client's record of the reply, next to the error (class 4's "what happened just then")
W_NEAR = 0.15  # one of the three records next to the error: what happened just then


@dataclass(frozen=True, slots=True)
class Fact:
    """One record quoted: its words, who wrote it, when, and how far from the error (negative: before it)."""

    text: str
    source: str | None
    at: str | None
    offset: int
    score: float
    writer: str | None = None  # another writer than the error's (record_writers.py): named beside the quote


@dataclass(slots=True)
class _Record:
    line: str
    message: str
    level: str | None
    source: str | None
    system: bool
    offset: int
    tokens: frozenset[str]
    writer: str | None = None  # the instance tag of its header (record_writers.py)


def _tokens(text: str) -> set[str]:
    """The distinctive tokens of `text` (module docstring, class 1), lower-cased (SEMANTIC_CACHE in a tag is the
    semantic_cache of a file name), with the distinctive parts of a dotted one (the semantic_cache of
    utils.infrastructure.semantic_cache and of semantic_cache.db) and every directory of the paths it names."""
    out: set[str] = set()
    for t in _TOKEN.findall(text):
        if t.isalpha() and (t.islower() or t[1:].islower()):
            continue  # a plain or capitalised word (most tokens): never distinctive, decided without the regexes
        if _distinctive(t):
            out.add(t.lower())
            if "." in t and not _NUMERIC_DOTS.match(t):
                out.update(p.lower() for p in t.split(".") if _distinctive(p))
    for p in _PATH.findall(text):
        parts = [s for s in p.split("/") if s]
        out.update("/" + "/".join(parts[:i]).lower() for i in range(2, len(parts) + 1))
    return out


def _distinctive(tok: str) -> bool:
    if len(tok) < 3 or _DATE.match(tok) or _FLOAT.match(tok) or tok.upper() in _COMMON:
        return False
    if tok.isdigit():  # a number names a thing when it is long (an id, a port is a value); a year does not
        return len(tok) >= 4 and not re.fullmatch(r"(?:19|20)\d\d", tok)
    return bool(_MARK.search(tok)) or (tok.isupper() and len(tok) >= 4)


def _describe_row(line: str, offset: int) -> _Record | None:
    """A row of a `kubectl describe` table (Conditions, Events) as the platform's record, or None for the table's
    column header, its dashes, a healthy condition, or a line of no such layout."""
    if not line[:1].isspace():
        return None
    cols = _COLUMNS.split(line.strip())
    if len(cols) < 2:
        return None
    if cols[0] in ("Normal", "Warning") and _CAPWORD.match(cols[1]):  # an event: Type Reason Age From Message
        level = "WARNING" if cols[0] == "Warning" else None
    elif _CAPWORD.match(cols[0]) and cols[1] in ("True", "False", "Unknown"):  # a condition: Type Status ...
        if cols[1] == _HEALTHY.get(cols[0], "False"):
            return None
        level = "WARNING"
    else:
        return None
    message = " ".join(cols)
    return _Record(line, message, level, "kubectl", True, offset, frozenset(_tokens(message)))


def _flat(raw: str, text: list[str] | None = None) -> str:
    """`raw` as one gateway text line (JSON lines / Docker json-file read by as_text_lines), cut at LINE: a line longer
    than LINE is read cut; `text` is the whole line already read by as_text_lines when the caller did (read once)."""
    line = raw[:LINE]
    if line.lstrip().startswith("{"):
        line = " ".join(text if text is not None and len(raw) <= LINE else as_text_lines([line]))[:LINE]
    return line


def _record(raw: str, offset: int, line: str | None = None) -> _Record | None:
    """A candidate record of one line (any shape: the gateway's text, JSON lines, Docker json-file, another program's
    grammar, a bare line), or None for a traceback line or an empty one; `line` is `raw` already flattened (_flat)
    when the caller did (read once)."""
    line = _flat(raw) if line is None else line
    if not line.strip() or _TRACEBACK_LINE.match(line):
        return None
    header = _DIALECT.parse_header(line)
    if header is not None:
        return _Record(line, header.message, header.level, header.logger or None, False, offset,
                       frozenset(_tokens(header.message)), writer(line, header.message, header.logger))
    warned = _PY_WARNING.match(line)
    if warned is not None:
        return _Record(line, warned.group("msg"), "WARNING", warned.group("cat"), False, offset,
                       frozenset(_tokens(warned.group("msg"))))
    system = system_header(line)
    if system is not None:
        cut, level = system
        head = line[:max(0, len(line) - len(cut.message))]
        prog = _PROGRAM.search(head.rstrip())
        source = prog.group("p") if prog else None
        return _Record(line, cut.message, level, source, True, offset, frozenset(_tokens(cut.message)),
                       writer(line, cut.message, source))
    server = redis_server_line(line)
    if server is not None:  # the Redis server's own record: the remote's side (module docstring, class 2)
        return _Record(line, server[0], server[1], "redis", True, offset, frozenset(_tokens(server[0])))
    return _Record(line, line.strip(), None, None, False, offset, frozenset(_tokens(line)))


def _records(lines: list[tuple[str, int]]) -> list[_Record]:
    """The candidate records of `lines` (each with its offset from the error); a JSON object line under a record's
    header is that record's other fields (excerpt_shapes.py writes a JSON-lines record's fields there) and joins it."""
    out: list[_Record] = []
    table = False  # inside a `kubectl describe` table (_DESCRIBE_HEADER, _DESCRIBE)
    for raw, off in lines:
        last = out[-1] if out else None
        text = as_text_lines([raw]) if raw.lstrip().startswith("{") else None
        flat = _flat(raw, text)
        if _DESCRIBE_HEADER.match(flat) or (COMMAND.match(flat) and _DESCRIBE.search(flat)):
            table = True
        elif table and flat[:1].isspace():
            if (row := _describe_row(flat, off)) is not None:
                out.append(row)
            continue  # the table's header, dashes or a healthy condition: no record (nor a traceback's)
        elif flat.strip():
            table = False
        if last is not None and last.offset == off - 1 and text == [raw]:
            fields = raw.strip()[:LINE]
            last.message, last.line = f"{last.message} {fields}", f"{last.line} {fields}"
            last.tokens = frozenset(last.tokens | _tokens(fields))
            last.offset = off
            continue
        rec = _record(raw, off, line=flat)
        if rec is not None:
            out.append(rec)
    return out


def _said(inp: DiagnosisInput) -> str:
    """The error record's own words: its messages and its lines that are not a frame or a frame's source."""
    kept = [ln for ln in inp.traceback[-8192:].splitlines() if not ln.startswith("    ") and not ln.lstrip().startswith('File "')]
    return " ".join([*inp.messages(), *kept])


def _error_tokens(inp: DiagnosisInput, said: str) -> set[str]:
    """What the error record names: its own words (`said`, _said) and the frames' function names."""
    out = _tokens(said)
    out.update(fn for fn in _FRAME.findall(inp.traceback[-8192:]) if "_" in fn and not fn.startswith("<"))
    return out


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()))[:200]


def _score(rec: _Record, linked: float, inp: DiagnosisInput) -> float:
    """How much `rec` bears on the error: the classes of the module docstring, summed."""
    score = min(W_LINK_CAP, linked)
    # another program's line, a change or a warning next to the error is what happened just then; one many records
    # away is tied by its class alone (an hourly cron run, a log rotated, a timer's job: review r13), so half of it
    near = 1.0 if abs(rec.offset) <= NEAR else 0.5
    if rec.system:
        score += W_SYSTEM * near
    if _CHANGE.search(rec.message) or (rec.source is not None and any(
            seg.rsplit("_", 1)[-1] in _CHANGE_TOOL for seg in rec.source.split("."))):
        score += W_CHANGE * near  # a change tool's own logger (alembic.runtime.migration, src.storage.migrations)
    score += W_LEVEL.get(rec.level or "", 0.0) * near
    if SETTING.search(rec.message):
        score += W_SETTING
    score += W_VALUE * sum(1 for rx in (_VERSION, _SIZE, _LIMIT) if rx.search(rec.message))
    if inp.logger and rec.source == inp.logger:
        score += W_LOGGER
    if abs(rec.offset) <= 3:
        score += W_NEAR + (W_REPLY if _HTTP_REPLY.search(rec.message) else 0.0)
    return score


def deciding_facts(inp: DiagnosisInput, sit: Situation, category: str = "unknown") -> list[Fact]:
    """The records around `inp`'s error (in situation `sit`) that bear on it (module docstring), best first, at most
    MAX_FACTS; a printed setting only when the answer's `category` is config (module docstring)."""
    before = [(r, -(len(inp.context[-BEFORE:]) - i)) for i, r in enumerate(inp.context[-BEFORE:])]
    after = [(r, i + 1) for i, r in enumerate(inp.after[:AFTER])]
    records = _records([*before, *after])
    # another program's stamped lines interleaved in the file after the error's header are cut into the error's record
    # (only the gateway's headers start a record there: excerpt.py); they are that program's records, not the error's
    records += [rec for i, raw in enumerate(inp.traceback.splitlines()[1:AFTER])
                if _STAMP.search(raw[:40]) and (rec := _record(raw, i + 1)) is not None and rec.system]
    if not records:
        return []
    own_words = _said(inp)
    own_remotes = _own_remotes(inp, sit, own_words)
    # what the error names as its subject links a record naming it too, a plain word or a remote (subjects.py)
    subjects = error_subjects(inp, own_remotes)
    for rec in records:
        witnessed = remotes_named(rec.message, rec.source) if another_witness(rec.source, inp.logger) else set()
        rec.tokens = rec.tokens | named(rec.message, witnessed, subjects)
    ours = _error_tokens(inp, own_words) | subjects | _tokens(" ".join(statements(inp.traceback)))
    own_request = request_id("\n".join([*inp.messages(), inp.traceback[:LINE * 2]]))
    own_shape = {_shape(m) for m in inp.messages()}
    df: dict[str, int] = {}
    for rec in records:
        for t in rec.tokens & ours:
            df[t] = df.get(t, 0) + 1
    said = " ".join(inp.messages()).lower() if category == "config" else ""
    kept: list[tuple[float, _Record, str, frozenset[str]]] = []
    seen: set[str] = set()
    for rec in records:  # the score first (cheap); the tests that read the record again only for the records it keeps
        shared = rec.tokens & ours
        score = _score(rec, sum(W_LINK / df[t] for t in shared), inp)
        if category == "config" and SETTING.search(rec.message):
            score += _config_setting(rec.message, said)
        if score < MIN_SCORE:
            continue
        theirs = request_id(rec.line)
        if theirs is not None and own_request is not None and theirs != own_request:
            continue  # another request's record (following.py)
        shape = _shape(rec.message)
        if shape in own_shape or shape in seen:
            continue  # the error itself logged again, or a record already kept
        text = rec.message
        if SETTING_NAME.search(text) and category != "config":
            continue  # a named setting reads as the cause: only where the rules decided a setting is (docstring)
        if SETTING.search(text):
            cut = _own_settings(text, own_remotes)
            if cut is None:
                continue
            text = cut
        if not remotes_named(SETTING.sub("", text), rec.source).issubset(own_remotes):
            continue  # a record of another remote (module docstring)
        seen.add(shape)
        kept.append((score, rec, text, shared))
    kept.sort(key=lambda k: (-k[0], abs(k[1].offset)))
    first = inp.traceback.lstrip().split("\n", 1)[0]
    own = _record(first, 0) if first else None
    own_writer = own.writer if own is not None else None
    out = []
    for score, rec, text, shared in kept[:MAX_FACTS]:
        at = _STAMP.search(rec.line[:40])
        source = rec.source.rsplit(".", 1)[-1] if rec.source else None
        # another writer (replica, pod, process, thread) than the error's: who acted is the fact (module docstring)
        other = rec.writer if rec.writer and own_writer and rec.writer != own_writer else None
        out.append(Fact(_quote(in_our_words(text, sit), shared), source, at.group(1) if at else None, rec.offset, round(score, 2),
                        other))
    return out


def _config_setting(message: str, error_words: str) -> float:
    """What a printed setting adds when the answer is config: the setting is then what the answer rests on, so it is
    quoted by its class alone (W_CONFIG_SETTING: a settings line printed at start-up, tens of records before the error,
    scored W_SETTING and was left out - gen-dev CLASSES10 H2's relay URL); a setting whose VALUE the error names
    (`EXAI_CA_BUNDLE=certs` beside `Is a directory: 'certs'`) is linked to it like a shared token, whatever the
    value's shape (class 1 reads only distinctive shapes)."""
    linked = any(len(v) >= 3 and re.search(rf"(?<![\w.]){re.escape(v.lower())}(?![\w])", error_words)
                 for m in SETTING.finditer(message) if (v := m.group("value").strip("'\"")))
    return W_CONFIG_SETTING + (W_LINK if linked else 0.0)


def _own_remotes(inp: DiagnosisInput, sit: Situation, said: str) -> set[str]:
    """The remotes the error's OWN record names (situation.py also reads the nearest context line: a Kimi prompt being
    built before a template error does not make the template error Kimi's): its words, not its frames (a package in a
    frame is situation's `remote_named_by_record`); `said` is the record's own words (_said)."""
    return remotes_named(said, inp.logger) | ({sit.remote} if sit.remote and sit.remote_named_by_record else set())


def _own_settings(message: str, own_remotes: set[str]) -> str | None:
    """A settings line cut to the settings that are not another remote's client's (`capacity settings:
    EXAI_WS_GLOBAL_CAPACITY=-1` out of `..., KIMI_MAX_INFLIGHT=4, GLM_MAX_INFLIGHT=4` for an error of no remote): the
    words before the first setting and the kept NAME=value pairs; None when every setting is another remote's."""
    pairs = list(SETTING.finditer(message))
    kept = [m.group(0) for m in pairs if remotes_named(m.group("name")).issubset(own_remotes)]
    if not kept:
        return None
    if len(kept) == len(pairs):
        return message
    head = message[:pairs[0].start()].strip()
    return (head + " " if head else "") + ", ".join(kept)


# a field reporting a thing absent and a measure well below its own limit deny a cause: left out (value_denials.py)
_URL_QUERY = re.compile(r"(\b(?:https?|wss?)://[^\s?\"']+)\?[^\s\"']*")
_CREDENTIAL = re.compile(r"\b[\w.-]*(?:password|passwd|pwd|secret|token|api_?key)\s*[=:]\s*\S+", re.I)


def _quote(message: str, shared: frozenset[str]) -> str:
    """The record's words, one line, without a URL's query, a credential pair (module docstring) or a part denying a
    cause (value_denials.py: a thing reported absent, a measure well below its limit); a long one cut
    around the first token it shares with the error."""
    # redacted WHOLE, then cut: a window cut first can start inside a secret's value and leave its name behind, so
    # the redactor no longer sees a name=value (review r13; redaction.redacted_cut's reason, for a window)
    flat = " ".join(redact(_CREDENTIAL.sub("", without_denials(_URL_QUERY.sub(r"\1", message)))).split())
    low = flat.lower()
    if len(flat) <= QUOTE_CHARS:
        return flat
    at = min((low.find(t) for t in shared if t in low), default=-1)
    if at < 0:
        return one_line(flat, QUOTE_CHARS)
    start = max(0, min(at - QUOTE_CHARS // 3, len(flat) - QUOTE_CHARS))
    cut = flat[start:start + QUOTE_CHARS]
    return ("…" if start > 0 else "") + cut + ("…" if start + QUOTE_CHARS < len(flat) else "")


def facts_clause(inp: DiagnosisInput, sit: Situation, already: str, category: str = "unknown") -> str:
    """' The log around it: "<words>" (<source>, <time>); ...' for the facts `already` does not quote ('' if none),
    redacted like every quote of the log."""
    said = " ".join(already.split())
    parts = []
    for f in deciding_facts(inp, sit, category):
        if f.text in said:
            continue
        writer = f"by {f.writer}, not the error's writer" if f.writer else None
        where = ", ".join(x for x in (writer, f.source, f.at, "after it" if f.offset > 0 else None) if x)
        parts.append(f'"{f.text}"' + (f" ({where})" if where else ""))
    return redact(" The log around it: " + "; ".join(parts) + ".") if parts else ""


def with_facts(d: Diagnosis, inp: DiagnosisInput, sit: Situation) -> Diagnosis:
    """`d` with its error record's own facts (own_record.py) and the records that bear on its error named after its
    root cause (its verdict unchanged)."""
    own = redact(own_record_clause(inp, " ".join([d.summary, d.root_cause]), d.category))
    own = named_clause(inp, " ".join([d.summary, d.root_cause, own])) + own  # what it rests on, named (subjects.py)
    clause = own + facts_clause(inp, sit, d.root_cause + own, d.category)
    return d if not clause else d.model_copy(update={"root_cause": d.root_cause + clause})
