"""Causes of the library families added for fresh kinds (round 4): each text quotes what the record names.

`classes.py`/`message_texts.py` decide the family (class hierarchy, the library's fixed message); here a
family becomes (category, severity, summary, root cause, fixes) with the error's own named entity filled
in from the record: the model tiktoken could not map, the ContextVar, the command and its timeout, the
pool's name, the host of a third-party URL, the time zone key, OpenSSL's reason. A family whose
entity is absent still answers, naming the class; a text never shows an unfilled placeholder.

Category doctrine (evals/TAXONOMY.md): the category is what the on-call engineer must change, decided by
persistence vs transience, not by the component that raised:
- code: API misuse the code can fix (a tokenizer for a model it does not know, a ContextVar token reset
  in another context, work submitted after shutdown, a pool used after close, a stream line over the
  reader's limit, a command too slow for the timeout the code gave it).
- concurrency: a lock lost or not obtained because another holder or the lock's TTL won the race.
- network: a third-party host that is slow, drops the connection or ends TLS badly (transient).
- config: a trust store or TLS version setting that fails every time until changed.
- unknown: a value a user supplied (a time zone key): nothing for the on-call engineer to change.

Sources: tiktoken/model.py (encoding_name_for_model), tiktoken/registry.py (get_encoding); CPython 3.11
Python/context.c (Token errors), concurrent/futures/thread.py + process.py and asyncio/base_events.py
(submit after shutdown), subprocess.py (TimeoutExpired.__str__), asyncio/streams.py (readline/readuntil),
zoneinfo/_common.py; psycopg_pool/base.py (_check_open_getconn); redis/lock.py; Modules/_ssl.c and
OpenSSL's X509_verify_cert_error_string / ssl reason strings.
"""

from __future__ import annotations

import re

from .codes import Text
from .model import DiagnosisInput, one_line
from .os_causes import os_text
from .os_causes import said as _said
from .refusal_owner import refusal_reason, refusal_text
from .server_messages import framework_text
from .template_causes import template_text
from .tz_keys import is_iana_key

# what the record names, from the libraries' own message formats
_TIKTOKEN_MODEL = re.compile(r"Could not automatically map (?P<x>\S{1,120}) to a tokeni[sz]er")
_TIKTOKEN_ENCODING = re.compile(r"Unknown encoding (?P<x>[^\s.]{1,80})")
_CONTEXTVAR = re.compile(r"ContextVar name='(?P<x>[^']{1,120})'")
_COMMAND = re.compile(r"Command '(?P<cmd>.{1,400}?)' timed out after (?P<secs>\d+(?:\.\d+)?) seconds")
_PROGRAM = re.compile(r"^\[?\s*['\"]?(?P<x>[^'\"\s,\]]{1,120})")
_POOL = re.compile(r"the pool '(?P<x>[^']{1,120})' (?P<how>is already closed|is not open yet)|"
                   r"pool has already been opened/closed")
_REALTIME_TOPIC = re.compile(r"to '(?P<x>[^']{1,200})' before joining")
_ZONE = re.compile(r"No time zone found with key (?P<x>[^'\"\s]{1,120})")
_URL = re.compile(r"\b(?:https?|wss?)://(?P<host>[A-Za-z0-9.-]{1,253})(?::(?P<port>\d{1,5}))?")
_LIMIT = re.compile(r"\blimit=(?P<x>\d{1,12})|\blimit (?:of )?(?P<y>\d{1,12})")
# Modules/_ssl.c: "[SSL: REASON] text (_ssl.c:N)" (certificate verify results are doctrine.py's)
_SSL_REASON = re.compile(r"\[SSL: (?P<x>[A-Z0-9_]{3,80})\]")
# a client library that met a remote (a third-party URL): its frames or its class
_CLIENT = re.compile(r"site-packages/(?:httpx|httpcore|aiohttp|requests|urllib3|websockets)/|"
                     r"\b(?:httpx|httpcore|aiohttp|requests|urllib3)\.\w*(?:Error|Timeout|Exception)\b|"
                     # the standard library's client (urllib/request.py, http/client.py)
                     r"[/\\]urllib[/\\]request\.py\"|\burllib\.error\.(?:URL|HTTP)Error\b|\bhttp\.client\.RemoteDisconnected\b")


def _find(rx: re.Pattern[str], text: str, group: str = "x") -> str:
    m = rx.search(text)
    return (m.group(group) or "").strip() if m is not None else ""


def _host(inp: DiagnosisInput) -> str:
    """The host of the URL the record's messages name, else of the last 3 context lines (the request that failed
    is logged just before its error; further back another request's URL may stand)."""
    for chunk in (*inp.messages(), *reversed(inp.context[-3:])):
        m = _URL.search(chunk[:16384])
        if m is not None:
            return m.group("host") + (f":{m.group('port')}" if m.group("port") else "")
    return ""


def _code_text(family: str, cls: str, inp: DiagnosisInput) -> Text | None:
    said = _said(inp)
    if family == "code.tokenizer_model":
        model = _find(_TIKTOKEN_MODEL, said) or "this model"
        return ("code", "low", f"tiktoken cannot map the model '{model}' to a tokenizer ({cls})",
                f"tiktoken.encoding_for_model('{model}') only knows OpenAI model names, so it raised for '{model}': "
                "the local token counter asked tiktoken about another provider's model. The model itself exists; "
                "no provider call failed.",
                (f"Give '{model}' an explicit encoding (tiktoken.get_encoding('o200k_base') or 'cl100k_base') instead of "
                 "encoding_for_model for non-OpenAI models, or catch the KeyError and fall back to an estimate.",))
    if family == "code.tokenizer_encoding":
        name = _find(_TIKTOKEN_ENCODING, said) or "the requested encoding"
        return ("code", "low", f"tiktoken has no encoding named '{name}' ({cls})",
                f"tiktoken.get_encoding('{name}') found no such encoding among its built-in ones and plugins: the "
                "encoding name in the code is wrong (or a tiktoken plugin is not installed).",
                ("Use one of tiktoken.list_encoding_names() (o200k_base, cl100k_base...) for this name.",))
    if family == "code.contextvar_token":
        var = _find(_CONTEXTVAR, said) or "a ContextVar"
        twice = "already been used once" in said
        other_var = "different ContextVar" in said
        why = ("was reset a second time with the same token" if twice else
               "was reset with a token created by another ContextVar" if other_var else
               "was reset with a token created in a different Context (another task or callback than the one that set it)")
        return ("code", "low", f"ContextVar '{var}' {why.split(' (')[0]} ({cls})",
                f"contextvars: the ContextVar '{var}' {why}. A token may be used once, by the same ContextVar, in the "
                "Context where set() made it; the set/reset pair is split across tasks or runs twice.",
                (f"Reset '{var}' in the same task that set it (set and reset in one try/finally), or simply set it "
                 "again instead of resetting from another task.",))
    if family == "code.executor_shutdown":
        return ("code", "low", f"Work was submitted to an executor that was already shut down ({cls})",
                "concurrent.futures (or loop.run_in_executor) refused new work because the executor's shutdown() had "
                "run: shutdown order - the executor is stopped before the tasks that still submit to it.",
                ("On shutdown, stop accepting requests and await the running tasks first; shut the executor down last "
                 "(or check a closing flag before run_in_executor).",))
    if family == "code.subprocess_timeout":
        m = _COMMAND.search(said)
        program = _find(_PROGRAM, m.group("cmd")) if m is not None else ""
        secs = f"{float(m.group('secs')):.3g}" if m is not None else ""
        what = f"'{program}'" if program else "run by the code"
        within = f"its {secs} s timeout" if secs else "its timeout"
        return ("code", "low",
                f"The command {what} did not finish within {within} (subprocess.TimeoutExpired)",
                f"subprocess killed the command {what} when {within} ran out (the timeout the code passed): the command "
                "is too heavy for that timeout (a large repository or input) or waits for input. No remote service "
                "timed out.",
                (f"Make the command {what} cheaper (limit its scope or output) or give it a timeout that fits the "
                 "input; tell the caller the command timed out instead of failing the whole request.",))
    if family == "code.stream_limit":
        limit = _find(_LIMIT, said) or _find(_LIMIT, said, "y")
        shown = f"{limit} bytes" if limit else "64 KiB by default"
        return ("code", "medium", f"A line read from a stream was longer than the StreamReader's limit ({cls})",
                "asyncio's StreamReader.readline()/readuntil() found no separator within the reader's limit "
                f"({shown}): the peer or child process wrote a longer line than the code's reader accepts.",
                ("Pass a larger limit= to asyncio.open_connection()/create_subprocess_exec() for this stream, or read "
                 "it in chunks (read(n)) instead of readline().",))
    if family == "code.realtime_order":
        topic = _find(_REALTIME_TOPIC, said)
        on = f" on '{topic}'" if topic else ""
        return ("code", "medium", f"A Supabase Realtime call ran before its connection/subscription was set up{on} ({cls})",
                f"realtime-py refused the call{on}: the code pushes or listens before AsyncRealtimeClient.connect() and "
                "channel.subscribe() completed, or subscribes the same channel object twice (call order).",
                ("Await client.connect() and channel.subscribe() (its SUBSCRIBED callback) before sending; create a new "
                 "channel object instead of subscribing one twice.",))
    if family == "code.pool_closed":
        m = _POOL.search(said)
        name = m.group("x") if m is not None and m.group("x") else ""
        pool = f"'{name}'" if name else ""
        not_open = m is not None and (m.group("how") or "") == "is not open yet"
        if not_open:
            return ("code", "medium", f"The psycopg pool {pool} was used before it was opened ({cls})".replace("  ", " "),
                    f"psycopg_pool refused a connection because the pool {pool} was created with open=False and "
                    "open()/await open() was not called before use (start-up order).".replace("  ", " "),
                    ("Open the pool at start-up (await pool.open(), or use it as a context manager) before serving.",))
        return ("code", "low", f"A database call ran after shutdown closed the psycopg pool {pool} ({cls})".replace("  ", " "),
                f"psycopg_pool refused the connection because the pool {pool} was already closed: a task still used the "
                "pool after shutdown had closed it (tasks not awaited or cancelled before close). No timeout and no "
                "lost database.".replace("  ", " "),
                ("On shutdown, stop new work and await (or cancel) the tasks that use the pool, then close the pool last.",))
    return None


def _lock_text(family: str, cls: str, inp: DiagnosisInput) -> Text | None:
    said = _said(inp)
    if family == "concurrency.lock_lost":
        op = next((w for w in ("release", "extend", "reacquire") if f"Cannot {w} a lock" in said), "release")
        return ("concurrency", "medium", f"The Redis lock expired before its holder could {op} it ({cls})",
                f"redis-py could not {op} the lock because its token is no longer the lock's value: the lock's timeout "
                "(TTL) ran out while the work was still running, so the lock was released and possibly taken by "
                "another worker - the work was not exclusive for its whole run.",
                ("Give the Redis lock a timeout longer than the longest work it guards, or extend it while working "
                 "(lock.extend / reacquire); make the guarded work safe to overlap.",))
    if family == "concurrency.lock_wait":
        return ("concurrency", "medium", f"Another holder kept the Redis lock past the wait time ({cls})",
                "redis-py gave up acquiring the lock within blocking_timeout: another worker held it for longer "
                "(long work, or a holder that died without releasing and left the lock until its TTL).",
                ("Check who holds the lock (its key's value and TTL); keep the lock's work short or raise "
                 "blocking_timeout; give every lock a TTL.",))
    if family == "code.lock_misuse":
        return ("code", "low", f"A Redis lock was used in a state that does not allow it ({cls})",
                f"redis-py refused the lock operation: {one_line(inp.exception_message or '', 120) or 'it is not held'} "
                "- the code releases/extends a lock it does not hold, or one without a timeout.",
                ("Release and extend only a lock this task acquired (acquire in the same try/finally); give locks "
                 "that are extended a timeout.",))
    return None


def _tls_text(family: str, cls: str, inp: DiagnosisInput, host: str) -> Text | None:
    said = _said(inp)
    where = f"{host}" if host else "the remote server"
    reason = _find(_SSL_REASON, said)
    if family == "connection.tls_eof":
        shown = reason or "EOF"
        how = ("sent data after its TLS close_notify (application data after close notify)"
               if "CLOSE_NOTIFY" in shown else "closed the connection without a TLS close_notify (unexpected EOF)")
        return ("network", "low", f"{where} ended the TLS connection uncleanly ({shown})",
                f"The TLS session with {where} {how}: a shutdown quirk of that server (or a proxy in between) while "
                "closing; the request itself was answered or is safe to retry. Usually transient.",
                (f"Retry the request to {where}; if it repeats, read the body fully before closing, or report the "
                 "server's TLS shutdown behaviour.",))
    if family == "config.tls_negotiation":
        shown = reason or "handshake failure"
        return ("config", "high", f"The TLS handshake with {where} found no common protocol or cipher ({shown})",
                f"OpenSSL and {where} share no TLS version or cipher suite (or the server wants a client certificate): "
                "the client's minimum TLS version, its ciphers, or the server's old TLS setup must change; it fails "
                "every time.",
                (f"Compare the TLS versions/ciphers of {where} (openssl s_client -connect host:443) with the client's "
                 "SSL context; configure a client certificate if the server requires one.",))
    return None


_REMOTE = {
    "timeout": ("did not answer in time", "The request reached {h} but the answer did not arrive within the client's "
                "timeout: {h} is slow or overloaded (or the response is large).", "low"),
    "timeout.read": ("did not answer in time", "The request reached {h} but the answer did not arrive within the "
                     "client's read timeout: {h} is slow or overloaded (or the response is large).", "low"),
    "timeout.connect": ("could not be reached in time", "The connection to {h} was not established within the connect "
                        "timeout: {h} or the path to it is down or filtered.", "low"),
    "timeout.write": ("did not accept the request body in time", "Sending the request body to {h} did not finish within "
                      "the write timeout: a slow uplink or a large upload.", "low"),
    "connect": ("could not be connected to", "The connection to {h} failed: the host is down, or the network path "
                "to it is.", "low"),
    "connect.refused": ("refused the connection", "Nothing accepted the connection at {h}: the service there is down "
                        "or not listening on that port.", "low"),
    "connect.dns": ("does not resolve", "The name {h} could not be resolved (getaddrinfo failed): the host does not "
                    "exist, or the resolver failed.", "low"),
    "connection.dropped": ("dropped the connection", "{h} (or a proxy or NAT on the way) closed or reset the "
                           "connection before a complete response.", "low"),
}


# aiohttp ClientResponseError.__str__ "503, message='Service Unavailable', url='...'"; httpx HTTPStatusError
# "Server error '503 Service Unavailable' for url '...'" (raise_for_status)
_HTTP_STATUS = re.compile(r"(?:^|: )(?P<s>[1-5]\d\d), message='|(?:Client|Server) error '(?P<s2>[45]\d\d) ", re.M)


_LOCAL_HOST = re.compile(r"^(?:localhost|127\.\d+\.\d+\.\d+|\[?::1\]?|0\.0\.0\.0|[A-Za-z][\w-]*)(?::\d+)?$")


def _who(host: str) -> str:
    """How a remote is named: a loopback address or a bare service name (compose/k8s) is a local service, a
    public-looking host a third party (the texts must not call the gateway's own daemon a third party)."""
    return f"The local service at {host}" if _LOCAL_HOST.match(host) else f"The third-party host {host}"


def _status_text(cls: str, inp: DiagnosisInput, host: str) -> Text | None:
    """An HTTP error status from a third-party host, by who must act: its credentials (config), the request the
    code built (code), the host failing or limiting (network). A 404 says only that the URL is wrong - whose URL
    (a deleted webhook, a user's link) the record does not tell: no verdict."""
    m = _HTTP_STATUS.search(_said(inp))
    if m is None:
        return None
    status = int(m.group("s") or m.group("s2"))
    if (refusal := refusal_reason(status, _said(inp))) is not None and refusal.kind != "route":
        # the reason's owner first (refusal_owner.py); a bare 404 of a third party stays unanswered (see above)
        return (refusal.category, refusal.severity, *refusal_text(refusal, _who(host), status, cls))
    if status in (401, 403):
        return ("config", "medium", f"{_who(host)} refused the credentials (HTTP {status}, {cls})",
                f"{host} answered {status}: the token, key or webhook secret the gateway sends for it is missing, "
                "revoked or lacks the permission; it fails every time until the credential setting changes.",
                (f"Check the credential configured for {host} (token/webhook URL) and rotate it if it was revoked.",))
    if status in (400, 405, 413, 415, 422):
        return ("code", "medium", f"{_who(host)} rejected the request the gateway built (HTTP {status}, {cls})",
                f"{host} answered {status}: the method, body, size or content type of the request does not fit its API.",
                (f"Compare the request (payload shape, size, content type) with {host}'s API documentation.",))
    if status in (408, 429) or status >= 500:
        return ("network", "low", f"{_who(host)} is failing or limiting requests (HTTP {status}, {cls})",
                f"{host} answered {status}: it is overloaded, rate limiting or failing on its side; the request may be "
                "fine. Not an LLM provider or the database.",
                (f"Retry the request to {host} with backoff (honour Retry-After) and report the failure to the caller.",))
    return None


def _remote_text(family: str, cls: str, inp: DiagnosisInput, host: str) -> Text | None:
    """A client library met a third-party host (not a provider, the database or the cache): the path to that
    host failed - network, not a gateway setting (a user-supplied URL, a CDN, a webhook)."""
    if not host or not _CLIENT.search("\n".join([*inp.exception_types(), _said(inp)])):
        return None
    if family == "http.status":
        return _status_text(cls, inp, host)
    entry = _REMOTE.get(family)
    if entry is None:
        return None
    what, cause, severity = entry
    return ("network", severity, f"{_who(host)} {what} ({cls})",  # type: ignore[return-value]
            cause.format(h=host) + " Not an LLM provider, the database or the cache.",
            (f"Retry the request to {host} with backoff and report it to the caller; check {host} from the "
             "container (curl) if it repeats.",))


def _input_text(family: str, cls: str, inp: DiagnosisInput) -> Text | None:
    if family == "config.realtime_auth":
        return ("config", "high", f"Supabase Realtime refused the private channel ({cls})",
                "Realtime Authorization denied joining the private channel: the JWT the client sends has no access "
                "under the RLS policies on realtime.messages (or the key is the anon key where a user/service token "
                "is needed); it fails every time until the policy or the key changes.",
                ("Check the RLS policies on realtime.messages for this topic and the token passed to the Realtime "
                 "client (setAuth / access_token).",))
    if family == "input.timezone":
        key = _find(_ZONE, _said(inp)) or "given"
        if is_iana_key(key.strip("'\"")):
            # a key the IANA database has: only an image with neither /usr/share/zoneinfo nor tzdata lacks it (tz_keys.py)
            return ("config", "high", f"The time zone database is missing from the image: '{key}' is a valid IANA key "
                    f"({cls})",
                    f"zoneinfo found no data for '{key}', a zone the IANA database has: it looks in the system's zoneinfo "
                    "directories, then in the tzdata package, and this image has neither (a slim base image, the tzdata "
                    "apt package or pip package dropped). Every lookup of a zone fails until the image has the data.",
                    ("Install the tz database in the image (apt-get install tzdata, or pip install tzdata in the "
                     "requirements) and rebuild.",))
        return ("unknown", "low", f"No time zone '{key}' in the tz database ({cls})",
                f"zoneinfo found no time zone with the key '{key}' (neither in the system's zoneinfo nor in the tzdata "
                "package): a misspelt or non-IANA key, usually supplied by a user or a request.",
                ("Validate time zone keys against zoneinfo.available_timezones() and answer the caller with the error; "
                 "if the key comes from configuration, fix it there.",))
    return None


def library_text(family: str, cls: str, inp: DiagnosisInput) -> Text | None:
    """The text of a round-4 library family for this record, or None (another table answers)."""
    for table in (_lock_text, _code_text, os_text, _input_text, framework_text, template_text):
        text = table(family, cls, inp)
        if text is not None:
            return text
    host = _host(inp)
    if family in ("connection.tls_eof", "config.tls_negotiation"):
        return _tls_text(family, cls, inp, host)
    return _remote_text(family, cls, inp, host)
