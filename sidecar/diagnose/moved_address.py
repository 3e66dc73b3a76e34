"""A connect refused or timing out at an address the remote no longer has (CLASSES10 B2) - and its pinned twin.

A long-lived process connects to the address it resolved earlier (aiohttp's own DNS cache: `use_dns_cache`,
`ttl_dns_cache` in `SP/aiohttp/connector.py`; a pooled connection's peer in httpcore) after a failover or re-deploy
moved the remote; the connect error carries that address (`Connect call failed ('10.0.5.116', 6379)`, the
connection key). A fresh resolution of the same host to ANOTHER address in a record around the error - often logged
AFTER it (a DNS probe, a re-resolve on retry) - says the address is stale: transient infrastructure change, network.
The twin: the address is pinned by a setting - a hosts entry / compose `extra_hosts` / a resolver override naming the
host with exactly that address - which no cache expiry fixes: config.

Read: the records in the last LOOK_BACK lines before the error and the first AFTER lines after it (following.py's
note: the fresh lookup is often logged later); the host is the one the error names (aiohttp's "Cannot connect to host
NAME:PORT", a URL), the address the one its connect failure printed.
"""

from __future__ import annotations

import re

from .classes import family_of
from .model import Diagnosis, DiagnosisInput, one_line

LOOK_BACK = 40
AFTER = 12
CONFIDENCE = 0.45
_FAILED_AT = re.compile(r"Connect call failed \('(?P<ip>[\d.]{7,15}|[0-9a-f:]{3,39})', \d{1,5}\)|"
                        r"connection to server at \"[^\"]{1,200}\" \((?P<ip2>[\d.]{7,15})\)", re.I)
_HOST = re.compile(r"Cannot connect to host (?P<h>[\w.-]{1,200}):\d{1,5}|\b(?:https?|wss?|redis|postgres(?:ql)?)://"
                   r"(?:[^@/\s]{1,200}@)?(?P<h2>[\w.-]{1,200})")
_IP = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])")
_PIN = re.compile(r"extra_hosts|/etc/hosts|hosts entry|--add-host|resolver override|pinned|host_map|HOSTALIASES",
                  re.I)
_RESOLVED = re.compile(r"getaddrinfo|resolv\w*|\bDNS\b|lookup|->|now at|moved to|new address", re.I)
_CONNECT_FAMILIES = ("connect.refused", "timeout.connect", "connect")


def moved_address_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or config when the failed address is pinned by a setting, network when the host resolves elsewhere now."""
    if not any(family_of(t) in _CONNECT_FAMILIES for t in inp.exception_types()):
        return d
    text = "\n".join([*inp.messages(), inp.traceback[-8192:]])
    failed = _FAILED_AT.search(text)
    host_m = _HOST.search(text)
    if failed is None or host_m is None:
        return d
    ip = failed.group("ip") or failed.group("ip2")
    host = (host_m.group("h") or host_m.group("h2") or "").lower()
    if not host or _IP.fullmatch(host):
        return d
    around = [c[:2048] for c in (*inp.context[-LOOK_BACK:], *inp.after[:AFTER])]
    named = [ln for ln in around if re.search(rf"(?<![\w.-]){re.escape(host)}(?![\w-])", ln, re.I)]
    pin = next((ln for ln in named if _PIN.search(ln) and ip in _IP.findall(ln)), None)
    if pin is not None:
        return d.reanswered(
            category="config", severity="high", confidence=CONFIDENCE, rule=f"{d.rule}+pinned-address",
            summary=f"{host} is pinned to {ip} by a setting, and nothing listens there any more",
            root_cause=(f"The connect to {host} failed at {ip}, the address a hosts/extra_hosts-style setting pins "
                        f"(\"{one_line(pin, 200)}\"): the pin outlives any move of the remote, so every connect "
                        "fails until the setting changes."),
            suggested_fix=[f"Remove the pin for {host} (or update it to the remote's current address) and "
                           "recreate the container.", "Prefer DNS names over pinned addresses for remotes that move."],
            evidence=[pin.strip()[:300]])
    fresh = next((ln for ln in named if _RESOLVED.search(ln) and (ips := _IP.findall(ln)) and ip not in ips), None)
    if fresh is None or d.category == "network":
        return d
    return d.reanswered(
        category="network", severity="medium", confidence=CONFIDENCE, rule=f"{d.rule}+moved-address",
        summary=f"{host} moved: connects went to its old address {ip}, a fresh lookup gives another",
        root_cause=(f"The connect failed at {ip}, while a resolution of {host} around the failure gives another "
                    f"address (\"{one_line(fresh, 200)}\"): the remote moved (a failover or re-deploy) and this "
                    "process kept the old address in its DNS cache or pooled connection. Transient: it recovers "
                    "when the cached address expires."),
        suggested_fix=["Shorten the client's DNS cache (aiohttp ttl_dns_cache) or reconnect on connect failures so "
                       "a moved remote is re-resolved.", "If it persists, restart the process to drop the cache."],
        evidence=[fresh.strip()[:300]])
