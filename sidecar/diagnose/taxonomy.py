"""Class-level diagnoses: an exception's family (`classes.py`) met by a component (`situation.py`).

The rules file knows specific situations (a code in its namespace, a gateway message). For everything
else the *class* of the failure and *who* met it still say a lot: an `httpx.ReadTimeout` raised
under the openai SDK for api.moonshot.ai is Kimi answering slowly (provider); the same class under
postgrest for *.supabase.co is a slow database call (storage); a `ConnectError` with getaddrinfo's
"Name or service not known" is DNS (network) for a provider and "the database is unreachable"
(storage) for Supabase; an `openai.RateLimitError` is the provider's 429. This module holds that
matrix, family x remote kind -> category, severity and a text made only of facts of this record (the texts per
remote kind are in remote_causes.py, per local family in local_causes.py / library_causes.py / ws_causes.py).

Category follows the doctrine of doctrine.py: the kind of cause, what the on-call engineer must change, decided
by persistence vs transience - a connect failure whose own text shows a persistent cause (a host that does not
exist, a CA bundle without the issuer, a proxy wanting credentials, no route) is config whoever it concerns; the
remote decides only between the transient readings (provider slow vs database slow vs the path).

Decisions:
- Class-level evidence is moderate evidence: a verdict here is at most `MAX_CONFIDENCE` (below the
  0.6 "confident" line), 0.35 with the class alone, more when the component/remote is known.
- Families whose cause the class cannot tell (a plain `KeyError`, `ValueError`, a 400 without a
  documented code, a `CancelledError`) get no verdict: the honest answer is the catch-all's unknown.
- The texts never name another remote or a cause the record does not show (near-miss cases list
  exactly those as wrong answers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .classes import (
    code_meaning,
    errno_family,
    family_of,
    fixed_message_family,
    http_status_of,
    named_classes,
    refine,
)
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
from .doctrine import transport_cause
from .gateway_messages import gateway_message
from .library_causes import library_text
from .local_causes import local_text
from .model import Category, DiagnosisInput, Severity, one_line
from .postgrest_codes import pgrst_jwt_entry
from .protocol_causes import ProtocolCause, protocol_cause
from .provider_causes import PROVIDERS, provider_text
from .provider_messages import message_code
from .remote_causes import CACHES, DATABASES, path_reset_text, service_text, storage_text, transport_text
from .server_messages import server_message
from .situation import Situation
from .user_files import (
    DATA_FAMILIES,
    PATH_FAMILIES,
    limit_data_owner,
    user_file,
    user_file_text,
    user_path_text,
)
from .waits import awaited_timeout
from .ws_causes import close_text, ws_text

# where a pydantic ValidationError happens decides: loading settings (pydantic_settings frames, a
# BaseSettings model by its conventional *Settings name) is configuration; elsewhere it is the app's
# own data and the class alone says too little (no verdict)
_SETTINGS = re.compile(r"site-packages/pydantic_settings/|validation errors? for \w*Settings\b")
# a JSONDecodeError is about a remote's answer only when the client library was decoding its body
_CLIENT_FRAMES = re.compile(r"site-packages/(?:openai|httpx|postgrest|storage3|supabase_auth|zai|zhipuai|aiohttp)/")
# families whose class says "the code is wrong" or "the OS refused" but not which component: the
# class alone, without the component bonus
WEAK_LOCAL = frozenset({"code.assertion", "code.unimplemented", "os.permission", "code.invalid_state",
                        "code.closed_resource", "code.protocol"})
_SIGNAL_CALL = re.compile(r"^\s+(?:\w+\s*=\s*)?(?:os\.kill|os\.killpg|signal\.pthread_kill)\(", re.M)
_EXPLICIT_ERRNO = re.compile(r"\[(?:Errno|WinError) -?\d+\]")
MAX_CONFIDENCE = 0.55
UNKNOWN_CEILING = 0.4  # a verdict that says "unknown" (a user's own input, say) is never more sure than the catch-all allows
CLASS_ONLY = 0.35
WITH_COMPONENT = 0.15  # the remote/component is known (host, package frames, logger)
FROM_TRACEBACK = 0.05  # the family came from the raised class itself, not from words in a message



@dataclass(frozen=True, slots=True)
class Verdict:
    """A class-level diagnosis (before it becomes a `Diagnosis` in rules.py)."""

    family: str
    category: Category
    severity: Severity
    summary: str
    root_cause: str
    suggested_fix: tuple[str, ...]
    confidence: float
    evidence_class: str  # the class (or errno) the verdict rests on
    fallback_only: bool = False  # answers only where no rule matched (a close code alone is weaker than a rule)
    from_code: bool = False  # rests on a documented code in its namespace (codes.py): outranks a rule's words


def _remote_kind(sit: Situation) -> tuple[str, str]:
    """(kind, display name): provider | database | cache | none."""
    r = sit.remote or ""
    if r in PROVIDERS:
        return "provider", PROVIDERS[r]
    if r in DATABASES:
        return "database", DATABASES[r]
    if r in CACHES:
        return "cache", CACHES[r]
    if "openai" in sit.components:
        return "provider", "the LLM provider (openai SDK)"
    return "none", ""


def _family(inp: DiagnosisInput) -> tuple[str, str, bool] | None:
    """(family, class, from_traceback): the most specific family among the raised classes, then the
    classes a message names; refined by the library's fixed message texts."""
    text = "\n".join([*inp.messages(), inp.traceback[-16384:]])
    candidates: list[tuple[str, bool]] = [(t, True) for t in inp.exception_types()]
    candidates += [(t, False) for t in named_classes("\n".join(inp.messages()))]
    best: tuple[str, str, bool] | None = None
    for name, raised in candidates:
        fam = family_of(name)
        if fam is None:
            continue
        fam = refine(fam, text)
        # a cause in the chain can be more precise than the final class (openai.APITimeoutError
        # from httpx.ConnectTimeout is a connect timeout)
        if best is None or (fam.startswith(best[0] + ".") and fam != best[0]):
            best = (fam, name, raised)
        elif fam.startswith("config.") and best[0].startswith(("connect", "connection", "timeout")):
            # doctrine.py: a cause a setting makes persistent (a URL without a scheme under openai's generic
            # APIConnectionError) outranks the transport failure it surfaced as
            best = (fam, name, raised)
    # an errno read from words only where no unknown class raised it: "permission denied for role x" from a
    # library nobody knows is that library's own meaning, an explicit "[Errno 13]" is the OS's
    if best is None and "--- Logging error ---" in inp.traceback[-16384:]:
        return None  # handleError's block: its words are the record NOT logged; only the class speaks (wrappers.py)
    if best is None and (not candidates or _EXPLICIT_ERRNO.search(text)):
        found = errno_family(text)
        if found is not None:
            return found[0], found[1], False
    if best is None:
        # no class of a known family: a library's fixed runtime message may still name the failure
        fixed = fixed_message_family(text)
        if fixed is not None:
            return fixed, inp.exception_type or "logged message", False
    return best


_URL_HOST = re.compile(r"\bhttps?://([\w.-]{1,200}(?::\d{1,5})?)")
_STATUSED = ("http.status", "supabase.storage", "supabase.auth", "supabase.functions_http", "supabase.functions_relay")


def _status(inp: DiagnosisInput, sit: Situation, cls: str) -> int | None:
    s = int(cls) if cls.isdigit() else http_status_of(cls)
    codes = [int(c) for c in sit.code("http") if c.isdigit()]
    errors = [c for c in codes if c >= 400]
    if s is not None and s >= 500 and errors:
        return errors[-1]
    return s if s is not None else (errors[-1] if errors else None)




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


def classify(inp: DiagnosisInput, sit: Situation) -> Verdict | None:
    """The class-level verdict for `inp`, or None when the class (or its absence) says too little.
    A documented code in its namespace answers first (codes.py); then the exception's family."""
    by_code = code_verdict(sit, inp)
    if by_code is not None and by_code.family != "code.gateway":
        return by_code
    own = _gateway_message_verdict(inp)
    if own is not None:
        return own  # the gateway's own message form is more specific than its own code for the same failure
    served = server_message(inp)
    if served is not None:  # a fixed form of the ASGI server or the logging module (server_messages.py)
        name, words, text, weight = served
        return _verdict(f"server.{name}", words, text, weight)
    if by_code is not None:
        return by_code
    verdict = _class_verdict(inp, sit)
    return verdict if verdict is not None else code_verdict(sit, inp, wrappers=True)


def _gateway_message_verdict(inp: DiagnosisInput) -> Verdict | None:
    """A message form of the gateway's own table (gateway_messages.py), weighted by whether its module logged it."""
    found = gateway_message(inp.logger, inp.messages(), inp.context)
    if found is None:
        return None
    row, words, weight = found
    return _verdict(f"gateway.{row.name}", words, row.text, weight)


def _class_verdict(inp: DiagnosisInput, sit: Situation) -> Verdict | None:
    found = _family(inp)
    errors = [c for c in sit.code("http") if c.isdigit() and int(c) >= 400]
    if found is None and errors and sit.remote:
        # no class, but an HTTP error status from a known remote (a logged response, "Error code: 413")
        found = ("http.status", f"HTTP {errors[-1]}", False)
    if found is None:
        closed = close_text(sit, "\n".join([*inp.messages(), inp.traceback[-16384:]]))
        if closed is None:
            return None
        return _verdict("ws.close", "websockets", closed, CLASS_ONLY + WITH_COMPONENT, fallback_only=True)
    family, cls, raised = found
    if family in DATA_FAMILIES and (path := user_file(inp)) is not None:
        # the user's own project file (user_files.py): an honest unknown naming it, whoever parsed it
        return _verdict("input.user_file", cls, user_file_text(cls, path, inp.exception_message or inp.message),
                        CLASS_ONLY + WITH_COMPONENT)
    if family == "data.input_limit" and limit_data_owner(inp) != "ours":
        return None  # the user's data (named near the record) or nobody's said: the honest unknown answers
    if family in PATH_FAMILIES and (path := user_file(inp)) is not None:
        return _verdict("input.user_path", cls, user_path_text(cls, path, inp.exception_message or inp.message),
                        CLASS_ONLY + WITH_COMPONENT)
    if family.startswith(("connect", "connection")) and any(not c.startswith("08") for c in sit.code("sqlstate")):
        return None  # a psycopg class carrying its own SQLSTATE (QueryCanceled...): the code's rules answer
    if family == "decode.json" and not _CLIENT_FRAMES.search(inp.traceback[-16384:]):
        return None  # the app parsing a model's reply (or its own data) as JSON, not a remote's HTTP body
    if family == "validation" and _SETTINGS.search("\n".join([*inp.messages(), inp.traceback[-16384:]])):
        family = "config.settings"  # a pydantic model validated while loading settings (pydantic_settings)
    if family == "timeout" and cls in ("TimeoutError", "asyncio.TimeoutError", "concurrent.futures.TimeoutError"):
        # a bare TimeoutError names no remote: what its frames waited for decides (waits.py), not the logger
        waited = awaited_timeout(inp.traceback, " ".join(inp.messages()))
        if waited is not None:
            return _verdict("timeout.awaited", cls, waited, CLASS_ONLY + (FROM_TRACEBACK if raised else 0.0))
    if family == "os.permission" and _SIGNAL_CALL.search(inp.traceback[-2048:]):
        family = "os.permission.signal"  # EPERM from a signal to a pid, not from a path (local_causes.py)
    kind, who = _remote_kind(sit)
    if kind in ("database", "cache") and cls.startswith(("openai.", "zhipuai.", "zai.")):
        # the class's own package is an LLM client: the database/cache remote came from the logger or a nearby line
        # (a Supabase-layer module that also calls a model); the component fall-back does not decide (doctrine.py)
        kind, who = "provider", "the LLM provider (openai SDK)"
    if family in ("connect", "connection.dropped", "code.protocol"):
        record = "\n".join([*inp.messages(), inp.traceback[-16384:]])
        proto = protocol_cause(record)
        if proto is not None and not sit.remote_named_by_record and "openai" not in sit.components:
            # a remote named only by a line nearby (a latency warning) did not break it: name the record's own host
            host = _URL_HOST.search(" ".join(inp.messages()))
            kind, who = "none", host.group(1) if host else ""
        if proto is not None:
            cut = path_reset_text(family, who or "the remote", cls, sit.components, record) if kind == "database" else None
            return _verdict(f"protocol.{proto.side}", cls, cut or _protocol_text(proto, kind, who, cls),
                            CLASS_ONLY + (WITH_COMPONENT if kind != "none" else 0.0) + (FROM_TRACEBACK if raised else 0.0)
                            - (0.1 if len(sit.remotes) > 1 else 0.0))
    if family.startswith("connect"):
        cause = transport_cause("\n".join([*inp.messages(), inp.traceback[-16384:]]))
        if cause is not None:
            if cause.kind == "dns.service_down" and kind in ("database", "cache"):
                cause = replace(cause, category="storage")  # the database/cache service itself is down
            decided = transport_text(cause, who or "the remote", cls)
            confidence = CLASS_ONLY + (WITH_COMPONENT if kind != "none" else 0.0) + (FROM_TRACEBACK if raised else 0.0)
            if len(sit.remotes) > 1:
                confidence -= 0.1
            return _verdict(f"connect.{cause.kind}", cls, decided, confidence)
    status = _status(inp, sit, cls.removeprefix("HTTP ")) if family in _STATUSED else None
    text: Text | None
    if family.startswith("ws."):
        text, kind = ws_text(family, cls, sit, "\n".join([*inp.messages(), inp.traceback[-16384:]])), "service"
    elif family.startswith(("supabase.", "redis.")):
        said = one_line(inp.exception_message or " ".join(inp.messages()), 160)
        # a documented code may be in the log message (e.code / e.to_dict() logged) rather than str(exception)
        text, kind = service_text(family, cls, status, said, " ".join(inp.messages())[:16384]), "service"
    elif kind == "provider":
        text = provider_text(family, who, cls, status, inp)
    elif kind in ("database", "cache"):
        text = path_reset_text(family, who, cls, sit.components, "\n".join([*inp.messages(), inp.traceback[-16384:]])) \
            or storage_text(family, who, cls, status, kind == "cache", " ".join(inp.messages()))
    else:
        text = None
    if text is None:
        raised_as = f"{inp.exception_type}: {one_line(inp.exception_message, 120)}" if inp.exception_type \
            and inp.exception_message else cls
        words = family in ("connect.refused", "connection.dropped") and cls.isupper() and cls.startswith("E")
        if words and inp.logger:
            raised_as += f", logged by {inp.logger}"  # no known remote: the component that met it is all there is
        text = library_text(family, cls, inp) or local_text(f"{family}.words" if words else family, cls, raised_as)
        if text is None:
            return None
        kind = "none"
    strong_local = family.startswith(("resource", "code", "config", "sqlite")) and family not in WEAK_LOCAL
    confidence = CLASS_ONLY + (WITH_COMPONENT if kind != "none" or strong_local else 0)
    confidence += FROM_TRACEBACK if raised else 0.0
    if len(sit.remotes) > 1:
        confidence -= 0.1
    # a status or an OS error read from a message (no class raised it) only answers where no rule does
    words_only = cls.startswith("HTTP ") or (cls.isupper() and cls.startswith("E"))
    return _verdict(family, cls, text, confidence, fallback_only=words_only)


def _protocol_text(proto: ProtocolCause, kind: str, who: str | None, cls: str) -> Text:
    """A protocol cause (protocol_causes.py) as a text: the remote side is the provider's or the database's."""
    category: Category
    if proto.side == "remote":
        category = "provider" if kind == "provider" else "storage" if kind in ("database", "cache") else "network"
    else:
        category = proto.side
    severity: Severity = "high" if category == "config" else "medium"
    summary = f"{who}: {proto.what} ({cls})" if who else f"{proto.what[:1].upper()}{proto.what[1:]} ({cls})"
    return (category, severity, summary, proto.why, (proto.fix,))


def _verdict(family: str, cls: str, text: Text, confidence: float, fallback_only: bool = False) -> Verdict:
    category, severity, summary, root_cause, fixes = text
    ceiling = UNKNOWN_CEILING if category == "unknown" else MAX_CONFIDENCE  # an honest unknown stays <= 0.4
    return Verdict(family=family, category=category, severity=severity, summary=summary, root_cause=root_cause,
                   suggested_fix=fixes, confidence=round(min(ceiling, confidence), 2), evidence_class=cls,
                   fallback_only=fallback_only)
