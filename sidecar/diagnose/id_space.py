"""An identifier space with a declared maximum exhausted vs a value our code computed overflowing a column
(evals/CLASSES11.md C2).

PostgreSQL's own raise sites (errcodes appendix, `SP/psycopg/errors.py`):
- 2200H sequence_generator_limit_exceeded (SequenceGeneratorLimitExceeded), sequence.c nextval_internal:
  'nextval: reached maximum value of sequence "<seq>" (<max>)' - a sequence, serial or identity column at its
  declared maximum: every insert of that table fails, other tables' succeed. The table's declared type limits the
  writes, like a column's declared size: storage. Twin: our migration created the sequence with an explicit small
  MAXVALUE (a record before names the sequence with MAXVALUE) -> code.
- 22003 numeric_value_out_of_range (NumericValueOutOfRange): 'value "<n>" is out of range for type <t>' (input
  conversion) or '<t> out of range' (int4/int2 arithmetic and binary input). The class table answers storage (a
  column too small for what the gateway stores). What decides is WHICH rows fail: when the overflowing value is one
  our code computed - a field other than an id, in our own record of the row, beyond the type's range (smallint
  32767, integer 2147483647) - or the same table's inserts go on succeeding after a failure, only the rows carrying
  that value fail: our computation (a unit: nanoseconds, microseconds) is wrong -> code (0.5). An id or sequence
  value beyond the range is the identifier space itself (storage, unchanged).
"""

from __future__ import annotations

import re

from .following import request_id
from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE
from .situation import situation

_SEQ_MAX = re.compile(r'reached maximum value of sequence "(?P<seq>[^"\n]{1,127})" \((?P<max>\d+)\)')
_OUT_OF_RANGE = re.compile(r'value "(?P<v>-?\d+)" is out of range for type (?P<t>smallint|integer|bigint)|'
                           r"\b(?P<t2>smallint|integer|bigint) out of range")
_LIMITS = {"smallint": 32767, "integer": 2147483647, "bigint": 9223372036854775807}
_FIELD = re.compile(r"""["']?(?P<k>[A-Za-z_][\w.]{0,60})["']?\s*[=:]\s*(?P<v>-?\d{4,20})\b""")
_ID = re.compile(r"(?:^|_)(?:id|seq|serial|pk)$|^id$", re.I)
_TABLE = re.compile(r"\b(?:insert(?:ed|ing)?(?:\s+into)?|into|upsert(?:ed)?(?:\s+into)?)\s+\"?(?P<t>[a-z_][\w.]{1,62})|"
                    r"/rest/v1/(?P<t2>[a-z_]\w{1,62})", re.I)
_FAILED = re.compile(r"\b(?:ERROR|failed|error|400 Bad Request|409 Conflict)\b")
_SUCCEEDED = re.compile(r"\binserted\b|\b20[01] (?:OK|Created)\b|\bINSERT 0 1\b", re.I)


def _table(text: str) -> str | None:
    m = _TABLE.search(text)
    return None if m is None else (m.group("t") or m.group("t2")).split(".")[-1]


def _succeeds_after_failure(inp: DiagnosisInput, table: str) -> str | None:
    """A record of the same table's write succeeding after an earlier failure of it (or after the error)."""
    failed = False
    for raw in [*inp.context[-CONTEXT:]]:
        line = raw[:LINE]
        if _table(line) != table:
            continue
        if _FAILED.search(line):
            failed = True
        elif failed and _SUCCEEDED.search(line):
            return line
    return next((raw[:LINE] for raw in inp.after[:CONTEXT] if _table(raw[:LINE]) == table and
                 _SUCCEEDED.search(raw[:LINE]) and not _FAILED.search(raw[:LINE])), None)


def _computed_overflow(inp: DiagnosisInput, said: str, limit: int, table: str | None) -> tuple[str, str] | None:
    """(field, record) of our own record of the failing row carrying a non-id value beyond `limit` - the error's
    record, or one of the same request or naming the same table (review r12: an unrelated flush's ts_ms is not the
    row's value); None when only ids overflow."""
    rid = request_id(said)
    tied = [raw[:LINE] for raw in reversed(inp.context[-CONTEXT:])
            if (rid is not None and request_id(raw[:LINE]) == rid) or (table and _table(raw[:LINE]) == table)]
    for line in [said[:4096], *tied]:
        for m in _FIELD.finditer(line):
            if abs(int(m.group("v"))) > limit:
                if _ID.search(m.group("k").split(".")[-1]):
                    return None
                return m.group("k"), line
    return None


def id_space_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or storage for an exhausted sequence, or code for a computed value overflowing (module docstring)."""
    said = "\n".join([*inp.messages(), inp.traceback[-16384:]])
    if (m := _SEQ_MAX.search(said)) is not None:
        seq = m.group("seq")
        ours = next((raw[:LINE] for raw in inp.context[-CONTEXT:] if seq in raw[:LINE] and
                     re.search(r"\bMAXVALUE\b", raw[:LINE], re.I)), None)
        if ours is not None:
            return d.reanswered(
                category="code", severity="high", confidence=0.45, rule=f"{d.rule}+sequence-maxvalue",
                summary=f"Our migration gave the sequence {seq} an explicit maximum ({m.group('max')}), now reached",
                root_cause=("nextval() refuses every new id once the sequence reaches its MAXVALUE; the record "
                               "before shows our migration declaring that small maximum."),
                suggested_fix=[f"ALTER SEQUENCE {seq} MAXVALUE <larger> (or AS bigint) in a migration, and widen "
                                  "the id column to bigint."],
                evidence=[m.group(0), ours])
        if d.category == "storage":
            return d
        return d.reanswered(
            category="storage", severity="critical", confidence=0.55, rule=f"{d.rule}+id-space",
            summary=f"The id sequence {seq} reached its declared maximum ({m.group('max')}): every insert into "
                       "its table fails",
            root_cause=(f"nextval() on {seq} has no value left: the sequence (a serial or identity column of a "
                           "narrow integer type) reached its maximum, so every new row of that table is refused "
                           "while other tables still take writes."),
            suggested_fix=[f"Widen the id column and its sequence to bigint (ALTER TABLE ... ALTER COLUMN id TYPE "
                              f"bigint; ALTER SEQUENCE {seq} AS bigint MAXVALUE 9223372036854775807)."],
            evidence=[m.group(0)])
    r = _OUT_OF_RANGE.search(said)
    # (situation() last: it scans the whole record, ~10 ms, and most records stop at the cheaper tests)
    if r is None or ("NumericValueOutOfRange" not in said and "22003" not in said
                     and "22003" not in situation(inp).code("sqlstate")):
        return d
    limit = _LIMITS[r.group("t") or r.group("t2")]
    table = _table(said)
    again = _succeeds_after_failure(inp, table) if table else None
    computed = _computed_overflow(inp, said, limit, table)
    if again is None and computed is None:
        return d
    field = computed[0] if computed else None
    what = f"the value of {field}" if field else "a value our code computed"
    return d.reanswered(
        category="code", severity="medium", confidence=0.5, rule=f"{d.rule}+computed-overflow",
        summary=f"{what[0].upper()}{what[1:]} overflows its column ({r.group(0)}); only the rows carrying it fail",
        root_cause=(f"Only some rows of {table or 'the table'} fail: "
                       + (f"our own record shows {field} beyond the {r.group('t') or r.group('t2')} range"
                          if field else "the same table's inserts go on succeeding between the failures")
                       + ". The column is sized for the values it was meant to hold; the code computes a larger one "
                       "(a unit such as nanoseconds or microseconds where milliseconds were meant, a byte count)."),
        suggested_fix=["Fix the computation (convert to the column's unit) or, if the range is intended, widen "
                          "that column to bigint in a migration."],
        evidence=[r.group(0), *[x for x in (again, computed[1] if computed else None) if x]])
