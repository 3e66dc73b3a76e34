"""The ARGUMENTS of the tool call an error belongs to, whatever carrier recorded them.

Where a failing value comes from decides its category (evals/TAXONOMY.md: a user's input -> unknown, a setting ->
config, our code -> code); the commonest user origin is a tool call's arguments. The gateway records a tool call in
several carriers, and each second look used to read only one of them (user_target.py: "tools/call NAME (k=v)",
reparse.py: "args={...}"), so the same situation was recognised or not by its wording:
- a text record naming the call ("tools/call NAME (url=..., path=...)", "tool call NAME args={...}", "calling tool
  NAME arguments: {...}", "tool call NAME file=x.csv") - research upstream-gateway.md 1.2 (root `tools.*`/`src.*`
  loggers, `[req:<id>]`);
- a JSON record: `.logs/toolcalls.jsonl` (`{provider, tool_name, args, start_ts, ...}`, research 1.3), the structlog
  JSON lines, a Docker json-file line wrapping either (`{"log": "...", "stream": ..., "time": ...}`).
A call is tied to the error only by the same request id (following.request_id: every spelling), or - when the error
carries none - by the error being logged by the tool's own module; another request's call nearby says nothing about
this error (round-10 review of user_target.py). Argument text is parsed by json / ast.literal_eval only (literals;
log content is attacker-controlled), bounded in size.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass

from .following import request_id
from .model import DiagnosisInput

LINE = 8192
SCAN = 60
MAX_VALUE = 512
# keys that name the gateway's routing, not the user's data (the model/provider a chat call resolved, ids of ours)
_NOT_DATA = frozenset({"model", "provider", "session", "session_id", "continuation_id", "request_id", "req_id",
                       "tool", "tool_name", "name", "latency_ms", "start_ts", "end_ts", "ok", "error", "stream",
                       "time", "level", "logger", "timestamp", "event"})
_TEXT_CALL = re.compile(r"\b(?:tools?[/ _]call(?:ed|ing)?|call(?:ing|ed)?\s+tool|invok(?:e|ing|ed)\s+tool)\b\s*[:=]?\s+"
                        r"['\"]?(?P<tool>[A-Za-z_][\w.-]{0,60})['\"]?(?P<rest>[^\n]{0,6000})", re.I)
_DICT = re.compile(r"\b(?:args|arguments|params|parameters|input|kwargs)\s*[=:]\s*(?P<a>\{.{0,6000}\})")
_PAIR = re.compile(r"(?<![\w.])(?P<k>[a-z][a-z0-9_]{0,40})=(?P<v>'[^'\n]{0,500}'|\"[^\"\n]{0,500}\"|[^\s,;()]{1,500})")
_JSON_TOOL_KEYS = ("tool_name", "tool", "name")
_JSON_ARG_KEYS = ("args", "arguments", "params", "input", "kwargs")


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One tool call's record tied to the error: the record, the tool, its string arguments (key, value)."""

    line: str
    tool: str
    args: tuple[tuple[str, str], ...]

    def values(self) -> list[str]:
        """The argument values that are the user's data (routing keys such as the model are not)."""
        return [v for k, v in self.args if k.lower() not in _NOT_DATA]


def _strings(value: object, key: str = "") -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(key, value)] if 0 < len(value) <= MAX_VALUE else []
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [(key, str(value))]
    if isinstance(value, dict):
        return [p for k, v in list(value.items())[:64] for p in _strings(v, str(k))]
    if isinstance(value, list | tuple):
        return [p for v in list(value)[:64] for p in _strings(v, key)]
    return []


def _literal(text: str) -> object:
    """A dict/list literal in JSON or Python repr notation (the two ways a record prints arguments), or None."""
    for parse in (json.loads, ast.literal_eval):
        try:
            return parse(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
    return None


def _balanced(text: str) -> str:
    """`text` (starting at '{') cut after its matching '}' (quotes respected), else whole."""
    depth, quote = 0, ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[:i + 1]
    return text


def _json_record(line: str) -> dict[str, object] | None:
    """The JSON object a record IS (a JSON line, or the text record a Docker json-file line wraps), else None; a text
    record that merely prints a dict (args={...}) is not one."""
    start = len(line) - len(line.lstrip())
    if not line.startswith("{", start):
        return None
    obj = _literal(_balanced(line[start:]))
    if isinstance(obj, dict) and isinstance(obj.get("log"), str):  # Docker json-file: the record is in "log"
        inner = obj["log"]
        inner_obj = _json_record(inner)
        return inner_obj if inner_obj is not None else {"_text": inner}
    return obj if isinstance(obj, dict) else None


def _from_json(obj: dict[str, object]) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    tool = next((obj[k] for k in _JSON_TOOL_KEYS if isinstance(obj.get(k), str)), None)
    args = next((obj[k] for k in _JSON_ARG_KEYS if k in obj), None)
    if tool is None or args is None:
        return None
    if isinstance(args, str):
        parsed = _literal(args)
        args = parsed if parsed is not None else {"": args}
    return str(tool), tuple(_strings(args))


def _from_text(line: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    m = _TEXT_CALL.search(line)
    if m is None:
        return None
    rest = m.group("rest")
    d = _DICT.search(rest)
    if d is not None:
        parsed = _literal(_balanced(d.group("a")))
        if parsed is not None:
            return m.group("tool"), tuple(_strings(parsed))
    stop = re.search(r"\s(?:->|=>|completed|succeeded|failed|ok\b)", rest)
    # a bracketed value ("tools=[a, b]") is a structure the pairs cannot read whole: skipped, not cut
    pairs = [(p.group("k"), p.group("v").strip("'\"")) for p in _PAIR.finditer(rest[:stop.start()] if stop else rest)
             if not p.group("v").startswith(("[", "{"))]
    if not pairs:
        return None
    return m.group("tool"), tuple((k, v) for k, v in pairs if v)


def parse_tool_call(line: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """(tool, arguments) of a record that logs a tool call with arguments, in any carrier above; None otherwise."""
    line = line[:LINE]
    obj = _json_record(line)
    if obj is not None:
        text = obj.get("_text")
        if isinstance(text, str):
            return _from_text(text)
        found = _from_json(obj)
        if found is not None:
            return found
        message = next((obj[k] for k in ("message", "msg", "event") if isinstance(obj.get(k), str)), None)
        if isinstance(message, str):
            return _from_text(message)
    return _from_text(line)


def _json_request(line: str) -> str | None:
    obj = _json_record(line)
    if obj is None:
        return None
    found = next((obj[k] for k in ("request_id", "req_id", "requestId") if isinstance(obj.get(k), str)), None)
    return found if isinstance(found, str) else None


def tool_call_of(inp: DiagnosisInput) -> ToolCall | None:
    """The nearest tool call with arguments before the error that is tied to it (module docstring), or None."""
    ours = request_id("\n".join(inp.messages()) + "\n" + inp.traceback[:4096])
    own = (inp.logger or "").rsplit(".", 1)[-1]
    for line in reversed(inp.context[-SCAN:]):
        found = parse_tool_call(line)
        if found is None:
            continue
        tool, args = found
        theirs = request_id(line[:LINE]) or _json_request(line)
        same_request = ours is not None and theirs == ours
        by_the_tool = ours is None and own != "" and own == tool
        if same_request or by_the_tool:
            return ToolCall(line.strip()[:LINE], tool, args)
    return None
