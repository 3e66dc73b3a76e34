"""Class-level diagnoses: an exception's family (`classes.py`) met by a component (`situation.py`).

The rules file knows specific situations (a code in its namespace, a gateway message). For everything
else the *class* of the failure and *who* met it still say a lot: an `httpx.ReadTimeout` raised
under the openai SDK for api.moonshot.ai is Kimi answering slowly (provider); the same class under
postgrest for *.supabase.co is a slow database call (storage); a `ConnectError` with getaddrinfo's
"Name or service not known" is DNS (network) for a provider and "the database is unreachable"
(storage) for Supabase; an `openai.RateLimitError` is the provider's 429. This module holds that
matrix, family x remote kind -> category, severity and a text made only of facts of this record.

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
    redis_reply_entry,
    sqlstate_entry,
    zai_entry,
)
from .doctrine import Cause, transport_cause
from .gateway_messages import gateway_message
from .library_causes import library_text
from .local_causes import local_text
from .model import Category, DiagnosisInput, Severity, one_line
from .provider_messages import message_code
from .situation import Situation
from .ws_causes import close_text, ws_text

# where a pydantic ValidationError happens decides: loading settings (pydantic_settings frames, a
# BaseSettings model by its conventional *Settings name) is configuration; elsewhere it is the app's
# own data and the class alone says too little (no verdict)
_SETTINGS = re.compile(r"site-packages/pydantic_settings/|validation errors? for \w*Settings\b")
# a JSONDecodeError is about a remote's answer only when the client library was decoding its body
_CLIENT_FRAMES = re.compile(r"site-packages/(?:openai|httpx|postgrest|storage3|supabase_auth|zai|zhipuai|aiohttp)/")
# openai's `insufficient_quota`, Moonshot's `exceeded_current_quota_error`, "insufficient balance" (Z.ai
# 1113, Moonshot): the documented words of an exhausted account, as opposed to a per-window rate limit
_QUOTA = re.compile(r"insufficient_quota|exceeded_current_quota|\bquota\b|insufficient balance|account balance|"
                    r"billing|arrears", re.I)
# openai-style "maximum context length", Moonshot's "exceeded model token limit", Z.ai 1261 "Prompt exceeds max length"
# Moonshot's `content_filter` error type ("considered high risk"), Z.ai 1301 ("unsafe or sensitive content")
_FILTERED = re.compile(r"\bcontent_filter\b|contentFilter|considered high risk|unsafe or sensitive|sensitive content", re.I)
_CONTEXT = re.compile(r"context[ _](?:length|window)|maximum context|too many tokens|prompt is too long|"
                      r"exceeds? the model'?s? (?:maximum|context)|model token limit|prompt exceeds max length", re.I)
_MODEL = re.compile(r"model_not_found|not found the model|(?:model|engine)\b[^.\n]{0,60}\b(?:does not exist|not found|not exist|"
                    r"not available|not supported)|(?:invalid|unknown) model", re.I)
# families whose class says "the code is wrong" or "the OS refused" but not which component: the
# class alone, without the component bonus
WEAK_LOCAL = frozenset({"code.assertion", "code.unimplemented", "os.permission", "code.invalid_state",
                        "code.closed_resource", "code.protocol"})
# storage-api's fixed message for its NoSuchBucket error (storage3 passes it through)
_NO_BUCKET = re.compile(r"Bucket not found|NoSuchBucket", re.I)
_EXPLICIT_ERRNO = re.compile(r"\[(?:Errno|WinError) -?\d+\]")
MAX_CONFIDENCE = 0.55
CLASS_ONLY = 0.35
WITH_COMPONENT = 0.15  # the remote/component is known (host, package frames, logger)
FROM_TRACEBACK = 0.05  # the family came from the raised class itself, not from words in a message

PROVIDERS = {"kimi": "Kimi (Moonshot)", "glm": "GLM (Z.ai)"}
DATABASES = {"supabase": "Supabase (PostgREST/Postgres) database"}
CACHES = {"redis": "Redis (cache)"}


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


def _status(inp: DiagnosisInput, sit: Situation, cls: str) -> int | None:
    s = int(cls) if cls.isdigit() else http_status_of(cls)
    codes = [int(c) for c in sit.code("http") if c.isdigit()]
    errors = [c for c in codes if c >= 400]
    if s is not None and s >= 500 and errors:
        return errors[-1]
    return s if s is not None else (errors[-1] if errors else None)




# Answers for a remote (provider) by family: formats of {who} (the remote the record names) and {cls}.
_PROVIDER: dict[str, Text] = {
    "timeout.connect": (
        "network",
        "high",
        "Could not connect to {who} in time ({cls}) - the connection was never established",
        "The TCP/TLS connect to {who} did not complete within the connect timeout: DNS, egress, proxy or the provider's edge is unreachable from the container. The request never reached the model.",
        ("Check the container's network path to {who} (DNS, egress firewall, proxy) and the provider's status page.", "Retry with backoff; if it persists, route these models to the other provider.",),
    ),
    "timeout.write": (
        "provider",
        "medium",
        "Sending the request to {who} timed out ({cls}) - the upload/body was too slow",
        "Writing the request body to {who} did not finish within the write timeout: a large file upload or prompt on a slow uplink.",
        ("Check the size of the body being sent (file uploads) and the uplink; raise the write/upload timeout for large files or send smaller parts.",),
    ),
    "timeout.pool": (
        "capacity",
        "medium",
        "The HTTP client's connection pool for {who} was exhausted ({cls})",
        "Every connection of the client's pool was busy for longer than the pool timeout: more concurrent calls than the client's max_connections allow (or calls holding connections too long).",
        ("Raise the client's connection limits or lower the concurrency of calls sharing the client.", "Make sure streamed responses are closed so their connections return to the pool.",),
    ),
    "connect.dns": (
        "network",
        "high",
        "DNS resolution failed for the host of {who} ({cls})",
        "The container could not resolve the hostname of {who} (resolver outage, typo in the base URL, or no network in the container); no request was sent.",
        ("Resolve the API host from inside the container (getent hosts / nslookup); check the base URL and the container's DNS settings.",),
    ),
    "connect.tls": (
        "network",
        "high",
        "TLS handshake with {who} failed ({cls}) - certificate or TLS problem",
        "The TLS connection to {who} could not be established: the certificate did not verify (expired, self-signed, intercepting proxy, missing CA bundle) or the endpoint does not speak TLS.",
        ("Check the certificate chain the container sees (openssl s_client) and the CA bundle; look for an intercepting proxy; check the base URL uses https on the right port.",),
    ),
    "connect.refused": (
        "network",
        "high",
        "Connection to {who} refused ({cls})",
        "Nothing accepted the connection at the address used for {who}: a wrong base URL/port, a local proxy that is down, or an egress block.",
        ("Check the configured base URL and any proxy between the gateway and the provider.",),
    ),
    "provider.invalid_response": (
        "provider",
        "medium",
        "{who} answered with a body the SDK could not validate ({cls})",
        "{who} answered, but the response did not match the API's schema (missing or null fields, an error object where a result was expected): the provider's answer is malformed.",
        ("Log the raw response (redacted) for such answers; retry once and check the provider's status page.",),
    ),
    "provider.length": (
        "config",
        "medium",
        "{who}'s answer was cut off at the max_tokens limit ({cls})",
        "{who} stopped with finish_reason 'length': the answer needed more tokens than the request's max_tokens allowed, so the SDK could not parse the structured output.",
        ("Raise max_tokens for this call (or ask for a shorter answer); handle finish_reason 'length'.",),
    ),
    "provider.content_filter": (
        "provider",
        "low",
        "{who}'s content filter stopped the answer ({cls})",
        "{who} ended the answer with finish_reason 'content_filter': its moderation refused the content of this request; not a gateway fault.",
        ("Tell the user the request was refused by the provider's content filter; do not retry unchanged.",),
    ),
    "provider.retrying": (
        "provider",
        "medium",
        "The openai SDK is retrying calls to {who} - timeouts, connection errors, 429s or 5xx",
        "openai's client logs 'Retrying request to ...' before each automatic retry (max_retries); it retries only a timeout, a connection error, 408/409/429 or a 5xx from {who}, so {who} is slow or failing for these calls. The retries multiply the wait the user sees.",
        ("Look at the lines before for the status or timeout of the failed attempt and at {who}'s latency and status page.", "Lower max_retries or the timeout per attempt so the tool's own timeout is not spent on retries."),
    ),
    "decode.json": (
        "provider",
        "medium",
        "{who} answered with a body that is not JSON ({cls})",
        "The response from {who} could not be parsed as JSON: an empty body, a cut-off stream, or an HTML error page from a proxy or the provider's edge instead of the API's answer.",
        ("Log the status and the first bytes of the raw body (redacted) for such answers; retry once and check the provider's status page.",),
    ),
}


def _provider_text(family: str, who: str, cls: str, status: int | None, inp: DiagnosisInput) -> Text | None:
    entry = _PROVIDER.get(family)
    if entry is not None:
        category, severity, summary, cause, fixes = entry
        return (category, severity, summary.format(who=who, cls=cls), cause.format(who=who, cls=cls),
                tuple(f.format(who=who, cls=cls) for f in fixes))
    if family in ("timeout", "timeout.read"):
        return ("provider", "high", f"{who} did not answer in time ({cls}) - the provider call timed out",
                f"The request reached {who} but the response (or the next streamed chunk) did not arrive within the "
                f"client's read timeout: the provider is slow or overloaded, or the request is heavy (long prompt, "
                f"large max_tokens, a thinking model).",
                (f"Check {who}'s latency and status page for the same minutes; compare with the provider's timeout setting.",
                 "Reduce the prompt or max_tokens, stream the answer, or raise this tool's timeout; retry with backoff."))
    if family in ("connect", "connection.dropped"):
        dropped = family == "connection.dropped"
        return ("network", "medium",
                f"The connection to {who} was {'dropped before a complete response' if dropped else 'not established'} ({cls})",
                f"The network connection to {who} failed ({'closed or reset mid-request' if dropped else 'could not connect'}); "
                f"the provider, or a proxy or NAT on the path to it, broke the connection.",
                (f"Check the provider's status and the network path from the container to {who}.",
                 "Retry idempotent calls with backoff."))
    if family == "http.status" and status is not None:
        return _provider_status(who, cls, status, inp)
    return None


def _provider_status(who: str, cls: str, status: int, inp: DiagnosisInput) -> Text | None:
    if status == 401:
        return ("config", "critical", f"{who} rejected the API key (HTTP 401, {cls})",
                f"{who} answered 401: the API key the gateway sends is missing, invalid, revoked or belongs to another "
                f"region/account. Every call to it fails until the key is fixed.",
                (f"Check the API key variable for {who} in the container's environment and rotate it in the provider's "
                 "console; restart after fixing.",))
    if status == 403:
        return ("config", "medium", f"{who} denied permission (HTTP 403, {cls})",
                f"{who} answered 403: the key's account may not use this endpoint or model (permission), "
                f"or the account is restricted.",
                ("Check the account's permissions and plan in the provider's console; stop calling the endpoint until "
                 "access is granted.",))
    if status in (408, 504, 524):
        return ("provider", "high", f"{who} timed out on its side (HTTP {status}, {cls})",
                f"{who}'s edge gave up waiting for its backend (gateway timeout): the provider is slow or overloaded.",
                ("Check the provider's status page; retry with backoff or route to another model for a while.",))
    if status == 413:
        return ("provider", "low", f"{who} refused a request body over its size limit (HTTP 413, {cls})",
                f"The request (often a file upload) is larger than {who} accepts.",
                ("Check the size before sending; split or compress large files and tell the user the limit.",))
    said = " ".join(inp.messages()).lower()
    if status in (402, 429) and _QUOTA.search(said):
        return ("provider", "critical", f"{who} account quota or balance exhausted (HTTP {status}, {cls})",
                f"{who} refused the call because the account's quota, balance or billing limit is used up (not a "
                f"per-minute rate limit): every call to {who} fails until the account is topped up.",
                (f"Top up or raise the quota of the {who} account in its console; route traffic away from {who} "
                 "until then.", "Do not retry these calls: a retry fails the same way until the account is fixed."))
    if status == 400 and _FILTERED.search(said):
        return ("provider", "low", f"{who}'s content filter refused the request (HTTP 400, {cls})",
                f"{who} rejected the input as unsafe or high risk (its moderation, e.g. Moonshot's content_filter type "
                f"or Z.ai's 1301): the request's content, not a gateway fault.",
                ("Tell the user the provider refused the content; do not retry the same input.",))
    if status == 400 and _CONTEXT.search(said):
        return ("code", "medium", f"The request exceeds {who}'s context window (HTTP 400, {cls})",
                f"{who} refused the request because the prompt plus max_tokens is longer than the model's context "
                f"length: the gateway sent more history or file content than fits.",
                ("Truncate or summarise the conversation/file content before the call, or use a longer-context model.",))
    if status in (400, 404) and _MODEL.search(said):
        return ("config", "high", f"{who} does not know the requested model (HTTP {status}, {cls})",
                f"{who} answered that the model name in the request does not exist or is not available to this key.",
                ("Check the model name the gateway sends (configuration/routing) against the provider's model list.",))
    if status == 400 and who == PROVIDERS["kimi"]:
        # openai >= 1.x puts only the body's message in the exception ("Error code: 400 - Invalid request: ..."),
        # without Moonshot's `type`: its documented invalid_request_error messages still say which rule broke
        documented = next((t for rx, t in MOONSHOT_INVALID_REQUEST if rx.search(said)), None)
        if documented is not None:
            category, severity, summary, cause, fixes = documented
            fields = {"who": who, "code": "HTTP 400"}
            return (category, severity, summary.format(**fields), cause.format(**fields),
                    tuple(f.format(**fields) for f in fixes))
    if status == 400:
        return ("code", "medium", f"{who} rejected the request the gateway built (HTTP 400, {cls})",
                f"{who} answered 400 (bad request): a parameter, message or tool in the request breaks the API's rules; "
                f"the provider is healthy. The error message names the part.",
                ("Read the error message for the offending parameter and fix how the gateway builds it; do not retry "
                 "unchanged.",))
    if status == 422:
        return ("code", "medium", f"{who} rejected the request's fields (HTTP 422, {cls})",
                f"{who} understood the request but a field's value is invalid for the API (unprocessable entity).",
                ("Compare the request the gateway builds with the provider's API reference for the field named.",))
    if status == 429:
        return ("provider", "medium", f"{who} rate limit (HTTP 429, {cls})",
                f"{who} refused the call with 429: too many requests, tokens or concurrent calls for the account's "
                f"limits in this window.",
                ("Back off and honour Retry-After; lower the gateway's concurrency for this provider.",
                 "If it persists, raise the account's limits in the provider's console."))
    if status >= 500:
        return ("provider", "high", f"{who} server error (HTTP {status}, {cls})",
                f"{who} failed on its side (5xx); the request may be fine.",
                ("Check the provider's status page; retry with backoff and fail over while it lasts.",))
    if status == 404:
        model = "model" in " ".join(inp.messages()).lower()
        return ("config" if model else "provider", "medium",
                f"{who} did not find the requested {'model' if model else 'resource'} (HTTP 404, {cls})",
                f"{who} answered 404 (not found) for the {'model name' if model else 'resource (file, model or endpoint)'} "
                f"in the request.",
                ("Check the model name / file id / endpoint path the gateway sends against the provider's API.",))
    return None


def _bucket_text(cls: str, status: int | None) -> Text:
    """storage-api's `Bucket not found` (error NoSuchBucket): the bucket the gateway is configured with
    does not exist in this project - configuration, not a missing object."""
    return ("config", "high", f"The Supabase Storage bucket does not exist ({cls}) - check the configured bucket name",
            f"Supabase Storage answered {status or 404} 'Bucket not found': the bucket named in the request is not in "
            "this project (a wrong bucket name in the configuration, another project's URL, or the bucket was never "
            "created).",
            ("Check the bucket name the gateway is configured with against the project's Storage buckets; create the "
             "bucket (with its policies) if it is missing.",))


def _storage_text(family: str, who: str, cls: str, status: int | None, cache: bool, said: str = "") -> Text | None:
    sev: Severity = "medium" if cache else "high"
    slow = "The Redis command is slow or the cache server is overloaded" if cache else \
        "The database query or REST call is slow (a large batch, a missing index, locks) or the database is overloaded"
    if family.startswith("timeout") and family != "timeout.pool":
        what = "Connecting to" if family == "timeout.connect" else "A request to"
        call = "cache call" if cache else "database call"
        return ("storage", sev, f"{what} {who} timed out ({cls}) - the {call} is slow or the server is overloaded",
                f"{slow}; the call did not finish within the client's timeout.",
                (f"Find the call in the traceback and check {who}'s load, slow queries and locks at that time.",
                 "Split large batches, add the missing index, or raise this client's timeout if the work is legitimate."))
    if family in ("timeout.pool", "pool.queue"):
        return ("storage", sev, f"No free connection in the {who} connection pool ({cls}) - pool exhausted",
                "Every connection of the client/pool was in use for longer than the pool timeout: connections are "
                "held too long (slow queries, leaked transactions) or the pool is too small for the load.",
                ("Check the pool's size against the concurrent load and the database's max_connections; find queries "
                 "or transactions that hold connections long; release connections in finally blocks.",))
    if family.startswith(("connect", "connection")):
        how = {"connect.dns": "its hostname does not resolve (DNS)", "connect.tls": "the TLS/certificate check failed",
               "connect.refused": "the connection was refused", "connection.dropped": "the connection was dropped"}
        why = how.get(family, "the connection failed")
        return ("storage", sev, f"The {who} is unreachable from the gateway ({cls}: {why})",
                f"The gateway could not talk to {who}: {why}. The service is down, paused, restarting, or the URL/host "
                f"in the configuration is wrong.",
                (f"Check that {who} is up (project status, container) and that its URL in the environment is right.",
                 "Let the client reconnect with backoff; writes in this window may need replaying."))
    if family == "decode.json":
        return ("storage", "medium", f"The {who} answered with a body that is not JSON ({cls})",
                f"The answer from {who} could not be parsed: an empty or cut-off body, or an HTML error page from "
                f"a proxy in front of it.",
                ("Log the status and the first bytes of the raw body (redacted); check the service's health.",))
    if family == "http.status" and status == 404 and not cache and _NO_BUCKET.search(said):
        return _bucket_text(cls, status)
    if family == "http.status" and status is not None:
        if status in (401, 403):
            return ("storage", "high", f"The {who} refused the request (HTTP {status}, {cls}) - credentials or permission",
                    f"{who} answered {status}: the key/JWT sent is expired or invalid, or a row-level security policy or "
                    f"grant does not allow this operation.",
                    ("Check the service key / JWT the gateway uses and the table's RLS policies and grants.",))
        if status == 429:
            return ("storage", "medium", f"The {who} rate-limited the gateway (HTTP 429, {cls})",
                    f"{who} refused calls with 429: too many requests for the project's limits.",
                    ("Back off and batch the calls; check the project's rate limits.",))
        if status == 413:
            return ("storage", "medium", f"The {who} refused a body over its size limit (HTTP 413, {cls})",
                    "The object or request is larger than the configured limit.",
                    ("Check the object size before writing; raise the limit if the size is legitimate.",))
        if status >= 500:
            return ("storage", "high", f"The {who} failed on its side (HTTP {status}, {cls})",
                    f"{who} answered {status}: the database or API server failed; the request may be fine.",
                    (f"Check {who}'s health and logs at that time; retry idempotent calls.",))
    return None


def _service_text(family: str, cls: str, status: int | None, said: str) -> Text | None:
    """Supabase Storage/Auth and Redis errors: the class names the service, the status/message the cause."""
    low = said.lower()
    quote = ""  # the record's own words follow every class-level root cause (rules._logged)
    if family == "supabase.storage" and _NO_BUCKET.search(said):
        return _bucket_text(cls, status)
    if family == "supabase.storage":
        # doctrine.py: a policy or key that refuses (config) and an object key the code built wrongly (code) fail
        # every time until changed; the service's size limit, rate limit and missing objects are its runtime answers
        if status in (401, 403) or "row-level security" in low or "policy" in low or "unauthorized" in low:
            return ("config", "high", f"Supabase Storage refused the operation ({cls}: a row-level security policy or "
                    "the key does not allow it)",
                    f"Supabase Storage (storage3) answered {status or 'an error'}: the storage policy (RLS on "
                    "storage.objects) or the key the gateway uses does not allow this operation; it fails every time "
                    "until the policy or the key setting changes.",
                    ("Add the storage policy for this operation, or use the service-role key for server-side calls.",))
        if "invalidkey" in low.replace(" ", "") or "invalid key" in low:
            return ("code", "medium", f"Supabase Storage refused the object key the gateway built ({cls}: InvalidKey)",
                    "Supabase Storage answered 400 InvalidKey: the object path the code built contains characters "
                    "Storage does not accept in object names (non-ASCII letters, spaces, some punctuation).",
                    ("Sanitise object names before upload (ASCII slug of the file name, keep the original name in "
                     "metadata).",))
        if status == 413 or "maximum allowed size" in low or "too large" in low:
            why = "the object is larger than the bucket's size limit"
        elif status == 429:
            why = "too many storage requests (rate limit)"
        elif status == 404 or "not found" in low:
            why = "the bucket or object does not exist"
        else:
            why = "the storage API refused the operation"
        return ("storage", "medium", f"Supabase Storage refused the operation ({cls}: {why})",
                f"Supabase Storage (storage3) answered {status or 'an error'}: {why}.{quote}",
                ("Check the bucket name, its policies (RLS on storage.objects) and size limit, and the key the gateway "
                 "uses for storage calls.",))
    if family == "supabase.auth":
        if "rate limit" in low or "over_request_rate_limit" in low or status == 429:
            why, sev = "too many auth requests (rate limit)", "medium"
        elif "session" in low and ("not found" in low or "does not exist" in low or "missing" in low):
            # supabase_auth ErrorCode session_not_found: the user signed out or the session was revoked
            return ("storage", "medium", f"Supabase Auth no longer knows the user's session ({cls}: session_not_found)",
                    "Supabase Auth (GoTrue) answered that the session the token refers to does not exist: the user signed "
                    "out elsewhere or the session was revoked or expired; that user must sign in again.",
                    ("Treat it as signed out: clear the stored session and ask the user to sign in again.",))
        elif "jwt" in low or "token" in low or "session" in low:
            why, sev = "the session/JWT or refresh token is invalid, expired or already used", "high"
        else:
            why, sev = "the auth API refused the request", "medium"
        return ("storage", sev, f"Supabase Auth refused the request ({cls}: {why})",  # type: ignore[return-value]
                f"Supabase Auth (supabase_auth / GoTrue) answered {status or 'an error'}: {why}.{quote}",
                ("Check how the gateway creates and refreshes Supabase sessions (one refresh at a time, back off on "
                 "rate limits); server-side calls can use the service key instead of a user session.",))
    if family.startswith("redis."):
        reply = redis_reply_entry(said) if family in ("redis.response", "redis.auth") else None
        if reply is not None:
            kind, (category, severity, summary, cause, fixes) = reply
            return (category, severity, summary.format(code=kind), cause + quote, fixes)
        if family == "redis.auth":
            return ("config", "high", f"Redis refused the password/user ({cls})",
                    f"The Redis (cache) server rejected the credentials in the Redis URL.{quote}",
                    ("Check the Redis URL/password in the environment against the server's requirepass/ACL.",))
        if "oom" in low or "maxmemory" in low or cls.endswith("OutOfMemoryError"):
            why = "Redis reached its maxmemory limit and refuses writes"
        elif family == "redis.loading":
            why = "Redis is loading its dataset into memory (just restarted)"
        elif cls.endswith("ReadOnlyError") or "read only replica" in low:
            why = "the Redis node is a read-only replica (after a failover the client still writes to it)"
        else:
            why = "Redis rejected the command"
        return ("storage", "medium", f"Redis (cache) error ({cls}): {why}",
                f"The Redis (cache) server answered an error: {why}.{quote}",
                ("Check the Redis server (INFO memory, maxmemory-policy, restarts); the cache should degrade, "
                 "not fail the request.",))
    return None


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
        found = ("pgrst", codes[0], e, PGRST_MEANINGS.get(codes[0].upper(), "a PostgREST error"), "PostgREST")
    elif (codes := sit.code("sqlstate")) and (e := sqlstate_entry(codes[0])) is not None:
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
    if family.startswith(("connect", "connection")) and any(not c.startswith("08") for c in sit.code("sqlstate")):
        return None  # a psycopg class carrying its own SQLSTATE (QueryCanceled...): the code's rules answer
    if family == "decode.json" and not _CLIENT_FRAMES.search(inp.traceback[-16384:]):
        return None  # the app parsing a model's reply (or its own data) as JSON, not a remote's HTTP body
    if family == "validation" and _SETTINGS.search("\n".join([*inp.messages(), inp.traceback[-16384:]])):
        family = "config.settings"  # a pydantic model validated while loading settings (pydantic_settings)
    kind, who = _remote_kind(sit)
    if family.startswith("connect"):
        cause = transport_cause("\n".join([*inp.messages(), inp.traceback[-16384:]]))
        if cause is not None:
            decided = _transport_text(cause, who or "the remote", cls)
            confidence = CLASS_ONLY + (WITH_COMPONENT if kind != "none" else 0.0) + (FROM_TRACEBACK if raised else 0.0)
            if len(sit.remotes) > 1:
                confidence -= 0.1
            return _verdict(f"connect.{cause.kind}", cls, decided, confidence)
    status = _status(inp, sit, cls.removeprefix("HTTP ")) if family in ("http.status", "supabase.storage", "supabase.auth") else None
    text: Text | None
    if family.startswith("ws."):
        text, kind = ws_text(family, cls, sit, "\n".join([*inp.messages(), inp.traceback[-16384:]])), "service"
    elif family.startswith(("supabase.", "redis.")):
        said = one_line(inp.exception_message or " ".join(inp.messages()), 160)
        text, kind = _service_text(family, cls, status, said), "service"
    elif kind == "provider":
        text = _provider_text(family, who, cls, status, inp)
    elif kind in ("database", "cache"):
        text = _storage_text(family, who, cls, status, kind == "cache", " ".join(inp.messages()))
    else:
        text = None
    if text is None:
        raised_as = f"{inp.exception_type}: {one_line(inp.exception_message, 120)}" if inp.exception_type \
            and inp.exception_message else cls
        text = library_text(family, cls, inp) or local_text(family, cls, raised_as)
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


def _transport_text(cause: Cause, who: str, cls: str) -> Text:
    """A connect failure whose own text decides its cause (doctrine.py): the category by persistence, not by
    which remote it concerns."""
    severity: Severity = "critical" if cause.category == "config" else "high"
    return (cause.category, severity, f"Could not connect to {who}: {cause.what} ({cls})", cause.why, (cause.fix,))


def _verdict(family: str, cls: str, text: Text, confidence: float, fallback_only: bool = False) -> Verdict:
    category, severity, summary, root_cause, fixes = text
    return Verdict(family=family, category=category, severity=severity, summary=summary, root_cause=root_cause,
                   suggested_fix=fixes, confidence=round(min(MAX_CONFIDENCE, confidence), 2), evidence_class=cls,
                   fallback_only=fallback_only)
