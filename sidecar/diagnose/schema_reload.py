"""PostgREST's schema cache not reloaded after a schema change that WAS applied (evals/CLASSES11.md C3): storage.

PostgREST answers from a cache of the database's schema that it loads at start and reloads on a notification on its
`pgrst` channel (`NOTIFY pgrst, 'reload schema'`) or a SIGUSR1 (PostgREST docs "Schema Cache"). Its group-2 codes
(PostgREST src/PostgREST/Error.hs; `SP/postgrest/exceptions.py` APIError carries them) name the object it did not
find, in fixed grammar:
- PGRST204 "Could not find the '<col>' column of '<table>' in the schema cache"
- PGRST205 "Could not find the table '<schema>.<table>' in the schema cache"
- PGRST202 "Could not find the function <schema>.<fn>(<args>) in the schema cache" (older: "the <schema>.<fn>(...)
  function")
- PGRST200 "Could not find a relationship between '<a>' and '<b>' in the schema cache"
Read alone they are code (the query names what the schema lacks: postgrest_codes.py group 2). What decides is a
SECOND record that says the object IS in the database: before the error, a schema change naming that very object
(ALTER TABLE ... ADD COLUMN <col>, CREATE TABLE/VIEW/FUNCTION <name>, a migration runner's "applied <file>: <DDL>" or
"applied migration <file> (<object>)") that did not fail. Then the REST service's runtime state is what must change
(reload it): storage. A reload of PostgREST's cache after the error (the notification, a SIGUSR1, a restart of the
REST service) followed by the same table's request succeeding corroborates it, but is not enough alone: the class's
twin (CLASSES11 K, C3) has the same reload and success where no migration names the object (it was created by hand,
out of the migrations: code). Twins: no schema change names the object, or the one that does failed/rolled back (the
object is not in the schema the code was shipped with: code, unchanged); the DDL created the object in ANOTHER
schema than the one the error names (not exposed: PostgREST's `db-schemas`) -> config.
Confidence 0.55 on the change before, 0.6 when the reload-with-success after is there too.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE

_MISSES: tuple[re.Pattern[str], ...] = (
    re.compile(r"Could not find the '(?P<obj>[\w$]{1,63})' column of '(?:(?P<schema>\w{1,63})\.)?(?P<table>[\w$]{1,63})'"
               r" in the schema cache"),
    re.compile(r"Could not find the table '(?:(?P<schema>\w{1,63})\.)?(?P<obj>[\w$]{1,63})' in the schema cache"),
    re.compile(r"Could not find the function (?:(?P<schema>\w{1,63})\.)?(?P<obj>[\w$]{1,63})\([^)\n]{0,300}\) in the "
               r"schema cache"),
    re.compile(r"Could not find the (?:(?P<schema>\w{1,63})\.)?(?P<obj>[\w$]{1,63})\([^)\n]{0,300}\) function in the "
               r"schema cache"),
    re.compile(r"Could not find a relationship between '(?P<table>[\w$]{1,63})' and '(?P<obj>[\w$]{1,63})' in the "
               r"schema cache"),
)
_DDL = re.compile(r"\b(?:ALTER\s+TABLE|ADD\s+COLUMN|CREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|VIEW|FUNCTION|"
                  r"MATERIALIZED\s+VIEW)|migrat\w*|applied|FOREIGN\s+KEY|REFERENCES)\b", re.I)
# a schema change that did not take: the object is not in the database (the twin)
_FAILED = re.compile(r"\b(?:fail\w*|error|rolled?\s*back|rollback|abort\w*|skipp\w*|pending|not\s+applied|dry[- ]run)"
                     r"\b", re.I)
_RELOAD = re.compile(r"NOTIFY\s+pgrst|reload(?:ed|ing)?\s+(?:the\s+)?(?:PostgREST\s+)?schema(?:\s+cache)?|"
                     r"schema\s+cache\s+(?:re)?load(?:ed)?|pg_notify\(\s*'pgrst'|SIGUSR1|"
                     r"(?:postgrest|rest)\b[^\n]{0,40}\b(?:restart(?:ed)?|recreated)|"
                     r"restart(?:ed|ing)?\b[^\n]{0,40}\b(?:postgrest|rest\b)", re.I)
_SUCCESS = re.compile(r"\b(?:HTTP/[\d.]+\"? 20[0-6]|20[0-6] (?:OK|Created|No Content))\b|\b(?:succeeded|inserted|saved|"
                      r"ok)\b", re.I)


def _miss(said: str) -> re.Match[str] | None:
    for rx in _MISSES:
        m = rx.search(said)
        if m is not None:
            return m
    return None


def _names(line: str, obj: str) -> bool:
    return re.search(rf"(?<![\w$]){re.escape(obj)}(?![\w$])", line) is not None


_ALTERED = re.compile(r"\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?:\"?\w{1,63}\"?\.)?\"?(?P<t>\w{1,63})", re.I)


def _change_before(inp: DiagnosisInput, obj: str, table: str | None = None) -> tuple[str | None, str | None]:
    """(the last schema-change record naming `obj` that did not fail, the schema it qualifies `obj` with). For a
    column, an ALTER TABLE of ANOTHER table adding a column of that name is not the change (review r12)."""
    for raw in reversed(inp.context[-CONTEXT:]):
        line = raw[:LINE]
        altered = _ALTERED.search(line)
        if table is not None and altered is not None and altered.group("t") != table:
            continue
        if _names(line, obj) and _DDL.search(line) and not _FAILED.search(line):
            q = re.search(r"(?P<s>\w{1,63})\.\"?" + re.escape(obj) + r"(?![\w$])", line)
            return line, (q.group("s") if q is not None else None)
    return None, None


def _failed_change(inp: DiagnosisInput, obj: str) -> bool:
    return any(_names(raw[:LINE], obj) and _DDL.search(raw[:LINE]) and _FAILED.search(raw[:LINE])
               for raw in inp.context[-CONTEXT:])


def _reload_after(inp: DiagnosisInput, table: str) -> str | None:
    """The reload record after the error when the same table's request succeeds after it."""
    reload: str | None = None
    for raw in inp.after[:CONTEXT]:
        line = raw[:LINE]
        if reload is None:
            if _RELOAD.search(line):
                reload = line
        elif _names(line, table) and _SUCCESS.search(line) and not _FAILED.search(line):
            return reload
    return None


def schema_reload_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or storage (config for another schema) when a schema-cache miss names an object a record shows exists."""
    said = "\n".join([*inp.messages(), inp.traceback[-16384:]])
    m = _miss(said)
    if m is None:
        return d
    obj = m.group("obj")
    table = (m.groupdict().get("table") or obj)
    # a column's or relationship's qualifier is its table, not a schema: only a table or function is compared
    schema = m.groupdict().get("schema") if m.re in (_MISSES[1], _MISSES[2], _MISSES[3]) else None
    change, created_in = _change_before(inp, obj, m.groupdict().get("table") if m.re is _MISSES[0] else None)
    if change is None and _failed_change(inp, obj):
        return d  # the migration that would add it failed: the object is not there (the twin, code)
    if change is None:
        return d
    reload = _reload_after(inp, table)
    if created_in and schema and created_in != schema:
        return d.reanswered(
            category="config", severity="medium", confidence=0.45, rule=f"{d.rule}+schema-not-exposed",
            summary=f"'{obj}' exists in schema {created_in}, but PostgREST looked in {schema}: that schema is not "
                       "among the ones the REST API exposes",
            root_cause=(f"A schema change created '{obj}' in the schema {created_in}; PostgREST's schema cache only "
                           f"holds the schemas it is configured to expose, and the request resolved it in {schema}."),
            suggested_fix=[f"Add {created_in} to PostgREST's exposed schemas (db-schemas / PGRST_DB_SCHEMAS, "
                              "Supabase: API settings > exposed schemas) or create the object in an exposed schema."],
            evidence=[m.group(0), change])
    deciding = [change] + ([reload] if reload is not None else [])
    what = f"a schema change before the error adds '{obj}'" + (
        f" and after a reload of the schema cache the same request on '{table}' succeeds" if reload else "")
    return d.reanswered(
        category="storage", severity="medium", confidence=0.6 if len(deciding) == 2 else 0.55,
        rule=f"{d.rule}+schema-cache-stale",
        summary=f"PostgREST's schema cache is stale: '{obj}' exists in the database but the REST API has not "
                   "reloaded its schema cache since it was added",
        root_cause=(f"PostgREST answered from its cached schema that '{obj}' does not exist, yet {what}: the object "
                       "is in the database and only the REST service's schema cache is behind (it reloads on a NOTIFY "
                       "on its pgrst channel or a restart, not by itself after DDL)."),
        suggested_fix=["Reload PostgREST's schema cache: NOTIFY pgrst, 'reload schema'; (or restart the REST "
                          "service), and end every migration with that notification."],
        evidence=[m.group(0), *deciding])
