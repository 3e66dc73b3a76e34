"""Which URLs the sidecar may send to (hooks, alert receivers): http(s) only, never a link-local or
unspecified address (the cloud metadata service at 169.254.169.254 hands out credentials), and,
when `server.outbound_hosts` lists hosts, only those (`.example.com` also allows its subdomains).

Checked when the config is loaded, so a bad URL fails at start rather than at the first alert.
"""

from __future__ import annotations

import ipaddress
import urllib.parse
from collections.abc import Sequence

__all__ = ["url_problem"]


def _host_allowed(host: str, allowed: Sequence[str]) -> bool:
    host = host.lower().rstrip(".")
    for entry in allowed:
        entry = entry.lower().rstrip(".")
        if entry.startswith(".") and (host.endswith(entry) or host == entry[1:]):
            return True
        if host == entry:
            return True
    return False


def url_problem(url: str, allowed_hosts: Sequence[str] = ()) -> str | None:
    """Why `url` may not be a hook or receiver target, or None when it may."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return "must be an http(s) URL"
    if not host:
        return "must name a host (http(s)://host/...)"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is not None and (ip.is_link_local or ip.is_unspecified or ip.is_multicast):
        return f"must not point at {host} (link-local/unspecified: the metadata service lives there)"
    if allowed_hosts and not _host_allowed(host, allowed_hosts):
        return f"host {host!r} is not in server.outbound_hosts"
    return None
