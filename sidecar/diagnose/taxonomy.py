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
  0.6 "confident" line), 0.35 with the class alone, more when the component/remote is known (verdict.py).
- A documented code in its namespace answers first (code_verdict.py).
- Families whose cause the class cannot tell (a plain `KeyError`, `ValueError`, a 400 without a
  documented code, a `CancelledError`) get no verdict: the honest answer is the catch-all's unknown.
- The texts never name another remote or a cause the record does not show (near-miss cases list
  exactly those as wrong answers).
"""

from __future__ import annotations

import re
from dataclasses import replace

from .classes import (
    errno_family,
    family_of,
    fixed_message_family,
    http_status_of,
    named_classes,
    refine,
)
from .code_verdict import code_verdict
from .codes import (
    Text,
)
from .doctrine import transport_cause
from .gateway_messages import gateway_message
from .library_causes import library_text
from .local_causes import local_text
from .model import Category, DiagnosisInput, Severity, one_line
from .protocol_causes import ProtocolCause, protocol_cause
from .provider_causes import PROVIDERS, provider_text
from .refusal_owner import refusal_reason
from .remote_causes import CACHES, DATABASES, path_reset_text, service_text, storage_text, transport_text
from .server_messages import server_message
from .situation import Situation, own_host, sdk_status_text
from .user_files import (
    DATA_FAMILIES,
    PATH_FAMILIES,
    limit_data_owner,
    user_file,
    user_file_text,
    user_path_text,
)
from .verdict import CLASS_ONLY, FROM_TRACEBACK, WITH_COMPONENT, Verdict, _verdict
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
    sdk_text = sit.remote is None and "openai" not in sit.components and sdk_status_text(inp, sit)
    if found is None and errors and (sit.remote or "openai" in sit.components or sdk_text):
        # no class, but an HTTP error status from a known remote (a logged response, "Error code: 413") or in the
        # openai SDK's own status text (situation._SDK_STATUS_TEXT: an OpenAI-compatible endpoint of any host)
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
    if not sit.remote_named_by_record and (own := own_host("\n".join([*inp.messages(), inp.traceback[-16384:]]))):
        # the remote came from a line near the record (a Kimi/Supabase request of another call) while the record names
        # a host of its own that no table knows (a webhook, a misspelt 'apl.z.ai.'): the text names THAT host - "Could
        # not connect to Supabase" for a GLM host asserted a situation the record does not show (round 19, issue 17).
        # The kind stays: the categories read from it were measured so
        who = own
    if kind == "none" and sdk_text:
        kind, who = "provider", "the LLM provider (openai SDK)"  # an OpenAI-compatible host no table names
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
    if family == "http.status" and status is not None and (refusal := refusal_reason(status, "\n".join(inp.messages()))) \
            and (kind == "provider" or refusal.kind != "route"):
        words_only = False  # the refusal's own reason named its owner (refusal_owner.py): not a status read from words
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
