"""A 2xx answer that is not the API's JSON, from a host that is not the provider's API host (CLASSES10 A4's twin).

httpx's Response.json (JSONDecodeError) and aiohttp's ClientResponse.json (ContentTypeError: the content-type check in
client_reqrep.py) fail the same way whether the provider's API answered a maintenance page (provider: taxonomy's
decode.json) or the request never went to the API at all: a base URL setting naming the provider's web or docs site
(platform.moonshot.ai, docs.z.ai, the Supabase dashboard), which answers 200 with a web page every time (config, the
setting must change). The request line the client logged for this call (httpx's "HTTP Request: METHOD URL ...") or the
base-URL setting printed at startup names the host. Documented API hosts: Moonshot api.moonshot.ai / api.moonshot.cn
(platform.moonshot.ai docs), Z.ai api.z.ai and open.bigmodel.cn (docs.z.ai), Supabase <ref>.supabase.co/.in. A host of
the provider's own domain that is not its API host, or a host a *_BASE_URL / *_URL setting printed, -> config 0.45.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import LINE

_API_HOSTS = re.compile(r"^(?:api\.moonshot\.(?:ai|cn)|api\.z\.ai|open\.bigmodel\.cn|[\w-]{1,63}\.supabase\.(?:co|in))$",
                        re.I)
_PROVIDER_DOMAINS = re.compile(r"(?:^|\.)(?:moonshot\.(?:ai|cn)|z\.ai|bigmodel\.cn|supabase\.(?:com|co|in)|zhipuai\.cn)$",
                               re.I)
_REQUEST = re.compile(r"HTTP Request: [A-Z]+ https?://(?P<host>[\w.-]{1,200})[^\s]* \"HTTP/[\d.]+ 2\d\d\b")
_BASE_URL = re.compile(r"\b[A-Z][A-Z0-9_]{0,40}(?:BASE_URL|_URL|_ENDPOINT)\s*[=:]\s*['\"]?https?://(?P<host>[\w.-]{1,200})")
# our egress path answering in the API's place: a filter/firewall/proxy component's own record (logger or words)
_EGRESS = re.compile(r"\begress\b|\bfirewall\b|\bweb[ _-]?filter\b|\bforward[ _-]?proxy\b|\bsecure web gateway\b|"
                     r"\bproxy polic(?:y|ies)\b|\ballow[ _-]?list\b", re.I)
_DECODE = ("decode.json",)  # taxonomy: JSONDecodeError and aiohttp ContentTypeError alike


def api_host_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or config when the non-JSON 2xx came from a host that is not the provider's API host (module docstring)."""
    if d.category not in ("provider", "storage") or not any(f in (d.rule or "") for f in _DECODE):
        return d
    before = [c[:LINE] for c in inp.context[-40:]]
    request = next((m for c in reversed(before[-4:]) if (m := _REQUEST.search(c)) is not None), None)
    if request is None:
        return d
    host = request.group("host").lower()
    if _API_HOSTS.match(host):
        return _egress_page(d, host, request.group(0), before)
    printed = next((c.strip() for c in reversed(before) if (m := _BASE_URL.search(c)) is not None
                    and m.group("host").lower() == host), None)
    if printed is None and not _PROVIDER_DOMAINS.search(host):
        return d
    return d.reanswered(
        category="config", severity="high", confidence=0.45, rule=f"{d.rule}+not-api-host",
        summary=f"The request went to {host}, which is not the provider's API host: a web page came back with 200 "
                   f"({inp.exception_type})",
        root_cause=(f"The client's request line shows the call went to {host} and got a 2xx web page, not the API's "
                       "JSON: the base URL points at the provider's website/docs (or another host) instead of its API "
                       "host, so every call answers with markup until the setting changes."
                       + (f" The setting: \"{printed[:200]}\"." if printed else "")),
        suggested_fix=["Set the base URL to the provider's documented API host (e.g. https://api.moonshot.ai/v1, "
                          "https://api.z.ai/api/paas/v4) and restart."],
        evidence=[request.group(0), *([printed] if printed else [])])


def _egress_page(d: Diagnosis, host: str, request: str, before: list[str]) -> Diagnosis:
    """`d`, or config when a record of our egress filter/firewall/proxy precedes the API host's 2xx page."""
    egress = next((c.strip() for c in reversed(before) if _EGRESS.search(c)), None)
    if egress is None:
        return d
    return d.reanswered(
        category="config", severity="high", confidence=0.45, rule=f"{d.rule}+egress-page",
        summary=f"A 2xx page from our egress filter/proxy, not {host}'s JSON: the egress policy blocks {host}",
        root_cause=("The call to the API host answered 2xx with a body that is not the API's JSON, and a record "
                       "before names our egress filter / firewall / proxy: its block or login page answered in the "
                       f"API's place, so its policy (allow-list, category) must let {host} through. "
                       f"Record: \"{egress[:200]}\""),
        suggested_fix=[f"Allow {host} in the egress filter's policy (allow-list / category) and retry."],
        evidence=[request, egress])
