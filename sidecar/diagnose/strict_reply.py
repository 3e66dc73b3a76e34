"""A strict parser of OUR side refusing an addition the remote's API allows (evals/CLASSES11.md G10): code; the remote
breaking its documented type: provider.

pydantic v2 reports each refusal as `<loc>\\n  <msg> [type=<error type>, input_value=<v>, input_type=<t>]`
(`SP/pydantic_core` ValidationError.__str__; the error types are pydantic's documented list, `SP/pydantic/errors.py`,
docs "Validation Errors"). When the model validated a PROVIDER's reply (the record concerns Kimi/GLM by its logger,
host or model, or names a reply/choice/delta/message/usage model), the error type says whose fault it is:
- `extra_forbidden` (a field the model does not declare) and `literal_error` / `enum` with a present value (a new
  finish reason, role, content-part or object type): the provider's API documents these as extensible and the
  openai SDK's own models accept them (`SP/openai/_models.py`: extra fields allowed, unknown literals kept); our
  model forbids them -> code (our parser must tolerate additions), from the day the remote adds them.
- the same refusals with `input_value=None` / `input_type=NoneType`, or a type error (`string_type`, `int_type`...)
  on a None: the provider sent null where its documented type is a value (CLASSES9 P1) -> provider - unless the
  API documents that field as nullable. The openai SDK's own models are the documentation read here
  (`SP/openai/types/chat/chat_completion_message.py`: `content: Optional[str]` - null on a tool-call reply -,
  `refusal`, `tool_calls`...; `chat_completion_chunk.py`: a chunk's `finish_reason` is Optional, a completion's is
  not): a null there is normal and our model requiring a value is the fault -> code.
Confidence 0.5: the error type decides, but the log does not show the provider's documentation.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .model import Diagnosis, DiagnosisInput
from .situation import situation

_ERROR = re.compile(r"(?P<loc>[\w.\[\]-]{1,80})\n\s{0,12}(?:\|\s*)?\s{0,6}(?P<msg>[^\n\[]{1,200}?) \[type=(?P<type>\w+), "
                    r"input_value=(?P<val>[^\n]{0,200}?), input_type=(?P<itype>\w+)\]")
VALIDATION_FOR = re.compile(r"validation errors? for (?P<model>\w+)")  # public: missing_record reads the model too
_REPLY_MODEL = re.compile(r"repl(?:y|ies)|response|completion|choice|delta|chunk|usage|message", re.I)
_ADDITION = frozenset({"extra_forbidden", "literal_error", "enum"})
_TYPES = re.compile(r"^(?:string|int|float|bool|list|dict|model)_type$|^(?:literal_error|enum)$")


@lru_cache(maxsize=2)
def _nullable_fields(stream: bool) -> frozenset[str]:
    """The reply fields the openai SDK's models declare nullable (a stream chunk's or a whole completion's)."""
    try:
        from openai.types import CompletionUsage
        from openai.types.chat import ChatCompletionMessage, chat_completion, chat_completion_chunk
    except ImportError:  # pragma: no cover - openai is a runtime dependency
        return frozenset()
    models: tuple[type, ...] = ((chat_completion_chunk.Choice, chat_completion_chunk.ChoiceDelta, CompletionUsage)
                                if stream else (chat_completion.Choice, ChatCompletionMessage, CompletionUsage))
    out: set[str] = set()
    for m in models:
        for name, info in getattr(m, "model_fields", {}).items():
            if not info.is_required() or "None" in str(info.annotation) or "Optional" in str(info.annotation):
                out.add(name)
    return frozenset(out)


@lru_cache(maxsize=1)
def _reply_fields() -> frozenset[str]:
    """Every field name of the openai SDK's chat reply models (a completion's and a chunk's)."""
    try:
        from openai.types import CompletionUsage
        from openai.types.chat import (
            ChatCompletion,
            ChatCompletionMessage,
            chat_completion,
            chat_completion_chunk,
        )
    except ImportError:  # pragma: no cover - openai is a runtime dependency
        return frozenset()
    models = (ChatCompletion, chat_completion.Choice, ChatCompletionMessage, chat_completion_chunk.Choice,
              chat_completion_chunk.ChoiceDelta, CompletionUsage)
    return frozenset(name for m in models for name in getattr(m, "model_fields", {}))


def strict_reply_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or code/provider for a strict model's refusal of a provider reply (module docstring)."""
    said = "\n".join([*inp.messages(), inp.traceback[-16384:]])
    # (the literal pydantic's line holds, then the library's words, before _ERROR: it has no literal prefix and is
    # tried at every position of a 16 KB text, ~5 ms per diagnosis)
    if "[type=" not in said or "pydantic" not in said.lower() and "validation error" not in said:
        return d
    errors = list(_ERROR.finditer(said))
    if not errors:
        return d
    sit = situation(inp)
    model = VALIDATION_FOR.search(said)
    provider = sit.remote in {"kimi", "glm"}
    # the refused model must be a reply's: its name (AssistantReply, Choice, ChunkDelta...) or the refused field one
    # of the chat reply's own (review r12: a settings model's extra key in a Kimi module is not a reply)
    reply_model = model is not None and _REPLY_MODEL.search(model.group("model")) is not None
    reply_field = any(e.group("loc").split(".")[0] in _reply_fields() for e in errors)
    if not (reply_model or (provider and reply_field and model is None)):
        return d
    who = {"kimi": "Kimi (Moonshot)", "glm": "GLM (Z.ai)"}.get(sit.remote or "", "the provider")
    first = errors[0]
    # an undeclared field is an addition whatever its value (null included); a closed set refusing None is a null
    nulls = [e for e in errors if e.group("itype") == "NoneType" and _TYPES.search(e.group("type"))]
    additions = [e for e in errors if e.group("type") == "extra_forbidden" or
                 (e.group("type") in _ADDITION and e.group("itype") != "NoneType")]
    stream = re.search(r"\b(?:chunk|delta|stream)", said, re.I) is not None
    documented = [e for e in nulls if e.group("loc").split(".")[-1] in _nullable_fields(stream)]
    if documented and not additions:
        e = documented[0]
        return d.reanswered(
            category="code", severity="medium", confidence=0.5, rule=f"{d.rule}+nullable-field",
            summary=f"Our reply model requires {e.group('loc')}, which the API documents as nullable "
                       f"({who} sent null)",
            root_cause=(f"pydantic refused {e.group('loc')}=None, but the chat API declares that field optional "
                           "(the openai SDK's own model types it Optional: null on a tool-call reply, a refusal, "
                           "a chunk without a finish): the provider's reply is valid, our model is too strict."),
            suggested_fix=[f"Declare {e.group('loc')} Optional in our reply model and handle the null case "
                              "(e.g. a tool-call reply has no content)."],
            evidence=[e.group(0).strip()])
    if nulls and not additions:
        e = nulls[0]
        return d.reanswered(
            category="provider", severity="medium", confidence=0.5, rule=f"{d.rule}+reply-null",
            summary=f"{who} sent null for {e.group('loc')}, where its documented type is a value ({e.group('type')})",
            root_cause=(f"Our reply model refused {e.group('loc')}=None: the provider's reply broke its documented "
                           "type (a field that is always a value arrived as null), not an addition our parser should "
                           "accept."),
            suggested_fix=["Treat a null there as a provider fault (retry or fall back) and report it; keep the "
                              "parser strict on types."],
            evidence=[e.group(0).strip()])
    if not additions:
        return d
    e = additions[0]
    what = (f"a new field '{e.group('loc')}'" if e.group("type") == "extra_forbidden" else
            f"a new value {e.group('val')} of {e.group('loc')}")
    return d.reanswered(
        category="code", severity="high", confidence=0.5, rule=f"{d.rule}+strict-reply",
        summary=f"Our strict reply model refuses {what} that {who} now sends ({e.group('type')})",
        root_cause=(f"pydantic refused {what} in {model.group('model') if model else 'our reply model'}: the "
                       "provider's API is extensible (new fields, finish reasons, roles and content types are added "
                       "over time and the openai SDK's own models accept them), but our model forbids extra fields "
                       "or maps the value through a closed set, so every reply carrying it fails."),
        suggested_fix=["Let the reply model accept additions (extra='allow' or 'ignore'; an open str for "
                          "finish_reason/role with known values handled), and log unknown values instead of "
                          "failing."],
        evidence=[first.group(0).strip()])
