"""The verdict of a documented code in its namespace (codes.py): PostgREST, SQLSTATE, Z.ai, Moonshot, the gateway's.

Split from taxonomy.py (one idea: a code table's answer and its weight). The code's own documented entry answers at
`OWN_CODE`; a code known by its class/group only at `CODE_CLASS` (+ the component); a provider's documented message
standing for a lost code at `MESSAGE_CODE`. An unknown-model code for a model of the OTHER provider is a routing fault.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .classes import code_meaning
from .codes import (
    GATEWAY_CODES,
    GATEWAY_WRAPPERS,
    MOONSHOT_INVALID_REQUEST,
    MOONSHOT_TYPES,
    PGRST_MEANINGS,
    ZAI_MEANINGS,
    Text,
    pgrst_entry,
    sqlstate_entry,
    sqlstate_message_entry,
    zai_entry,
)
from .model import DiagnosisInput, one_line
from .postgrest_codes import pgrst_jwt_entry
from .provider_causes import PROVIDERS
from .provider_messages import message_code
from .remote_causes import DATABASES
from .situation import Situation
from .verdict import WITH_COMPONENT, Verdict, _verdict

# A code table's answer stays below the confident line (0.6), like every class-level answer: the table says what
# the code means, not what this record's situation needs. Measured: at 0.75 on code + remote, 2 of 9 answers on
# held-out set 2 were wrong (20:36 UTC, aggregate only); at 0.7 with the record's words confirming the code's
# meaning, still 1 of 7 (20:45). Rules that match the code *and* the situation's words keep their two-signal
# confidence (rules.py).
OWN_CODE = 0.55  # the code's own documented entry
MESSAGE_CODE = 0.45  # a code known only by its documented message (provider_messages.py), its provider named
CODE_CLASS = 0.4  # a code known by its class/group only (+ WITH_COMPONENT when the remote is named)


# a model of the *other* provider in the record or its context, where this provider says "unknown model"
_FOREIGN_MODEL = {"glm": re.compile(r"\b(?:kimi|moonshot)-[\w.-]+", re.I), "kimi": re.compile(r"\bglm-[\w.-]+", re.I)}
_UNKNOWN_MODEL_CODES = {"glm": "1211", "kimi": "resource_not_found_error"}


def _routed_to_wrong_provider(inp: DiagnosisInput, sit: Situation, code: str) -> Text | None:
    """An unknown-model answer for a model that belongs to the other provider: routing, not the model list."""
    remote = sit.remote or ""
    if _UNKNOWN_MODEL_CODES.get(remote) != code:
        return None
    m = _FOREIGN_MODEL[remote].search("\n".join([*inp.context[-12:], *inp.messages()])[-65536:])
    if m is None:
        return None
    owner = PROVIDERS["kimi" if remote == "glm" else "glm"]
    return ("config", "high",
            f"The {owner} model {m.group(0)} was sent to {PROVIDERS[remote]} - the provider routing picked the wrong provider",
            f"{PROVIDERS[remote]} answered that it does not know the model ({code}): the request named {m.group(0)}, a "
            f"{owner} model, so the model -> provider resolution (registry, default model or fallback chain) sent it to the "
            f"wrong provider.",
            (f"Check the model -> provider map: {m.group(0)} must resolve to {owner}; check the default model settings "
             "and make fallbacks keep the provider of an explicitly requested model.",))


def _moonshot_entry(etype: str, inp: DiagnosisInput | None) -> Text | None:
    """A Moonshot error type's entry; invalid_request_error by its documented message (else none)."""
    if etype in MOONSHOT_TYPES:
        return MOONSHOT_TYPES[etype]
    if etype == "invalid_request_error" and inp is not None:
        said = "\n".join(inp.messages())[:65536]
        return next((text for rx, text in MOONSHOT_INVALID_REQUEST if rx.search(said)), None)
    return None


def code_verdict(sit: Situation, inp: DiagnosisInput | None = None, wrappers: bool = False) -> Verdict | None:
    """The verdict of a documented code in its namespace (codes.py): PostgREST, SQLSTATE, Z.ai, Moonshot,
    the gateway's own codes (its wrapper codes only when `wrappers`: something more specific answers first)."""
    found: tuple[str, str, tuple[Text, bool], str, str] | None = None
    via_message: str | None = None
    gateway = [c for c in sit.code("gateway") if c in GATEWAY_CODES and (wrappers or c not in GATEWAY_WRAPPERS)]
    if (codes := sit.code("pgrst")) and (e := pgrst_entry(codes[0])) is not None:
        jwt = pgrst_jwt_entry(codes[0], "\n".join(inp.messages())) if inp is not None else None
        e = (jwt, True) if jwt is not None else e  # the JWT group read with its message (postgrest_codes.py)
        found = ("pgrst", codes[0], e, PGRST_MEANINGS.get(codes[0].upper(), "a PostgREST error"), "PostgREST")
    elif (codes := sit.code("sqlstate")) and (e := (sqlstate_message_entry(codes[0], "\n".join(inp.messages()))
                                                    if inp is not None else None) or sqlstate_entry(codes[0])) is not None:
        who = DATABASES.get(sit.remote or "", "the Postgres database")
        found = ("sqlstate", codes[0], e, code_meaning("sqlstate", codes[0]) or "an unlisted condition", who)
    elif (codes := sit.code("glm")) and (e := zai_entry(codes[0])) is not None:
        found = ("glm", codes[0], e, ZAI_MEANINGS.get(codes[0], "an undocumented code"), PROVIDERS["glm"])
    elif (codes := sit.code("moonshot")) and (typed := _moonshot_entry(codes[0], inp)) is not None:
        who = PROVIDERS["kimi"] if sit.remote in (None, "kimi") else "The provider (Moonshot API)"
        found = ("moonshot", codes[0], (typed, True), codes[0], who)
    elif inp is not None and (said := message_code(sit.remote, inp.messages())) is not None:
        # the code was lost on the way (openai >= 1.x keeps only the body's message): the provider's documented
        # message for it names it (provider_messages.py), weaker evidence than the code itself
        namespace, code, words = said
        if namespace == "glm" and (e := zai_entry(code)) is not None:
            found = ("glm", code, e, ZAI_MEANINGS.get(code, "an undocumented code"), PROVIDERS["glm"])
        elif namespace == "moonshot" and code in MOONSHOT_TYPES:
            found = ("moonshot", code, (MOONSHOT_TYPES[code], True), code, PROVIDERS["kimi"])
        via_message = words
    elif gateway:
        # the gateway's code is its own classification of the failure, not a documented cause: class-level weight
        found = ("gateway", gateway[0], (GATEWAY_CODES[gateway[0]], False), gateway[0], "the gateway")
    if found is None:
        return None
    namespace, code, (text, exact), meaning, who = found
    category, severity, summary, cause, fixes = text
    shown = code if via_message is None else f"{code}, known by its documented message '{one_line(via_message, 80)}'"
    fields = {"who": who, "code": shown, "meaning": meaning}
    summary = summary.format(**fields)
    text = (category, severity, summary[:1].upper() + summary[1:], cause.format(**fields),
            tuple(f.format(**fields) for f in fixes))
    routed = _routed_to_wrong_provider(inp, sit, code) if inp is not None else None
    text = routed or text
    # two independent signals (the code's own documented entry, and the remote/component the record names)
    # make a confident answer, like a rule's code + situation; a code known by its class/group stays below 0.6
    named = sit.remote_named_by_record
    confidence = OWN_CODE if exact else CODE_CLASS + (WITH_COMPONENT if named else 0.0)
    if via_message is not None:
        confidence = MESSAGE_CODE  # a provider's words, not its code: never above a code known by its class
    if len(sit.remotes) > 1:
        confidence -= 0.1
    # the gateway's code is its own label, not the owner's documented cause: it does not outrank a rule's words
    family = f"code.{namespace}" if via_message is None else f"message.{namespace}"
    return replace(_verdict(family, via_message or code, text, confidence), from_code=namespace != "gateway",
                   confidence=round(confidence, 2))
