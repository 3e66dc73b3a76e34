"""Netscape cookie files (taxonomy class b: the carrier's grammar says which field is a credential).

curl's cookie jar (`-c`, curl docs "HTTP Cookies", the Netscape cookie file format), Python's
http.cookiejar.MozillaCookieJar.save and wget `--save-cookies` write one cookie per line as seven TAB-separated fields:
domain (prefixed `#HttpOnly_` for an HttpOnly cookie), include-subdomains TRUE/FALSE, path, secure TRUE/FALSE, expiry
(Unix seconds), name, value. A service that logs the jar after a probe prints every session it holds. Every value goes,
as the Cookie-header rule does (a cookie is a bearer credential: OWASP Session Management) except a preference's word
(`gw_theme dark`, `lang en-US`, `consent 1`: set 12's must-keep writer kept one; no session id is a short dictionary word
or a small number); the domain, flags, path, expiry and name stay. Read raw or JSON-escaped (`\\t` for the TAB).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_TAB = r"(?:\t|\\t)"
COOKIE_LINE = re.compile(
    r"(?P<pre>(?:^|(?<=\n)|(?<=\\n)|(?<=\"))(?:#HttpOnly_)?\.?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*" + _TAB
    + r"(?:TRUE|FALSE)" + _TAB + r"/[^\t\n\\]*" + _TAB + r"(?:TRUE|FALSE)" + _TAB + r"\d{1,12}" + _TAB
    + r"[^\t\n\\]{1,256}" + _TAB + r")(?!\[REDACTED:)(?P<val>[^\t\n\\\"]{1,4096})", re.MULTILINE)
HINTS = ("\ttrue\t", "\tfalse\t", "\\ttrue\\t", "\\tfalse\\t")


_PREFERENCE = re.compile(r"[a-z]{1,12}|\d{1,5}|[a-z]{2}[-_][A-Za-z]{2}")


def cookie_jar_sub(mark: str) -> Callable[[str], str]:
    def repl(m: re.Match[str]) -> str:
        return m.group(0) if _PREFERENCE.fullmatch(m.group("val")) else m.group("pre") + mark
    return lambda text: COOKIE_LINE.sub(repl, text)
