"""Which tools/call record an error belongs to: the gateway logs each tool call with its arguments and a request id
(`[req:<id>]`, research upstream-gateway.md); several second looks ask whether the failing value came from a user's
call. One tie for all of them, so a fix to it (round-10 review: another request's call logged nearby says nothing
about this error) reaches every reader."""

from __future__ import annotations

import re

from .model import DiagnosisInput
from .setting_lines import CONTEXT, LINE

REQUEST_ID = re.compile(r"\[req:(?P<id>[\w-]{4,64})\]")
# a tool call's record names the tool after the MCP method ("tools/call NAME") or in words ("tool call NAME args=",
# "tool_call NAME", "calling tool NAME"); lower case only: the failure block's "=== TOOL CALL FAILED ===" is no call
TOOL_CALL_NAME = r"(?:\btools/call|\btool[ _-]call(?:ed)?|\bcalling tool)\s+['\"]?(?P<tool>[\w.-]{1,60})\b"
_TOOL_CALL = re.compile(TOOL_CALL_NAME + r"[^\n]{0,40}\(?\s*(?:arguments|args|params)?\W{0,4}\{")


def tool_call_before(inp: DiagnosisInput, calls: re.Pattern[str] = _TOOL_CALL) -> tuple[str, str] | None:
    """(the record, the tool) of the nearest tools/call record with arguments before the error that is tied to it:
    the same request id in both, or the error logged by that tool's own module (its last dotted part is the tool's
    name). The gateway logs each tool call with its arguments (research upstream-gateway.md); another request's call
    logged nearby says nothing about this error (round-10 review of user_target.py)."""
    ours = REQUEST_ID.search(inp.message)
    own = (inp.logger or "").rsplit(".", 1)[-1]
    for line in reversed([c[:LINE] for c in inp.context[-CONTEXT:]]):
        call = calls.search(line)
        if call is None:
            continue
        theirs = REQUEST_ID.search(line)
        same_request = ours is not None and theirs is not None and ours.group("id") == theirs.group("id")
        by_the_tool = ours is None and own != "" and own == call.group("tool")
        if same_request or by_the_tool:
            return line.strip(), call.group("tool")
    return None
