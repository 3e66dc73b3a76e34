"""Our database function refusing a value the USER gave a tool (CLASSES10 G5's twin): unknown, not code.

The class layer reads a PL/pgSQL raise (errcodes class P0: P0001 raise_exception, P0002 no_data_found, P0003
too_many_rows, P0004 assert_failure) and a data exception (class 22) from our own call as our code's fault (CLASSES10
G5: a strict select meeting zero rows, an assertion, a division by an empty count). The twin is the same raise about a
value the user supplied: the function's message quotes the value (RAISE ... '%', arg / ASSERT ..., '...' || arg,
PL/pgSQL docs "Errors and Messages") and the same request's tools/call record carries it in its arguments. Only that
tie - the argument's value found verbatim in the refusal - moves the answer, to unknown at 0.35; a function raising
on data it should handle quotes no user argument and keeps code.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .tool_calls import tool_call_before

USER_VALUE = 0.35
_SQLSTATE = re.compile(r"SQLSTATE\W{0,3}(?P<code>22[0-9A-Z]{3}|P000[1-4])\b|\b(?P<bare>22[0-9A-Z]{3}|P000[1-4])\b")
_ARG_VALUE = re.compile(r"\"[\w-]{1,40}\"\s*:\s*\"(?P<v>[^\"\n]{3,200})\"")


def user_db_value_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or unknown when our function's raise quotes the value a user's tool call carried (module docstring)."""
    if d.category != "code" or not _SQLSTATE.search(f"{d.summary}\n{inp.exception_message or ''}\n{inp.traceback[-2000:]}"):
        return d
    found = tool_call_before(inp)
    if found is None:
        return d
    line, tool = found
    refusal = inp.exception_message or ""
    value = next((m.group("v") for m in _ARG_VALUE.finditer(line) if m.group("v") in refusal), None)
    if value is None:
        return d
    return d.reanswered(
        category="unknown", severity="low", confidence=USER_VALUE, rule=f"{d.rule}+user-value",
        summary=f"A database function refused the value a user gave the {tool} tool",
        root_cause="The function's own check raised on the argument the tool call carried (quoted in the refusal): "
                      "the user's input, not a fault of the function or the gateway.",
        suggested_fix=["Answer the user with the refusal; validate the argument before the call if it should "
                          "never reach the database."],
        evidence=[line])
