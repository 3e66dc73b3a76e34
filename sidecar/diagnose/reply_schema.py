"""A provider reply that breaks its documented schema in a field our parsing consumes (CLASSES9 P1).

The openai SDK builds its reply models without validating them (openai/_models.py `construct`), so a field of the
wrong type, or an enum value outside its documented set, reaches OUR parsing frame and fails there as a TypeError /
KeyError / AttributeError / ValueError - read alone, a bug of ours (code). The provider's, when a record before the
error shows the reply's own value and the SDK's documented type for that field (openai/types/chat/*.py, read here
from the models' own annotations, never a list of ours) says otherwise:
- a field path of the chat completion (`choices[0].finish_reason`, `usage.prompt_tokens`,
  `choices[0].message.tool_calls[0].function.arguments`) with the value or type the reply carried, where the
  annotation is not Optional and the value is not of its type (a str where an int is documented, an object where a
  str is, a string outside a Literal's members);
- the error's own text quotes that value or its type name (the record is about THIS failure).
A documented-Optional field (message.content, message.tool_calls, usage) shown as null is our code assuming it
present: the answer stays code (the twin). A count of failures concentrated on the model the record names (N of M of
that model, 0 of the other models) is the provider's too: only its replies break our parsing. CLASSES10 G4's twin: our
strict encoder refusing NaN/Infinity after a record of the provider's reply carrying such a value (JSON has none).
Pure and bounded (the last 40 context lines, 2 KB each).
"""

from __future__ import annotations

import json
import re
import types
import typing
from typing import Any

from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE

_READING = {"TypeError", "KeyError", "AttributeError", "ValueError", "IndexError"}
# a dotted path into the chat completion, list indices allowed: choices[0].message.tool_calls[0].function.arguments
_PATH = re.compile(r"\b(?P<p>(?:choices|usage|message|tool_calls|function)(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?){0,5})")
_VALUE = re.compile(r"(?:=|:)\s*(?P<v>\"[^\"\n]{0,200}\"|\{[^\n]{0,400}?\}|\[[^\n]{0,400}?\]|null|true|false|"
                    r"-?\d+(?:\.\d+)?)(?=[\s,;)]|$)")
_JSON_TYPES = {dict: "dict", list: "list", str: "str", int: "int", float: "float", bool: "bool", type(None): "NoneType"}
# failures concentrated on one model: "<n> of <m> ... <model> ... 0 of <k> ... other models"
_ONE_MODEL = re.compile(r"\b0\b[^\n]{0,40}\bother models?\b|\bother models?\b[^\n]{0,20}\b0\b", re.I)
_MODEL_ID = re.compile(r"\b[a-z][a-z0-9]*(?:[-.][a-z0-9]+){1,6}\b")
# G4's twin (CLASSES10): a non-finite number the provider's reply carried, copied into what our strict encoder writes.
# A JSON key followed by a bare NaN/Infinity (what a reply's text holds; our own figures print Python's "nan"/"inf")
# in a record of the reply (its words) - CLASSES9 P1 read for the one value JSON itself cannot carry.
_NAN_REFUSED = re.compile(r"Out of range float values are not JSON compliant")
_NON_FINITE = re.compile(r"\"[\w.-]{1,60}\"\s*:\s*-?(?:NaN|Infinity)\b")
_REPLY_RECORD = re.compile(r"\b(?:repl(?:y|ies)|response|completion|chunk|choices)\b", re.I)
_FAILED = re.compile(r"\bfail\w*|\berrors?\b|\bunparse?able\b|\bcould not (?:parse|read)\b", re.I)


def _models(annotation: Any) -> list[type]:
    """The pydantic model classes an annotation names (through Optional, List, Union, Annotated)."""
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return [annotation]
    return [m for a in typing.get_args(annotation) for m in _models(a)]


def _leaf(path: str) -> Any | None:
    """The SDK's annotation of the field at `path` in ChatCompletion, or None when the path is not one."""
    from openai.types.chat import ChatCompletion

    names = [re.sub(r"\[\d+\]$", "", seg) for seg in path.split(".")]
    # a path relative to a choice's message, tool call or function starts at the completion's first choice
    prefix = {"message": ["choices"], "tool_calls": ["choices", "message"],
              "function": ["choices", "message", "tool_calls"]}.get(names[0], [])
    names = [*prefix, *names]
    owners: list[type] = [ChatCompletion]
    annotation: Any = None
    for i, name in enumerate(names):
        owner = next((o for o in owners if name in o.model_fields), None)  # type: ignore[attr-defined]
        if owner is None:
            return None
        annotation = owner.model_fields[name].annotation  # type: ignore[attr-defined]
        if i < len(names) - 1:
            owners = _models(annotation)
    return annotation


def _admits(annotation: Any, value: Any) -> bool:
    """Whether the documented annotation admits `value` (None for an Optional, a Literal's members, the base type)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_admits(a, value) for a in typing.get_args(annotation))
    if origin is typing.Literal:
        return value in typing.get_args(annotation)
    if origin is typing.Annotated:
        return _admits(typing.get_args(annotation)[0], value)
    if annotation is type(None) or annotation is None:
        return value is None
    if origin in (list, typing.List):  # noqa: UP006 - the SDK's annotations use typing.List
        return isinstance(value, list)
    if annotation is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(annotation, type):
        if hasattr(annotation, "model_fields"):
            return isinstance(value, dict)
        return isinstance(value, annotation)
    return True  # an annotation this reader does not model: never call it broken


def _broken_field(line: str, said: str) -> str | None:
    """The path a record shows with a value its documented type does not admit, quoted by the error's text."""
    for m in _PATH.finditer(line):
        annotation = _leaf(m.group("p"))
        value_m = _VALUE.search(line, m.end())
        if annotation is None or value_m is None:
            continue
        try:
            value = json.loads(value_m.group("v"))
        except ValueError:
            continue
        if _admits(annotation, value):
            return None  # documented so (an Optional's null): our code must handle it
        shown = _JSON_TYPES.get(type(value), "")
        if (shown and re.search(rf"\b{shown}\b", said)) or (isinstance(value, str) and value and value in said):
            return m.group("p")
    return None


def _non_finite_reply(inp: DiagnosisInput) -> str | None:
    """The earlier provider-reply record carrying a bare NaN/Infinity JSON value, when our strict encoder refused a
    non-finite float (json/encoder.py, allow_nan=False: "Out of range float values are not JSON compliant")."""
    if not _NAN_REFUSED.search(inp.exception_message or ""):
        return None
    for ln in reversed([c[:LINE] for c in inp.context[-CONTEXT:]]):
        if _NON_FINITE.search(ln) and _REPLY_RECORD.search(ln):
            return ln.strip()
    return None


def reply_schema_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or the provider's broken reply an earlier record shows (see the module docstring)."""
    if inp.exception_type not in _READING or d.category not in ("code", "unknown"):
        return d
    nan = _non_finite_reply(inp)
    if nan is not None:
        return d.model_copy(update={
            "category": "provider", "severity": "medium", "confidence": 0.45, "rule": f"{d.rule}+reply-non-finite",
            "summary": "The provider's reply carried a NaN/Infinity number, which JSON does not allow; our strict "
                       "encoder refused it when writing the copied value",
            "root_cause": "A record before shows the provider's raw reply with a bare NaN/Infinity value. JSON (RFC "
                          "8259) has no such numbers, so the reply breaks its schema; Python's json.loads accepts "
                          "them by default (parse_constant) and the float reached our json.dumps(allow_nan=False), "
                          "which refused it.",
            "suggested_fix": ["Report the reply to the provider; meanwhile drop or clamp non-finite numbers when "
                              "parsing replies (json.loads(parse_constant=...))."],
            "evidence": [*d.evidence, nan]})
    said = f"{inp.exception_type}: {inp.exception_message}"
    message = " ".join(inp.messages())
    for ln in reversed([c[:LINE] for c in inp.context[-CONTEXT:]]):
        path = _broken_field(ln, said)
        if path is None and _ONE_MODEL.search(ln) and _FAILED.search(ln):
            model = next((t for t in _MODEL_ID.findall(ln) if t in message and not t[0].isdigit()), None)
            path = f"the replies of {model}" if model else None
        if path is None:
            continue
        return d.model_copy(update={
            "category": "provider", "severity": "medium", "confidence": 0.45, "rule": f"{d.rule}+reply-schema",
            "summary": f"The provider's reply broke its documented schema ({path}): {said[:160]}",
            "root_cause": "The reply passed the HTTP status and the SDK (which does not validate replies), but a field "
                          f"our parsing reads ({path}) did not have the type or value the provider's API documents, "
                          "as the record before the error shows; our frame failed on it.",
            "suggested_fix": ["Report the malformed reply to the provider with the request id; meanwhile validate "
                              "that field and treat the turn as a provider error (retry or fail over)."],
            "evidence": [*d.evidence, ln.strip()]})
    return d
