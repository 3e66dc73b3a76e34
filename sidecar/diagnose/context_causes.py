"""A server's or a library's answer whose ORIGIN an earlier record of ours shows (CLASSES8 C2, E3, F5 twins).

The doctrine (evals/TAXONOMY.md): the origin of the limit or of the act decides, not the component that reported it.
Three answers read the same in isolation and differently after a record of ours:
- SQLSTATE 57014 "canceling statement due to user request": PostgreSQL's postgres.c ProcessInterrupts says "user
  request" when a cancel request arrived (pg_cancel_backend(), a client's PQcancel) - not its own statement_timeout
  ("due to statement timeout") nor lock_timeout. When a record of OURS before it cancels a backend (a watchdog, a
  query guard), the cancel is ours: config when that record cites the setting whose limit it enforced (NAME=value),
  code when it cites none.
- PostgREST's feature switches (errors reference, group 1: PGRST123 "aggregate functions are disabled" by
  db-aggregates-enabled, PGRST126 "OpenAPI disabled" by openapi-mode; configuration reference for the option names and
  their PGRST_* environment spellings): our query used a feature the project's settings switch off. Config when a
  record before it changed/applied that very option; otherwise the code answer stands (our query is new).
- asyncio's lock bookkeeping checks (asyncio/locks.py: Condition.wait/notify "cannot wait/notify on un-acquired lock",
  Lock.release "Lock is not acquired.") are read as concurrency (base_family.py). Raised at start-up from one task -
  a start-up record and no record of concurrent work (sessions, tasks or calls in flight) - no other task took part:
  the code calls the condition without its lock (code).
And a connection setting libpq or the server refused is named by the printed setting whose value carries the refused
word. Each needs its earlier record; without one the answer is unchanged. Pure and bounded (the last 40 context lines,
2 KB each).
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE, Setting, settings_before
from .situation import Situation

_USER_CANCEL = re.compile(r"canceling statement due to user request", re.I)
# a record of ours cancelling a backend: pg_cancel_backend / pg_terminate_backend, "cancelling backend/query/statement"
_OUR_CANCEL = re.compile(r"pg_cancel_backend|pg_terminate_backend|\bcancel(?:l?ing|l?ed)?\s+(?:the\s+)?(?:backend|query|"
                         r"statement|pid)\b", re.I)
_POSTGRES_OWN = re.compile(r"canceling statement due to", re.I)  # the server's own text quoted again is no canceller
# a record saying our cancel did NOT happen ('pg_cancel_backend(N) refused: must be a member ...', 'not cancelling
# query ...', 'could not cancel backend N'): no cancel of ours explains the server's 'user request'
_NOT_DONE = re.compile(r"\b(?:not|never|no|n't|could\s+not|unable\s+to|failed\s+to)\s+(?:\w+\s+)?cancel|cancel\w*"
                       r"(?:\(\d+\))?[^.;\n]{0,40}?\b(?:refused|failed|denied|rejected|skipped|not\s+permitted)\b", re.I)

# PostgREST code -> the configuration option that switches the feature off, in its spellings (config file
# `db-aggregates-enabled`, env `PGRST_DB_AGGREGATES_ENABLED`, a settings key `db_aggregates_enabled`), lowercased and
# with `_` read as `-`. The option's NAME must be in the record: a word of it (`aggregates`) is also our own reports'
# word ('per-model aggregates updated for 14 models' changes no option; the reviewer's near-miss, round 9).
_FEATURE_SWITCH = {"PGRST123": ("aggregates-enabled",), "PGRST126": ("openapi-mode",)}
_APPLIED = re.compile(r"\b(?:chang\w*|appl(?:y|ied|ying)|set|disabled?|false|off|reload\w*|deploy\w*|updated?)\b", re.I)

_LOCK_CHECK = re.compile(r"cannot (?:wait|notify) on un-acquired lock|Lock is not acquired|cannot release un-acquired "
                         r"lock|release unlocked lock|Semaphore released too many times", re.I)
_STARTUP = re.compile(r"\bstart(?:ing|up|ed)?\b|\binitiali[sz](?:e|ing)\b|\bboot(?:ing)?\b", re.I)
_CONCURRENT = re.compile(r"\bconcurren\w*|\bin flight\b|\b(?:[2-9]|\d{2,})\s+(?:\w+\s+){0,2}(?:tasks?|sessions?|"
                         r"workers?|calls?|connections?|clients?)\b|\bregistered\b|\bconnected\b", re.I)
# "no sessions registered", "no other task running": a negated phrase says the opposite of concurrent work
_NEGATED = re.compile(r"\bno (?:other )?\w+(?: \w+)?", re.I)
_SINGLE = re.compile(r"\bsingle[- ](?:worker|task|process)\b|\bone (?:worker|task)\b", re.I)


def _before(inp: DiagnosisInput) -> list[str]:
    return [c[:LINE] for c in inp.context[-CONTEXT:]]


def _own_cancel(d: Diagnosis, inp: DiagnosisInput, sit: Situation) -> Diagnosis:
    said = " ".join([*inp.messages(), inp.traceback[-4096:]])
    if "57014" not in sit.code("sqlstate") or not _USER_CANCEL.search(said):
        return d
    ours = next((ln for ln in reversed(_before(inp))
                 if _OUR_CANCEL.search(ln) and not _POSTGRES_OWN.search(ln) and not _NOT_DONE.search(ln)), None)
    if ours is None:
        return d
    setting = _limit_of(ours, settings_before(inp))
    if setting is not None:
        return d.model_copy(update={
            "category": "config", "severity": "medium", "confidence": 0.5, "rule": f"{d.rule}+own-cancel",
            "summary": f"Our own canceller cancelled the query at the limit {setting.name}={setting.value} (SQLSTATE "
                       "57014, 'due to user request')",
            "root_cause": "PostgreSQL says the cancel came from a request ('due to user request'), not from a "
                          "time limit of the server's own, and a record of ours cancelled the backend just before, enforcing "
                          f"{setting.name}={setting.value}: the limit is our setting; the database did what it was told.",
            "suggested_fix": [f"Raise {setting.name} above what this query needs (or make the query cheaper), and "
                              "log the query the watchdog cancels."],
            "evidence": [*d.evidence, ours.strip()]})
    return d.model_copy(update={
        "category": "code", "severity": "medium", "confidence": 0.45, "rule": f"{d.rule}+own-cancel",
        "summary": "Our code cancelled the query (SQLSTATE 57014, 'due to user request' after our cancel record)",
        "root_cause": "PostgreSQL says the cancel came from a request ('due to user request'), not a server timeout, "
                      "and a record of ours cancelled the backend just before: our code stopped its own query.",
        "suggested_fix": ["Find why our code cancels this query (the record before it) and whether it should."],
        "evidence": [*d.evidence, ours.strip()]})


_GENERIC = frozenset({"SRC", "APP", "STORAGE", "DB", "PG", "DATABASE", "DAEMON", "CORE", "MAX", "MIN", "SECS", "SEC", "MS",
                      "QUERY", "TIMEOUT", "LIMIT", "WARNING", "INFO", "ERROR"})


def _limit_of(ours: str, settings: list[Setting]) -> Setting | None:
    """The setting whose limit the canceller enforced: printed on the canceller's own line, else a setting printed
    before whose name shares a distinctive word with the canceller's logger (pg_watchdog / PG_WATCHDOG_MAX_QUERY_SECS),
    else one whose value the canceller's line quotes as its limit (a number)."""
    own = next((s for s in settings if s.line == ours.strip()), None)
    if own is not None:
        return own
    m = re.match(r"^\S+[ T]\S+\s+[A-Z]+\s+(?P<logger>[\w.]+):", ours)
    words = set(re.split(r"[^A-Z0-9]+", m.group("logger").upper())) - _GENERIC if m else set()
    named = next((s for s in settings if words & set(s.name.split("_"))), None)
    if named is not None:
        return named
    numbers = set(re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", ours))
    return next((s for s in settings if re.fullmatch(r"\d+(?:\.\d+)?", s.value) and s.value in numbers
                 and {"SECS", "SEC", "TIMEOUT", "MS", "SECONDS", "MAX", "LIMIT"} & set(s.name.split("_"))), None)


def _switched_off(d: Diagnosis, inp: DiagnosisInput, sit: Situation) -> Diagnosis:
    code = next((c for c in sit.code("pgrst") if c in _FEATURE_SWITCH), None)
    if code is None or d.category != "code":
        return d
    words = _FEATURE_SWITCH[code]
    line = next((ln for ln in reversed(_before(inp))
                 if any(w in ln.lower().replace("_", "-") for w in words) and _APPLIED.search(ln)), None)
    if line is None:
        return d
    return d.model_copy(update={
        "category": "config", "severity": "medium", "confidence": 0.5, "rule": f"{d.rule}+setting-changed",
        "summary": f"PostgREST refused a feature the project's settings switched off ({code}) after a settings change",
        "root_cause": f"{code} is PostgREST's answer for a feature its configuration disables, and a record before it "
                      "changed that very option: the query is unchanged, the project's setting is what changed.",
        "suggested_fix": ["Re-enable the option in the project's PostgREST settings (or roll the change back), or stop "
                          "using the feature in the query if it was switched off on purpose."],
        "evidence": [*d.evidence, line.strip()]})


def _single_task(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    if d.category != "concurrency" or not _LOCK_CHECK.search(inp.exception_message or inp.message):
        return d
    before = _before(inp)
    started = any(_STARTUP.search(ln) for ln in before) or _STARTUP.search(f"{inp.logger} {inp.message}")
    if not started or any(_CONCURRENT.search(_NEGATED.sub("", _SINGLE.sub("", ln))) for ln in before):
        return d
    return d.reanswered(
        category="code", severity="medium", confidence=0.45, rule=f"{d.rule}+single-task",
        summary="An asyncio Condition/Lock is used without holding its lock, at start-up "
                   f"({inp.exception_message or 'RuntimeError'})",
        root_cause="asyncio's usage check fired during start-up with no other task in the log: no other task took "
                      "part; the code calls wait()/notify() (or release()) without holding the lock.",
        suggested_fix=["Hold the condition's lock around wait()/notify() ('async with cond: cond.notify()')."])


_QUOTED = re.compile(r'"(?P<v>[^"\n]{2,80})"')


def _carrying_setting(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """A connection setting refused by libpq or the server (doctrine._LIBPQ_SETTING) names the printed setting whose
    value carries the refused word (`DB_OPTIONS='-c statement_timeout_ms=15000'` for 'unrecognized configuration
    parameter "statement_timeout_ms"'): the on-call engineer changes that setting, so the answer says which."""
    if not (d.rule or "").endswith("libpq.setting"):
        return d
    said = " ".join(inp.messages())
    words = [m.group("v") for m in _QUOTED.finditer(said)]
    hit = next((s for s in settings_before(inp) for w in words if w in s.value), None)
    if hit is None or hit.name in d.summary:
        return d
    return d.model_copy(update={
        "summary": f"{d.summary} - set by {hit.name}",
        "suggested_fix": [f"Fix {hit.name} (printed before the failure: {hit.name}={hit.value[:120]}).",
                          *d.suggested_fix],
        "evidence": [*d.evidence, hit.line]})


_PATH_SETTING = re.compile(r"(?<![\w.])(?P<name>[A-Z][A-Z0-9]{1,30}(?:_[A-Z0-9]{1,30}){1,6})(?:=|\)|\s*:)|"
                           r"\((?P<name2>[A-Z][A-Z0-9]{1,30}(?:_[A-Z0-9]{1,30}){1,6})\)")
_ANY_FILE = re.compile(r"(?<![\w/])/[\w.-]+(?:/[\w.-]+)*\.(?:ya?ml|ini|cfg|conf|toml|json|xml)\b")
_OUR_FILE = re.compile(r"(?<![\w/])/(?:app|etc|srv|opt|config)/[\w./-]{1,200}\.(?:ya?ml|ini|cfg|conf|toml|json|xml)\b")


def _loaded_config(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """Nothing answered (the catch-all), a data parser's frame is innermost, and the SAME logger printed, before it, a
    setting naming a config file of the gateway's own tree ('GATEWAY_CONFIG_FILE=/app/config/x.yaml', 'loading ...
    from /app/... (NAME)'): the file that setting names does not parse - config (CLASSES9 U3's twin; the user's own
    files are under /mnt/project and answered as the user's, user_files.py)."""
    from .user_files import _PARSER_FRAME, USER_PROJECT_ROOT  # the one list of data parsers' frames

    if d.rule != "catch-all" or not inp.logger or USER_PROJECT_ROOT in " ".join(inp.messages()):
        return d
    frames = [ln for ln in inp.traceback[-16384:].splitlines() if ln.lstrip().startswith('File "')]
    if not frames or not _PARSER_FRAME.search(frames[-1]):
        return d
    # The failing record (or PyYAML's `in "<file>"` mark) naming another file says which file did not parse
    # ('parsing /tmp/uploads/u-582/compose.override.yaml failed' after loading /app/config/tools.yaml: the
    # reviewer's near-miss, round 9): the file loaded earlier is then not the one.
    named = set(_ANY_FILE.findall(" ".join([*inp.messages(), inp.traceback[-4096:]])))
    for ln in reversed(_before(inp)):
        if f" {inp.logger}: " not in ln or (path := _OUR_FILE.search(ln)) is None:
            continue
        if named and path.group(0) not in named:
            return d
        m = _PATH_SETTING.search(ln)
        name = (m.group("name") or m.group("name2")) if m else None
        if name is None:
            continue
        return d.model_copy(update={
            "category": "config", "severity": "high", "confidence": 0.45, "rule": "catch-all+loaded-config",
            "summary": f"The gateway's config file {path.group(0)} ({name}) does not parse ({inp.exception_type})",
            "root_cause": f"{inp.logger} loaded {path.group(0)} (set by {name}) just before, and a data parser refused "
                          f"it: {inp.exception_message or inp.message}. The file the setting names is malformed.",
            "suggested_fix": [f"Fix {path.group(0)} (or point {name} at a valid file) and restart."],
            "evidence": [*d.evidence, ln.strip()]})
    return d


def context_cause(d: Diagnosis, inp: DiagnosisInput, sit: Situation) -> Diagnosis:
    """`d`, or the cause an earlier record of ours shows for it (see the module docstring)."""
    d = _loaded_config(d, inp)
    return _carrying_setting(_single_task(_switched_off(_own_cancel(d, inp, sit), inp, sit), inp), inp)
