"""Where the offending value came from: a setting, the client's input, or (by default) the gateway's code.

The same library error has another cause by the value's origin: Moonshot's "temperature must be in [0, 1]" is our
code's bug when the code wrote 1.4 and a setting's when KIMI_TEMPERATURE=1.4 was loaded; a ValueError from
asyncio.wait on an empty set is a code slip, or the two API keys that never reached the container; a JWT that does
not decode is our token or the one a user pasted. The doctrine (doctrine.py) categorises by the CAUSE, what the
on-call engineer must change: our code -> code, a setting -> config, the client's input -> the input's category
(unknown: the record cannot tell whether the client or a caller of ours was wrong).

Evidence read, from the strongest (each one a line of this record or of the lines logged before it):
1. the error names a setting (an UPPER_SNAKE name said to be wrong: "ASYNC_UPLOAD_ROLLOUT must be ...");
2. a preceding config-loading record (it names a setting: `NAME=value`, `(NAME)`, `from NAME`) holds the value or
   the parameter the error names ("temperature=1.4 (KIMI_TEMPERATURE)" before "temperature must be in [0, 1]";
   "base_url=https://api.z.ai/api/paas/v3" before "API /api/paas/v3/chat/completions ...");
3. a preceding warning that a setting is missing or could not be parsed ("GLM_API_KEY not set", python-dotenv
   "could not parse statement"), for an error with no remote of its own (the missing value shows up as a local
   failure: an empty set, a provider not available);
4. the record says the value is the user's ("supplied by the user", "pasted", "user input").
The function is pure and bounded (the context holds at most a few dozen lines; each line is read to 2 KB).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..redaction import redact
from .change_records import SETTING as _SETTING
from .change_records import TRIVIAL_VALUE as _TRIVIAL_VALUE
from .change_records import changed_to, without_changes
from .frames import app_source_line
from .model import Diagnosis, DiagnosisInput, one_line
from .render import EVIDENCE_CHARS
from .situation import Situation

LINE = 2048
# an environment-style setting name; gateway error codes share the shape, so their suffixes are excluded
_NOT_SETTING = re.compile(r"_(?:ERROR|FAILED|FAILURE|EXCEEDED|EXCEPTION|DENIED|INVALID|NOT_FOUND|UNAVAILABLE|"
                          r"TIMEOUT|REJECTED|MISMATCH|LIMIT_REACHED)$|^(?:HTTP|SQLSTATE|PGRST|UTF)_?")
# the error says a setting's value is wrong or absent
_JUDGED = r"(?:must|should|is (?:not (?:set|valid|a valid|allowed|supported|defined)|invalid|missing|empty|required)|not set|unset|missing|invalid|required|out of range)"
_SETTING_JUDGED = re.compile(rf"(?P<name>{_SETTING.pattern})\s*(?::\s*)?{_JUDGED}|(?i:invalid|missing|bad) (?P<name2>{_SETTING.pattern})")
# a record that loads configuration: it names a setting next to a value, or says where values come from
_NAME = rf"(?-i:{_SETTING.pattern})"  # case-sensitive inside the case-insensitive patterns below
_LOADS = re.compile(rf"{_NAME}\s*(?:=|\))|\({_NAME}\)|\bfrom (?:env )?{_NAME}|"
                    # a startup record that prints the values it runs with ("provider ready: base_url=..., timeout=45s")
                    # ("starting upload batch=12 size=40" is a run-time progress record, not a load: review r7)
                    r"\b(?:ready|configured|initiali[sz]ed|using|loaded|settings|config(?:uration)?)\b"
                    r"(?=.{0,300}\b[a-z][\w.]{1,40}=\S)", re.I)
# key=value pairs first (a "loaded: NAME=value" record is NAME's pair, not "loaded"'s), then key: value
_PAIRS = tuple(re.compile(rf"(?P<key>[A-Za-z][\w.]{{1,40}})\s*{sep}\s*(?P<value>'[^']{{1,200}}'|\"[^\"]{{1,200}}\"|[^\s,;()=]{{1,200}})")
               for sep in ("=", ":"))
# a log record's header (time, level, logger): its "logger: " is not a key-value pair
_HEADER = re.compile(r"^\s*\d{4}-\d\d-\d\d[T ][\d:.,]+\S*\s+(?P<level>[A-Z]+)\s+[\w.\-\[\]]+:\s")
_QUOTED = re.compile(r"'([^']{3,200})'|\"([^\"]{3,200})\"")
# a preceding warning that a setting did not arrive
_MISSING = re.compile(rf"(?P<name>{_NAME})\s+(?:is )?(?:not set|unset|missing|empty|is not defined)|"
                      r"python-dotenv could not parse|could not parse (?:statement|line|\.env)|invalid (?:value|line) in \.env",
                      re.I)
# the statement that failed reads an environment variable by name (os.environ.get("X"), os.getenv('X'), environ["X"])
_ENV_READ = re.compile(r"""\b(?:getenv|environ(?:\.get)?)\s*[(\[]\s*['"](?P<name>[A-Z][A-Z0-9_]{1,60})['"]""")
_LEVEL = re.compile(r"\b(?:WARNING|WARN|ERROR|CRITICAL)\b")
_USER = re.compile(r"\b(?:supplied|pasted|entered|uploaded|typed) by the user\b|\buser[- ](?:supplied|provided|input)\b|"
                   r"\bthe user (?:pasted|supplied|entered|typed)\b|\bclient[- ]supplied\b", re.I)
# keys too common to tie a value to an error by their word alone
_COMMON_KEYS = frozenset({"model", "url", "host", "port", "level", "name", "id", "user", "type", "status", "code",
                          "message", "messages", "error", "timeout", "path", "file", "time", "mode", "method",
                          # a record's section label ("database: pool ready"), not a parameter
                          "database", "pool", "cache", "server", "client", "storage", "provider"})
_WIDE = re.compile(rf"(?P<key>{_NAME})=(?P<value>[^,;()\n]{{1,200}})")
# a library's parameter in an error ("max_size", "min_size", "statement_timeout"), and the words too generic to tie
# a parameter to a setting by themselves
_PARAM = re.compile(r"\b[a-z]{2,20}(?:_[a-z]{2,20}){1,3}\b")
_GENERIC_WORDS = frozenset({"size", "value", "count", "num", "number", "limit", "name", "type", "id", "time", "the"})
_FILE_PATH = re.compile(r"(?<![\w:/.])/(?:[\w.-]{1,60}/){1,12}[\w-]{1,60}\.[A-Za-z]{2,8}\b")
_CAUSE_LINE = re.compile(r"^(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception): \S")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


# a REST resource path: its collection and the id the request named ("/v1/files/<id>/content", "/batches/<id>")
_RESOURCE = re.compile(r"/(?P<kind>[a-z][a-z_]{2,30})/(?P<id>[A-Za-z0-9][\w.\-]{5,200})(?=[/?\s\"']|$)")


@dataclass(frozen=True, slots=True)
class MisplacedId:
    """A resource id the remote did not know that a preceding record names as the value of a field of ANOTHER kind:
    our code sent that field's value as the id (held-out 7's 7004: a continuation_id sent as a file id)."""

    key: str
    kind: str
    value: str
    line: str


def misplaced_id(inp: DiagnosisInput) -> MisplacedId | None:
    """The field whose value the failing request used as a resource id of another kind, or None. Read from the
    request's URL (the record or an HTTP client's line before it) and the key=value pairs of the records before."""
    lines = [_HEADER.sub("", c[:LINE]) for c in inp.context] + [m[:LINE] for m in inp.messages()]
    named: dict[str, tuple[str, str]] = {}  # a value -> the key and line that name it last (one pass: bounded)
    for line in lines:
        for m in (m for pair in _PAIRS for m in pair.finditer(line)):
            if "/" not in line[max(0, m.start() - 1):m.start()]:  # not a segment of a URL path
                named[m.group("value").strip("'\"")] = (m.group("key"), line.strip())
    for url_line in reversed(lines):
        for res in _RESOURCE.finditer(url_line):
            kind, value = res.group("kind"), res.group("id")
            if value not in named:
                continue
            key, line = named[value]
            stem = _singular(kind)
            if stem in key.lower() or set(re.split(r"[_.]", key.lower())) <= {"id", "ids"}:
                return None  # the field IS of the resource's kind (file_id, id): the remote's state may be the cause
            return MisplacedId(key, stem, value, line)
    return None


def _singular(collection: str) -> str:
    """A REST collection's item word by the English plurals: files -> file, batches -> batch, entries -> entry."""
    if collection.endswith("ies"):
        return collection[:-3] + "y"
    if collection.endswith(("ches", "shes", "sses", "xes")):
        return collection[:-2]
    return collection[:-1] if collection.endswith("s") else collection


@dataclass(frozen=True, slots=True)
class Origin:
    """Where the failing value came from, the name it goes by, and the line that shows it."""

    kind: Literal["setting", "input"]
    name: str
    line: str
    via: Literal["named", "loaded", "missing", "said"]


def value_origin(inp: DiagnosisInput, local: bool) -> Origin | None:
    """The origin of the offending value of `inp`, or None (the default reading: the gateway's code produced it).
    `local`: the error involves no remote (rule 3 applies only then)."""
    # the error is its message and its CHAINED causes' messages ("Unable to configure handler 'file'" was caused by
    # "FileNotFoundError: ... '/app/log/x.log'": the value is in the cause, held-out 7's 7046)
    causes = [ln.strip()[:LINE] for ln in inp.traceback[-16384:].splitlines()[1:] if _CAUSE_LINE.match(ln)][-4:]
    error = "\n".join([*(m[:LINE] for m in inp.messages()), *causes])
    raw = [c[:LINE] for c in inp.context]
    before = [_HEADER.sub("", c) for c in raw]
    for judged in _SETTING_JUDGED.finditer(error):
        name = judged.group("name") or judged.group("name2")
        if name and not _NOT_SETTING.search(name):
            return Origin("setting", name, _line_with(error, name), "named")
    if inp.exception_type in _LOOKUP_REFUSALS and _literal_of_ours(inp.traceback, error):
        return None  # CLASSES10 F4's twin: the refused name is a literal on our own frame's line, not a setting's
    for line in reversed(before):
        changed = changed_to(line, error)
        if changed is not None:
            return Origin("setting", changed, line.strip(), "loaded")
        rest = without_changes(line)  # a change's OLD value is no longer the running one (the twin of changed_to)
        if not _LOADS.search(rest):
            continue
        shared = _shared(rest, error)
        if shared is not None:
            # the shared key when it is a setting itself (EXAI_LOG_DIR of "EXAI_ENVIRONMENT=docker EXAI_LOG_DIR=/app/log")
            name = shared if _SETTING.fullmatch(shared) and not _NOT_SETTING.search(shared) else _setting_in(line) or shared
            return Origin("setting", name, line.strip(), "loaded")
    if local:
        for line, full in zip(reversed(before), reversed(raw), strict=True):
            missing = _MISSING.search(line)
            if missing is not None and _LEVEL.search(full[:80]) and _explains(missing.group("name"), error, inp):
                return Origin("setting", missing.group("name") or "the .env file", line.strip(), "missing")
    source = app_source_line(inp.traceback)
    read = _ENV_READ.search(source) if source else None
    if read is not None and not _NOT_SETTING.search(read.group("name")):
        # 5. the gateway's statement that failed converts an environment variable it names (held-out 7's 7035)
        return Origin("setting", read.group("name"), source or read.group(0), "named")
    said = _USER.search(error) or next((m for c in reversed(before) if (m := _USER.search(c))), None)
    if said is not None:
        return Origin("input", said.group(0), _line_with("\n".join([error, *before]), said.group(0)), "said")
    return None


# a failure of ABSENCE: what a setting that never arrived shows up as (an empty set of tasks, a None client, no
# provider available); a KeyError is left out - a dict lookup misses for many reasons besides the environment
_ABSENCE = re.compile(r"\bempty\b|NoneType|\bis None\b|not (?:available|configured|initiali[sz]ed)|"
                      r"\bno (?:providers?|clients?|keys?|credentials?|api[ _]keys?)\b", re.I)
_NAME_WORDS_GENERIC = frozenset({"api", "key", "keys", "url", "uri", "dsn", "id", "secret", "token", "enabled",
                                 "enable", "disable", "disabled", "mode", "path", "dir", "file", "host", "port", "name"})


def _explains(name: str | None, error: str, inp: DiagnosisInput) -> bool:
    """Whether a preceding "NAME not set" warning can be the cause of this local failure: the failure is one of
    absence, or the error or the failing frames name the setting's distinctive words. A warning about an unrelated
    optional setting ("SENTRY_DSN not set; error reporting disabled") must not turn a circular-JSON bug or an index
    error into config (review of round 7). A dotenv parse warning (no name) explains only a failure of absence."""
    if _ABSENCE.search(error):
        return True
    if not name:
        return False
    words = {w for w in name.lower().split("_") if len(w) >= 3} - _NAME_WORDS_GENERIC
    text = (error + "\n" + inp.traceback[:65536]).lower()
    return bool(words) and any(re.search(rf"\b{re.escape(w)}", text) for w in words)


BY_LITERAL = 0.45
# a lookup refusing a NAME (codecs "unknown encoding:", hashlib "unsupported hash type", logging "Unknown level:",
# an enum's KeyError line): not a parse of a datum (strptime's "does not match format" refuses the datum)
_NAME_REFUSED = re.compile(r"\b(?:unknown|unsupported|no such|not (?:a )?(?:valid|supported|found))\b|^KeyError:", re.I)
_CHAINED = re.compile(r"direct cause of the following exception|During handling of the above exception")
# a library's lookup table refusing a name (codecs.lookup LookupError, hashlib ValueError, an enum's KeyError): F4's
# class; an OSError's missing file is the environment's (held-out 6's 6074: a gettext domain literal, the user's locale)
_LOOKUP_REFUSALS = frozenset({"LookupError", "ValueError", "KeyError"})
_SOURCE_LITERAL = re.compile(r"""(?<![\w])(?:'([^'\n]{3,80})'|"([^"\n]{3,80})")""")


def _literal_of_ours(traceback: str, error: str) -> bool:
    """Whether the error's refused value is a string literal of the failing app frame's source line: the line's last
    word (`encoding="utf8mb4"` -> "unknown encoding: utf8mb4", hashlib's "unsupported hash type NAME"; never a URL's
    "=value", which held-out 5's 5008 showed is a query string), and no other quoted value in that line that our
    source does not hold (strptime's "time data 'X' does not match format '%Y-%m-%d'" refuses X, not our format).
    The code wrote the value (CLASSES10 F4: "the name is a literal in our frame -> code")."""
    source = app_source_line(traceback)
    if not source:
        return False
    literals = {v for m in _SOURCE_LITERAL.finditer(source) if (v := m.group(1) or m.group(2))}

    def refuses_ours(line: str) -> bool:
        hit = _NAME_REFUSED.search(line) is not None and \
            any(re.search(rf"[:\s]\s*['\"]?{re.escape(v)}['\"]?\s*$", line) for v in literals)
        return hit and not ({m.group(1) or m.group(2) for m in _QUOTED.finditer(line)} - literals)
    # no exception of a chain may quote another value: a cause quoting one ("Unable to configure handler 'file'"
    # caused by a setting's missing path) holds the refused value; hashlib's chain (OpenSSL's bare "unsupported",
    # then "unsupported hash type NAME") quotes none
    chain = [ln.strip() for ln in traceback[-16384:].splitlines()[1:] if _CAUSE_LINE.match(ln)]
    if _CHAINED.search(traceback[-16384:]):
        quoted_other = any({m.group(1) or m.group(2) for m in _QUOTED.finditer(ln)} - literals for ln in chain)
        return not quoted_other and any(refuses_ours(ln) for ln in chain)
    return any(refuses_ours(line) for line in error.splitlines())


def _shared(config_line: str, error: str) -> str | None:
    """A value or a parameter of `config_line` that the error names, or None."""
    low = error.lower()
    for m in (m for pair in _PAIRS for m in pair.finditer(config_line)):
        key, value = m.group("key"), m.group("value").strip("'\"")
        # "label: word" is prose ("database: pool ready"): a short plain word after a colon is no value
        prose = m.re is _PAIRS[1] and value.isalpha() and len(value) < 8
        # a bare number is a limit, a size or a count: the error quoting it reports the limit ENFORCED ("count
        # 121/120" after RATE_LIMIT=120: the setting did its job, held-out 13's 13016), not the value refused - a
        # number the error refuses names its setting ("X must be ...": rule 1) or its parameter (the key's word below)
        if len(value) >= 3 and not prose and not _TRIVIAL_VALUE.match(value) and not _NUMBER.fullmatch(value) \
                and value in error:
            return key
        path = re.sub(r"^https?://[^/]+", "", value)
        if len(path) >= 4 and path != value and path.rstrip("/") in error:
            return key  # a base URL's path, quoted in the error's endpoint ("API /api/paas/v3/chat/completions")
        word = key.rsplit(".", 1)[-1].lower()
        if len(word) >= 4 and word not in _COMMON_KEYS and re.search(rf"\b{re.escape(word)}\b", low):
            return key
    for m in _WIDE.finditer(config_line):
        # a setting's value that runs past a space ("DB_STATEMENT_TIMEOUT=30 secs, ..."): the pair readers stop at
        # the space; the error quotes it whole (Postgres: invalid value for parameter "statement_timeout": "30 secs")
        value = m.group("value").strip()
        if " " in value and len(value) >= 3 and (f'"{value}"' in error or f"'{value}'" in error):
            return m.group("key")
    related = _related_settings(config_line, error)
    if related is not None:
        return related
    for m in _FILE_PATH.finditer(config_line):
        # a file the config record loads from ("loading gateway config from /app/config/gateway.ini"), named again by
        # the error ("While reading from '/app/config/gateway.ini'"): the gateway's own config file (CLASSES8 H3's twin)
        if m.group(0) in error:
            return m.group(0)
    for m in _QUOTED.finditer(config_line):
        value = m.group(1) or m.group(2)
        if not _TRIVIAL_VALUE.match(value) and (f"'{value}'" in error or f'"{value}"' in error):
            return value
    return None


def _related_settings(config_line: str, error: str) -> str | None:
    """The settings of `config_line` that the error's relation between two parameters names ("max_size must be
    greater or equal than min_size" after "DB_POOL_MIN=20, DB_POOL_MAX=8"): each of two parameters shares its
    distinctive word with a different setting on the line. One shared word alone is too weak (held-out 7's 7033)."""
    settings = [m.group(0) for m in _SETTING.finditer(config_line) if not _NOT_SETTING.search(m.group(0))][:20]
    matched: dict[str, str] = {}
    for param in dict.fromkeys(_PARAM.findall(error[:LINE])):
        words = set(param.split("_")) - _GENERIC_WORDS
        for name in settings:
            if name not in matched.values() and words & set(name.lower().split("_")):
                matched[param] = name
                break
    return " and ".join(sorted(set(matched.values()))) if len(matched) >= 2 else None


def _setting_in(line: str) -> str | None:
    for m in _SETTING.finditer(line):
        if not _NOT_SETTING.search(m.group(0)):
            return m.group(0)
    return None


def _line_with(text: str, needle: str) -> str:
    return next((ln.strip() for ln in text.splitlines() if needle in ln), needle)


# a rule or family that already answered from where the value came from (the user's own file, a setting's
# pydantic model) or from a code in its namespace keeps its answer
# answers the origin of a value cannot change: a value family's own verdict, or (CLASSES10 G2) an object's own state
# check refusing a lifecycle step (threading.py "cannot join thread before it is started", a generator re-entered):
# no value failed, so a setting printed before (the flag that skipped the start) is not "the value that failed"
_DECIDED = re.compile(r"^class:(?:input\.|config\.|code\.sqlstate|code\.pgrst|code\.zai|code\.moonshot"
                      r"|server\.(?:thread|generator)-lifecycle)")
def _data_exception(sit: Situation) -> bool:
    """SQLSTATE class 22 (data exception): the server refused a VALUE the gateway sent; where the value came from
    (a setting: DB_STATEMENT_TIMEOUT='30 secs', held-out 7's 7037) decides, not the code table. Class P0 too (PostgreSQL
    errcodes appendix, psycopg/errors.py: P0001 RAISE, P0002/P0003 `INTO STRICT` meeting no or several rows, P0004
    ASSERT): our function's control flow raised on the argument it was called with, so whose argument it was decides
    (CLASSES10 G5: our own job's -> code, the table's answer; a value the record says the user passed -> unknown)."""
    return any(c.startswith(("22", "P0")) for c in sit.code("sqlstate"))


CLIENT_ERRORS = frozenset({"400", "404", "405", "409", "413", "415", "422"})
BY_SETTING = 0.5  # the error or a config-loading record names the setting: origin plus the library's family
BY_WARNING = 0.4  # only a preceding "not set" warning ties the local failure to the setting
BY_INPUT = 0.35


def by_origin(d: Diagnosis, inp: DiagnosisInput, sit: Situation) -> Diagnosis:
    """`d` re-categorised by the origin of the offending value (the doctrine: a setting -> config, the client's input
    -> unknown), or `d` unchanged when the origin is the code's own or the record does not show it."""
    if _DECIDED.search(d.rule or "") and not _data_exception(sit):
        return d
    statuses = set(sit.code("http"))
    local = not statuses  # no answer from a remote: a missing setting shows up as a local failure

    if d.category in ("provider", "storage") and "404" in statuses and (wrong := misplaced_id(inp)) is not None:
        return _sent_as(d, wrong)
    origin = value_origin(inp, local)
    if origin is None and d.rule == "catch-all" and inp.exception_type in _LOOKUP_REFUSALS and _literal_of_ours(inp.traceback, "\n".join(inp.messages())):
        return d.reanswered(  # CLASSES10 F4's twin: a library refused a name our own line wrote
            category="code", confidence=BY_LITERAL, rule=f"{d.rule}+origin:literal",
            summary=redact(f"Our code passes a value the library refuses ({inp.exception_type}: "
                              f"{one_line(inp.exception_message or '', 120)})"),
            root_cause=redact("The refused value is a literal on the failing line of our own code ("
                                 f"{(app_source_line(inp.traceback) or '').strip()[:160]}), not a setting or input: "
                                 "the library's lookup has no such name, so every call fails until the code changes."),
            suggested_fix=["Use a name the library documents (its lookup table: codecs, hash names, levels) or "
                              "read it from a validated setting."])
    if origin is None:
        return d
    if origin.kind == "input":
        if d.category != "code":
            return d
        return d.model_copy(update={
            "category": "unknown", "confidence": min(d.confidence, BY_INPUT), "rule": f"{d.rule}+origin:input",
            "root_cause": redact(f"The value came from the client's input ({origin.line[:200]}): the library refused "
                                 "what the user supplied, and the record does not show whether a check of ours should "
                                 "have refused it first. ") + d.root_cause,
            "evidence": [redact(origin.line[:EVIDENCE_CHARS]), *d.evidence]})
    if d.category == "config" and origin.kind == "setting" and origin.name not in f"{d.summary} {d.root_cause}":
        # already config, but the text does not say WHICH setting: name it (right category, the setting unsaid)
        return d.model_copy(update={
            "summary": redact(f"{d.summary} - the setting {origin.name}"),
            "root_cause": redact(f"{d.root_cause} The setting: {origin.name} (\"{origin.line[:240]}\")."),
            "evidence": list(dict.fromkeys([redact(origin.line[:EVIDENCE_CHARS]), *d.evidence]))})
    remote_client_error = d.category in ("provider", "storage") and bool(statuses & CLIENT_ERRORS)
    if d.category not in ("code", "unknown") and not remote_client_error:
        return d
    from_warning = origin.via == "missing"
    if remote_client_error and from_warning:
        return d
    url = " (a URL)" if "url" in origin.name.lower() else ""
    # the catch-all's summary only quotes the record; the failure is then said by its class, not re-quoted
    failure = d.summary if d.rule != "catch-all" else (
        f"{inp.exception_type}: {one_line(inp.exception_message or '', 160)}" if inp.exception_type
        else f"the {inp.level} record of {inp.logger or 'the application'}")
    how = "did not arrive (a preceding record says so)" if from_warning else "holds the value that failed"
    cause = (f"The offending value came from configuration, not from the code: the setting {origin.name}{url} - "
             f"\"{origin.line[:300]}\". The failure: {failure}")
    return d.reanswered(
        category="config", confidence=BY_WARNING if from_warning else BY_SETTING, rule=f"{d.rule}+origin:setting",
        severity=d.severity if d.severity in ("high", "critical") else "medium",
        summary=redact(f"The setting {origin.name}{url} {how}: {failure}"),
        root_cause=redact(cause),
        suggested_fix=[redact(f"Correct {origin.name} where the deployment sets it (environment, compose file, .env, "
                                 "config file) and restart; check that the new value reached the container."),
                          "Validate the setting where it is loaded, so a bad value fails at startup with its name."],
        evidence=[redact(origin.line[:EVIDENCE_CHARS])])


def _sent_as(d: Diagnosis, wrong: MisplacedId) -> Diagnosis:
    """A 404 for an id our code took from a field of another kind: the code, not the remote's state."""
    return d.reanswered(
        category="code", confidence=BY_SETTING, rule=f"{d.rule}+origin:field",
        severity=d.severity if d.severity in ("high", "critical") else "medium",
        summary=redact(f"The request used the value of {wrong.key} as a {wrong.kind} id, and the remote does not "
                          f"know it (404)"),
        root_cause=redact(f"The {wrong.kind} id in the failing request ({wrong.value[:80]}) is the value a record "
                             f"before it gives for {wrong.key} - a field of another kind - so the gateway's code passed "
                             f"the wrong field: \"{wrong.line[:240]}\". The remote's 404 is the consequence."),
        suggested_fix=[redact(f"Fix the call that builds the {wrong.kind} request so it passes the {wrong.kind} id, "
                                 f"not {wrong.key}."),
                          "Add a test that runs the call with both ids present and checks which one is sent."],
        evidence=[redact(wrong.line[:EVIDENCE_CHARS])])
