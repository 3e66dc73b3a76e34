"""The setting behind a transport failure: a refused connect, a timeout, a DNS or TLS-name failure, a proxy's refusal
whose endpoint, timeout or proxy IS a value a config record printed before it, and that value is wrong.

The failure's own text rarely quotes the value (openai's "Connection error.", "Request timed out.", httpx's
"[Errno -2] Name or service not known"): the setting shows only in an earlier startup/config line. A normal
base_url line sits before most REAL network failures too, so a printed setting alone never moves the answer
(held-out 7's 7002, 7005, 7027, 7032, 7041; the review's care). What separates them, per failure kind:
- the value is wrong by its FORM for that failure: a loopback/unspecified host for a hosted remote (Kimi, GLM, a
  *.supabase.co project) refusing the connect; a host holding an escape, a space, a quote or a placeholder that
  does not resolve; an IP literal that a certificate (which names hosts) does not match; a proxy used for an
  internal host that NO_PROXY does not list; a timeout in the wrong unit, or shorter than any LLM completion takes
  (< 10 s, below openai's own 600 s default and its 5 s connect timeout) for an LLM provider's read;
- the record says the setting was CHANGED or overrides another ("changed from", "overrides", "instead of",
  "leftover"), for a failure that setting decides (the endpoint refused / not resolved / named otherwise, the
  timeout hit at its value);
- a timeout shorter than the latency the log itself reports as normal ("median kimi latency 41 s").
Otherwise the transport answer stands (a right value and an unreachable peer). The setting is tied to the failure by
its name's remote word (KIMI_BASE_URL for a Kimi call), by its value's host in the record, or (proxies) by kind.
Pure and bounded: at most the last 40 context lines, each read to 2 KB.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from ..redaction import redact
from .doctrine import transport_cause
from .model import Diagnosis, DiagnosisInput, one_line
from .render import EVIDENCE_CHARS
from .setting_lines import CONTEXT, LINE, Setting, settings_before
from .situation import Situation

_WS_CLIENT = re.compile(r"websockets/(?:asyncio/|legacy/)?client\.py")
Kind = Literal["refused", "timeout", "dns", "tls-name", "proxy", "status", "port"]
BY_FORM = 0.5  # the value is wrong by its form for this failure (the library's class plus the setting's value)
BY_CHANGE = 0.45  # only the record's word that the setting changed ties the failure to it

# NO_PROXY's value is a comma-separated list (urllib.request.proxy_bypass_environment, httpx's get_environment_proxies)
_NO_PROXY = re.compile(r"(?<![\w.])no_proxy\s*[=:]\s*(?P<value>'[^'\n]{0,500}'|\"[^\"\n]{0,500}\"|[^\s;()]{1,500})", re.I)
_CHANGED = re.compile(r"\bchanged (?:from|to)\b|\boverrid(?:es|den|ing)\b|\binstead of\b|\bleftover\b|\bwas (?:set|changed) to\b|"
                      r"\bnow points? (?:at|to)\b|\bswitched (?:from|to)\b", re.I)

_ENDPOINT_WORDS = frozenset({"URL", "URI", "HOST", "ENDPOINT", "ADDR", "ADDRESS", "DSN", "SERVER", "BASE"})
_TIMEOUT_WORDS = frozenset({"TIMEOUT", "DEADLINE"})
# the remotes a setting's name words point at, and the hosted ones (a loopback address can never be them)
_REMOTE_WORDS = {"kimi": {"KIMI", "MOONSHOT"}, "glm": {"GLM", "ZAI", "ZHIPU", "BIGMODEL"},
                 "supabase": {"SUPABASE", "POSTGREST", "DB", "DATABASE", "POSTGRES", "PG"}, "redis": {"REDIS", "CACHE"}}
_HOSTED = {"kimi": re.compile(r"moonshot|kimi", re.I), "glm": re.compile(r"z\.ai|bigmodel|zhipu", re.I),
           "supabase": re.compile(r"supabase\.(?:co|com|in)\b", re.I)}
_LLM = frozenset({"kimi", "glm"})
# the documented API hosts (Moonshot: platform.moonshot.ai docs, api.moonshot.cn for the China region; Z.ai:
# docs.z.ai, open.bigmodel.cn): another host of the same provider (its website, console, chat app) answers HTML 404s
_API_HOSTS = {"kimi": frozenset({"api.moonshot.ai", "api.moonshot.cn"}), "glm": frozenset({"api.z.ai", "open.bigmodel.cn"})}
# the providers' registered domains: a host merely holding "kimi" (kimi-relay.corp.internal) is someone else's
_OWN_DOMAINS = {"kimi": ("moonshot.ai", "moonshot.cn", "kimi.com", "kimi.ai"), "glm": ("z.ai", "bigmodel.cn", "zhipuai.cn")}
# well-known ports of services that never answer HTTP or a WebSocket handshake (IANA registrations / the services'
# defaults): an http(s)/ws(s) URL on one of them reaches the wrong service (CLASSES8 B3's twin, F3)
_OTHER_PORTS = {5432: "PostgreSQL", 6543: "the Supabase pooler", 6379: "Redis", 3306: "MySQL", 27017: "MongoDB",
                11211: "memcached", 5672: "AMQP", 9092: "Kafka", 2181: "ZooKeeper", 25: "SMTP", 22: "SSH"}

_REFUSED = re.compile(r"\[Errno 111\]|\[WinError 10061\]|Connection refused|ECONNREFUSED|Connect call failed", re.I)
_TIMEOUT_TYPE = re.compile(r"Timeout(?:Error|Exception)?$|^socket\.timeout$|TimedOut", re.I)
_TIMEOUT_TEXT = re.compile(r"\btimed out\b|\btimeout\b", re.I)
_PROXY = re.compile(r"InvalidProxy|ProxyError|proxy rejected|ClientHttpProxyError|\bproxy\b[^\n]{0,40}\b(?:403|Forbidden)\b",
                    re.I)
_PROXY_STATUS = re.compile(r"\b(?:HTTP |status[= ]?)?(?P<s>[45]\d\d)\b")
_NAMED_CERT = re.compile(r"(?:not valid for|mismatch[^']{0,40}) '(?P<host>[^'\s]{1,255})'", re.I)
# what a request targets, when the record prints it (a ws:// or http(s):// URL, "connect to host:port")
_URL = re.compile(r"\b(?:https?|wss?)://(?P<host>\[[0-9a-fA-F:]+\]|[\w.-]{1,253})(?::\d{1,5})?")
# a normal duration the log reports for this kind of call ("median kimi latency yesterday 41 s", "p50=35s")
_LATENCY = re.compile(r"\b(?:median|p50|p90|p95|typical|usual(?:ly)?|normal(?:ly)?|average|avg)\b[^\n]{0,60}?"
                      r"(?P<n>\d+(?:\.\d+)?)\s*(?P<u>ms|s|sec|secs|seconds)\b", re.I)
_PLACEHOLDER = re.compile(r"<[^>]*>|\byour[-_]|\bchangeme\b|\bexample\.(?:com|org)\b|\bxxx+\b|\$\{|%[A-Z_]+%", re.I)
_SECS = re.compile(r"(?:_SECS?|_SECONDS|_S)$")
_MS = re.compile(r"_MS$|_MILLIS(?:ECONDS)?$")


@dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    setting: Setting
    why: str  # what is wrong with the value, in a clause
    confidence: float
    remote: str | None


def failure_kind(inp: DiagnosisInput) -> Kind | None:
    """The transport failure the record is, from its classes and texts (None: not a transport failure)."""
    text = "\n".join([*(m[:LINE] for m in inp.messages()), inp.traceback[-8192:]])
    types = inp.exception_types()
    if any(_PROXY.search(t) for t in types) or _PROXY.search(text):
        return "proxy"
    cause = transport_cause(text)
    if cause is not None and cause.kind.startswith("dns."):
        return "dns"
    if cause is not None and cause.kind == "tls.remote" and _NAMED_CERT.search(text):
        return "tls-name"
    if cause is not None:
        return None  # another decided class-level cause (local TLS material, a trust store, a proxy's 407...)
    if _REFUSED.search(text):
        return "refused"
    if any(_TIMEOUT_TYPE.search(t.rsplit(".", 1)[-1]) for t in types) or (not types and _TIMEOUT_TEXT.search(text)):
        return "timeout"
    return None


def _words(name: str) -> set[str]:
    return set(name.split("_"))


def _remote_of(name: str) -> str | None:
    words = _words(name)
    return next((r for r, ws in _REMOTE_WORDS.items() if words & ws), None)


def _host(value: str) -> str:
    v = value.strip("'\"")
    if "://" not in v:
        return v.split("/")[0].rsplit(":", 1)[0] if v.count(":") <= 1 else v
    try:
        return urlsplit(v).hostname or ""
    except ValueError:
        return v.split("://", 1)[1].split("/")[0]


def _loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


def _ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _malformed(value: str) -> str | None:
    """What makes an endpoint value unresolvable by its form, or None."""
    inner = value[1:-1] if value[:1] in "'\"" and value[-1:] == value[:1] and len(value) > 1 else value
    # the resolver sees the host, never the userinfo: a masked password (`<redacted>`) in a DSN is no placeholder host
    inner = re.sub(r"(?<=://)[^/@\s]*@", "", inner)
    if re.search(r"\\[rntx0]|[\r\n\t]", inner):
        return "it holds a control character (an escaped \\r/\\n: a .env written with CRLF line endings, or a pasted value)"
    if inner != inner.strip() or " " in inner:
        return "it holds a space"
    if re.search(r"['\"]", inner):
        return "it holds a quote character (the quotes became part of the value)"
    if _PLACEHOLDER.search(inner):
        return "it is a placeholder, not a real host"
    if inner.count("://") > 1:
        return "it holds the scheme twice"
    host = _host(inner)
    if host and re.search(r"[^A-Za-z0-9.\-\[\]:]", host):
        return "its host holds characters no host name can hold"
    return None


def _seconds(value: str, name: str) -> float | None:
    m = re.fullmatch(r"['\"]?(?P<n>\d+(?:\.\d+)?)\s*(?P<u>ms|s|sec|secs|seconds)?['\"]?", value.strip())
    if m is None:
        return None
    n = float(m.group("n"))
    if m.group("u") == "ms" or (m.group("u") is None and _MS.search(name)):
        return n / 1000
    return n


def _tied(s: Setting, remote: str | None, record: str) -> bool:
    """The setting concerns the failing call: its name names the record's remote, or its value's host is in it."""
    owner = _remote_of(s.name)
    if remote is not None and owner == remote:
        return True
    if remote is not None and owner is not None:
        return False  # another remote's setting (GLM_BASE_URL printed before a Kimi failure)
    host = _host(s.value)
    if len(host) >= 4 and host in record:
        return True
    # a ws(s):// endpoint and a failure raised inside the websockets client: websockets' exceptions never quote the
    # URL (websockets/asyncio/client.py), so the scheme of the setting and the raising library tie them
    return re.match(r"['\"]?wss?://", s.value) is not None and _WS_CLIENT.search(record) is not None


def finding(inp: DiagnosisInput, sit: Situation) -> Finding | None:
    """The setting whose value caused this transport failure, or None (see the module docstring)."""
    kind = failure_kind(inp)
    statuses = set(sit.code("http"))
    if kind is None and statuses & {"404", "405"} and sit.remote in _API_HOSTS:
        kind = "status"  # the provider's site (not its API) answered: see _site_not_api
    if kind is None or statuses and kind not in ("proxy", "status"):
        return None
    record = "\n".join([*(m[:LINE] for m in inp.messages()), inp.traceback[-8192:]])
    settings = settings_before(inp)
    if not settings:
        return None
    remote = sit.remote
    if kind == "proxy":
        return _proxy(settings, record, remote)
    if kind == "status":
        return _site_not_api(settings, record, remote)
    if kind in ("timeout", "refused") and (port := _other_port(settings, remote, record)) is not None:
        return port
    if kind == "timeout":
        return _timeout(settings, inp, record, remote)
    for s in settings:
        if not (_words(s.name) & _ENDPOINT_WORDS) or not _tied(s, remote, record):
            continue
        host = _host(s.value)
        owner = _remote_of(s.name) or remote
        changed = bool(_CHANGED.search(s.clause))
        if kind == "dns" and (why := _malformed(s.value)) is not None:
            return Finding(kind, s, why, BY_FORM, owner)
        if kind == "refused" and _loopback(host) and owner in _HOSTED and not _HOSTED[owner].search(host):
            return Finding(kind, s, f"it points at {host}, this container's own loopback, where no {owner} API listens",
                           BY_FORM, owner)
        if kind == "tls-name":
            named = _NAMED_CERT.search(record)
            if named is not None and named.group("host").strip("[]") == host.strip("[]") and _ip_literal(host):
                return Finding(kind, s, f"it names the server by the IP address {host}, and the certificate names host "
                               "names, not that IP", BY_FORM, owner)
            if named is not None and named.group("host") == host and changed:
                return Finding(kind, s, f"it was changed to {host}, a name the server's certificate does not hold",
                               BY_CHANGE, owner)
        if kind in ("refused", "dns") and changed:
            return Finding(kind, s, "the record says it was changed (or overrides another setting) just before the "
                           "failure", BY_CHANGE, owner)
    return None


def _site_not_api(settings: list[Setting], record: str, remote: str | None) -> Finding | None:
    """A provider's 404/405 after an endpoint setting naming another host of that provider than its API's."""
    for s in settings:
        if not (_words(s.name) & _ENDPOINT_WORDS) or not _tied(s, remote, record) or remote not in _API_HOSTS:
            continue
        host = _host(s.value).lower()
        if host and any(host == d or host.endswith("." + d) for d in _OWN_DOMAINS[remote]) and host not in _API_HOSTS[remote]:
            return Finding("status", s, f"{host} is a host of the provider but not its API (the API is at "
                           f"{' / '.join(sorted(_API_HOSTS[remote]))})", BY_FORM, remote)
    return None


def _other_port(settings: list[Setting], remote: str | None, record: str) -> Finding | None:
    """An http(s)/ws(s) endpoint setting on a port of a service that never answers HTTP, for a call that got no answer."""
    for s in settings:
        if not (_words(s.name) & _ENDPOINT_WORDS) or not _tied(s, remote, record):
            continue
        m = re.match(r"['\"]?(?:https?|wss?)://[^/\s:'\"]+:(?P<port>\d{1,5})", s.value)
        if m is not None and int(m.group("port")) in _OTHER_PORTS:
            service = _OTHER_PORTS[int(m.group("port"))]
            return Finding("port", s, f"its port {m.group('port')} is {service}'s, which never answers an HTTP or "
                           "WebSocket handshake", BY_FORM, _remote_of(s.name) or remote)
    return None


# A timeout setting that governs another phase or call than the one that timed out (a connect timeout before a read
# timeout, a health check's, a stream's idle, a pool's wait) is not the one that fired (review r8: openai's own 5 s
# connect default printed before a read timeout).
_OTHER_PHASE = frozenset({"HEALTH", "IDLE", "KEEPALIVE", "POOL", "STREAM", "PING", "SHUTDOWN", "STARTUP", "RETRY", "WS"})


def _fired(s: Setting, inp: DiagnosisInput) -> bool:
    words = _words(s.name)
    if words & _OTHER_PHASE:
        return False
    connect = any("Connect" in t.rsplit(".", 1)[-1] for t in inp.exception_types())
    return connect if "CONNECT" in words else not ({"READ", "WRITE"} & words) or not connect


def _timeout(settings: list[Setting], inp: DiagnosisInput, record: str, remote: str | None) -> Finding | None:
    for s in settings:
        if not (_words(s.name) & _TIMEOUT_WORDS) or not _tied(s, remote, record) or not _fired(s, inp):
            continue
        secs = _seconds(s.value, s.name)
        if secs is None:
            continue
        owner = _remote_of(s.name) or remote
        # milliseconds given as seconds: a round thousand of hours-long seconds (30000, 120000), not a long but
        # plausible 1800 s (review r8)
        if _SECS.search(s.name) and secs >= 5000 and secs % 1000 == 0:
            return Finding("timeout", s, f"{s.value} read as seconds is {secs / 3600:.1f} hours: a value in milliseconds "
                           "given to a setting in seconds", BY_FORM, owner)
        if owner in _LLM and secs < 10:
            return Finding("timeout", s, f"{secs:g} s is shorter than an LLM completion takes (openai's own default is "
                           "600 s, its connect timeout alone 5 s)", BY_FORM, owner)
        normal = [float(m.group("n")) / (1000 if m.group("u").lower() == "ms" else 1)
                  for c in inp.context[-CONTEXT:] for m in _LATENCY.finditer(c[:LINE])]
        if normal and max(normal) > secs * 1.5:
            return Finding("timeout", s, f"{secs:g} s is shorter than the latency the log reports as normal "
                           f"({max(normal):g} s)", BY_FORM, owner)
        if _CHANGED.search(s.clause):
            return Finding("timeout", s, "the record says it was changed just before the timeouts", BY_CHANGE, owner)
    return None


_INTERNAL = re.compile(r"^(?:[\w-]+|[\w.-]+\.(?:internal|local|lan|svc|cluster\.local|corp))$", re.I)


def _proxy(settings: list[Setting], record: str, remote: str | None) -> Finding | None:
    """A proxy's refusal (403) of a call to an internal host the proxy settings send through it: NO_PROXY does not
    list the host. A proxy's 5xx (it could not reach the upstream) is the path, and stays."""
    status = _PROXY_STATUS.search(record[record.lower().find("proxy"):] if "proxy" in record.lower() else record)
    if status is None or status.group("s") != "403":
        return None
    proxies = [s for s in settings if "PROXY" in _words(s.name) and s.name.upper() != "NO_PROXY"]
    if not proxies:
        return None
    target = _URL.search(record)
    host = target.group("host").strip("[]") if target is not None else ""
    if not host:
        return None
    internal = bool(_INTERNAL.match(host)) or (_ip_literal(host) and ipaddress.ip_address(host).is_private)
    no_proxy = next((Setting("NO_PROXY", m.group("value").rstrip(","), s.line) for s in settings
                     if s.name.upper() == "NO_PROXY" and (m := _NO_PROXY.search(s.line)) is not None), None)
    listed = no_proxy is not None and any(host.endswith(p.strip().lstrip("*")) or p.strip() == "*"
                                          for p in no_proxy.value.strip("'\"").split(",") if p.strip())
    if not internal or listed:
        return None
    shown = no_proxy or proxies[0]
    return Finding("proxy", Setting(f"{proxies[0].name}/NO_PROXY", shown.value, shown.line),
                   f"the proxy settings send the call to the internal host {host} through the proxy ({proxies[0].name}"
                   f"={proxies[0].value}), and NO_PROXY does not list {host}", BY_FORM, host)


_WHAT = {"refused": "the connection was refused", "timeout": "the call timed out at the configured limit",
         "dns": "the host name did not resolve", "tls-name": "the server's certificate does not match the name used",
         "proxy": "the HTTP proxy refused the connection (403)",
         "status": "the provider's site answered instead of its API",
         "port": "the connection reached a port of another service, which never answered the handshake"}
_REMOTE_NAMES = {"kimi": "Kimi", "glm": "GLM", "supabase": "Supabase", "redis": "Redis"}


def by_transport_setting(d: Diagnosis, inp: DiagnosisInput, sit: Situation) -> Diagnosis:
    """`d` re-categorised as config when its transport failure comes from a setting's wrong value; `d` unchanged
    otherwise. An answer already config only gains the setting's name."""
    if d.category not in ("network", "provider", "storage", "config", "unknown"):
        return d
    found = finding(inp, sit)
    if found is None:
        return d
    s = found.setting
    who = _REMOTE_NAMES.get(found.remote or "", found.remote if found.kind == "proxy" and found.remote else "the remote")
    failure = f"{inp.exception_type}: {one_line(inp.exception_message or '', 120)}" if inp.exception_type else \
        one_line(inp.message, 160)
    evidence = list(dict.fromkeys([redact(s.line[:EVIDENCE_CHARS]), *d.evidence]))
    if d.category == "config":
        if s.name in f"{d.summary} {d.root_cause}":
            return d
        return d.model_copy(update={
            "summary": redact(f"{d.summary} - the setting {s.name}"),
            "root_cause": redact(f"{d.root_cause} The setting: {s.name}={one_line(s.value, 120)}: {found.why}."),
            "evidence": evidence})
    return d.model_copy(update={
        "category": "config", "confidence": found.confidence, "rule": f"{d.rule}+setting:{found.kind}",
        "severity": d.severity if d.severity in ("high", "critical") else "high",
        "summary": redact(f"{who[0].upper()}{who[1:]} call failed because of the setting {s.name}: {_WHAT[found.kind]}"),
        "root_cause": redact(
            f"{_WHAT[found.kind].capitalize()} ({failure}), and the value this call used comes from the setting "
            f"{s.name}={one_line(s.value, 160)}: {found.why}. Every call fails the same "
            f"way until the setting is corrected; {who} itself is not shown failing."),
        "suggested_fix": [redact(f"Correct {s.name} where the deployment sets it (environment, compose file, .env) and "
                                 "restart; check the value the container sees (docker compose exec <svc> env)."),
                          "Validate the setting where it is loaded (form, host, unit), so a bad value fails at startup "
                          "with its name."],
        "evidence": evidence})
