"""A connect failure whose TCP connect went to an outbound PROXY, not to the remote (CLASSES9 F5): config.

HTTP clients route through a proxy named by a setting or silently taken from the environment (`trust_env`: httpx
_utils.py `get_environment_proxies`, requests utils.py `get_environ_proxies`, aiohttp `trust_env=True` via
`urllib.request.getproxies`, websockets' `proxy=True` default). When that proxy does not listen (a variable inherited
from the host's env file, a sidecar proxy not running) the error reads like the remote being down: httpx's
ConnectError "[Errno 111] Connection refused" with the remote's name only in the wrapper's words. What says the
connect went to the proxy:
- the raising stack: httpcore's `_async|_sync/http_proxy.py` (HTTPProxy / TunnelHTTPConnection open the TCP
  connection to the proxy first), aiohttp connector.py `_create_proxy_connection` (ClientProxyConnectionError),
  urllib3 connection.py's "Unable to connect to proxy" (requests' ProxyError);
- httpcore's own debug trace "connect_tcp.started host='H' port=P" where H:P is a proxy URL a record printed
  (HTTPS_PROXY=..., proxy=...).
Then the remote is not shown failing; the proxy setting (or the environment it came from) must change -> config. A
tunnel the proxy answered with a status is another class (N3, the CONNECT's status), and an explicit-proxy failure
is config too (the spec's twin). The twin without any proxy evidence (a direct connect refused) is unchanged.
0.45 (the stack or a trace line: a mechanism, not words alone); 0.5 when a proxy variable is also printed.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE

_CONNECT_FAIL = re.compile(r"(?:^|\.)(?:ConnectError|ConnectTimeout|ClientProxyConnectionError|ClientConnectorError|"
                           r"ProxyError|NewConnectionError|ConnectionRefusedError|MaxRetryError|ConnectionError)$")
_PROXY_STACK = re.compile(r'File "[^"\n]*/httpcore/_(?:async|sync)/http_proxy\.py", line \d+|'
                          r"\bin _create_proxy_connection\b|ClientProxyConnectionError|Unable to connect to proxy")
_PROXY_SET = re.compile(r"\b(?:HTTPS?_PROXY|ALL_PROXY|https?_proxy|all_proxy|proxy(?:_url)?)\s*[=:]\s*['\"]?"
                        r"(?:https?|socks5h?)://(?:[^@\s/'\"]*@)?(?P<host>[\w.\-]+|\[[0-9a-f:]+\]):(?P<port>\d{1,5})")
_CONNECT_TCP = re.compile(r"connect_tcp\.(?:started|failed)\b[^\n]{0,40}?host='(?P<host>[^']+)' port=(?P<port>\d+)")
# the TCP connect itself failed (not a tunnel the proxy answered with a status: N3, protocol/status readings)
_CONNECT_WORDS = re.compile(r"\[Errno -?\d+\]|refused|timed out|Name or service not known|nodename nor servname|"
                            r"name resolution|Connect call failed|unreachable|Unable to connect to proxy", re.I)
_TUNNEL_STATUS = re.compile(r"Tunnel connection failed|ClientHttpProxyError|ProxyError: \d{3}\b|status=\d{3}")
_REFUSED = re.compile(r"Connection refused|Errno 111|ECONNREFUSED|Connect call failed", re.I)


def proxy_connect_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or config when the failed TCP connect was to an outbound proxy (see the module docstring)."""
    if d.category not in ("storage", "network", "provider", "unknown"):
        return d
    if not any(_CONNECT_FAIL.search(t) for t in inp.exception_types()):
        return d
    before = [c[:LINE] for c in inp.context[-CONTEXT:]]
    said = "\n".join([*inp.messages(), inp.traceback[-16384:]])
    proxies = {(m.group("host").lower(), m.group("port")) for c in before for m in _PROXY_SET.finditer(c)}
    traced = {(m.group("host").lower(), m.group("port")) for c in before for m in _CONNECT_TCP.finditer(c)}
    if not _CONNECT_WORDS.search(said) or _TUNNEL_STATUS.search(said):
        return d
    stack = _PROXY_STACK.search(said) is not None
    if not stack and not (proxies & traced):
        return d
    printed = next((c.strip() for c in reversed(before) if _PROXY_SET.search(c)), None)
    how = "refused the connection" if _REFUSED.search(said) else "could not be reached"
    return d.reanswered(
        category="config", severity="high", confidence=0.5 if printed else 0.45,
        rule=f"{d.rule}+proxy-connect",
        summary=f"The outbound proxy this client is configured to use {how} - the request never reached the remote "
                   f"({inp.exception_type})",
        root_cause=("The client connects to the remote through an HTTP proxy (named by a setting or taken from the "
                       "environment's HTTP(S)_PROXY/ALL_PROXY variables, which httpx, requests and aiohttp honour by "
                       f"default), and the TCP connect to that proxy failed: the proxy {how}. The remote itself is not "
                       "shown failing; the proxy setting, or the environment it was inherited from, is wrong."
                       + (f" Printed before: \"{printed[:200]}\"." if printed else "")),
        suggested_fix=["Remove the proxy variable from the service's environment (or add the remote to NO_PROXY), "
                          "or create the client with trust_env=False if no proxy is intended.",
                          "If the proxy is intended, start it / fix its host and port in the setting."],
        evidence=[*([printed] if printed else [])])
