"""HTTP authentication and cookies (class (b) of the taxonomy, carriers.py's docstring): `Authorization` /
`Proxy-Authorization: <scheme> <credentials>` of any scheme (RFC 9110 section 11), a bare `Bearer <token>` / `Basic
<b64>` anywhere, HTTP Digest's `response=` (RFC 7616 3.4), and every cookie value of `Cookie:` / `Set-Cookie:` (RFC
6265), requests' `<Cookie name=value for host>` and the stdlib's `SimpleCookie` / `Morsel` reprs.

Split from carriers.py in round 20 (a file past ~400 lines), no behaviour change.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .carriers import NOT_REDACTED, PLACEHOLDER, Repl
from .keep import is_masked
from .secret_names import introduced_name

_PARAM = r"[A-Za-z][\w-]*=(?:\\{0,3}\"[^\"\n]*?\\{0,3}\"|[^\s,\"'<>\\]+)"
_PARAM_OR_TOKEN = r"(?:" + _PARAM + r"|[^\s,;\"'<>)}\]\\]+)"  # a backslash ends it: `\r\n` in a bytes repr
# Authorization header of any scheme: everything after the header name up to the end of its value.
AUTH_HEADER = re.compile(
    r"(?P<pre>(?:\b|(?<=\\[nrt]))(?:proxy-)?authorization(?P<q1>\\{0,3}[\"'])?[ \t]*(?:=>|[:=]|(?(q1),|(?!)))[ \t]*\[?(?P<q>\\{0,3}[\"'])?"
    r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9_-]*(?:-HMAC-SHA\d+)?)[ \t]+)?)" + NOT_REDACTED
    + r"(?P<cred>(?(q)(?:(?!(?P=q))(?:\\.|[^\n\r\\]))+|" + _PARAM_OR_TOKEN + r"(?:,[ \t]*" + _PARAM + r")*))",
    re.IGNORECASE)
BEARER = re.compile(r"(?P<pre>(?<![=:])\b(?:bearer|basic)\s+)" + NOT_REDACTED + r"(?P<val>[A-Za-z0-9._~+/:-]{8,}={0,2})",
                    re.IGNORECASE)
COOKIE_HEADER = re.compile(r"(?P<pre>\b(?:set-)?cookie[\"']?[ \t]*[:=][ \t]*[\"']?)(?P<body>[^\n\r\"'<>]+)",
                           re.IGNORECASE)
COOKIE_REPR = re.compile(r"(?P<pre><Cookie [^=\s]+=)(?P<val>[^\s>]+)(?= for )")
_COOKIE_PAIR = re.compile(r"(?P<name>[^=;,\s]+)=(?P<val>[^;,\s]*)")
_COOKIE_ATTRS = frozenset({"path", "domain", "expires", "max-age", "samesite", "secure", "httponly", "priority",
                           "partitioned", "version", "comment"})


# HTTP Digest (RFC 7616 section 3.4): `response=` is the credential (it replays with its nonce), however deeply
# the header value is quoted or escaped.
DIGEST_RESPONSE = re.compile(r"(?P<pre>response(?<!\wresponse)\\{0,7}\"?[ \t]*=[ \t]*\\{0,7}\"?)" + NOT_REDACTED + r"(?P<val>[0-9a-fA-F]{32,128})\b")


def digest_response(mark: str) -> Repl:
    def repl(m: re.Match[str]) -> str:
        window = m.string[max(0, m.start() - 400):m.start()].lower()
        return m.group("pre") + mark if "digest" in window else m.group(0)
    return repl


def auth_header(mark: Callable[[str], str], prose: frozenset[str]) -> Repl:
    """`Authorization: <scheme> <credentials>`: the credentials go, named by the scheme."""
    def repl(m: re.Match[str]) -> str:
        cred = m.group("cred")
        scheme = m.group("scheme")
        if cred.lower().rstrip(".,:") in prose or scheme is None and len(cred) < 4 or PLACEHOLDER.match(cred):
            return m.group(0)  # "authorization: failed", "Authorization: token expired", "Bearer ${TOKEN}"
        if introduced_name(cred) >= 0:
            return m.group(0)  # `Proxy-Authorization: api_key='...'`: the name rule takes the inner assignment
        if is_masked(cred):
            return m.group(0)  # httpx prints `'authorization': '[secure]'` (keep.py)
        kind = {"bearer": "bearer", "basic": "basic_auth"}.get((scheme or "").lower(), "authorization")
        return m.group("pre") + mark(kind)
    return repl


# `Basic Constraints:` (X.509 v3 extension as `openssl x509 -text` prints it), `Bearer token:`: the scheme word begins a
# heading, and a word ending in `:` is no credential (RFC 7617 Basic credentials are base64; a bearer token has no `:`).
_HEADING_WORD = re.compile(r"[A-Za-z][a-z]+:")


def bearer(mark_bearer: str, mark_basic: str, prose: frozenset[str]) -> Repl:
    def repl(m: re.Match[str]) -> str:
        val = m.group("val")
        if val.lower() in prose or PLACEHOLDER.match(val) or is_masked(val) or introduced_name(val) >= 0 or \
                _HEADING_WORD.fullmatch(val):
            return m.group(0)  # ... `basic password=<v>`: a label before an assignment, for the name rule
        scheme = m.group("pre").split()[0].lower()
        return m.group("pre") + (mark_basic if scheme == "basic" else mark_bearer)
    return repl


def cookie(mark: str) -> Repl:
    def pair(p: re.Match[str]) -> str:
        if p.group("name").lower() in _COOKIE_ATTRS or not p.group("val") or p.group("val").startswith("[REDACTED:"):
            return p.group(0)
        return p.group("name") + "=" + mark
    def repl(m: re.Match[str]) -> str:
        body = m.group("body")
        if "=" not in body:
            return m.group(0)
        return m.group("pre") + _COOKIE_PAIR.sub(pair, body)
    return repl


# CLASSES12.md A31: stdlib http.cookies reprs: `BaseCookie.__repr__` is `<SimpleCookie: name='value' name2='value2'>`
# (each value as repr()), `Morsel.__repr__` is `<Morsel: name=value; Path=/>` (OutputString). Every cookie value in
# them goes (a cookie is a bearer credential: OWASP Session Management); the attributes (Path, Domain, ...) stay.
_COOKIE_OBJ = re.compile(r"<(?:SimpleCookie|BaseCookie|Morsel): [^>\n]{0,4000}>")
_COOKIE_OBJ_PAIR = re.compile(r"(?P<name>[^=;,\s'\"<>]+)=(?P<val>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[^;\s>]*)")
COOKIE_OBJ_HINTS = ("<simplecookie: ", "<basecookie: ", "<morsel: ")


def cookie_obj_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        out, pos = [], 0
        for obj in _COOKIE_OBJ.finditer(text):
            for p in _COOKIE_OBJ_PAIR.finditer(text, obj.start() + 1, obj.end() - 1):
                if p.group("name").lower() in _COOKIE_ATTRS or not p.group("val").strip("'\"") or \
                        p.group("val").startswith("[REDACTED:"):
                    continue
                v = p.group("val")
                q = v[0] if v[:1] in ("'", '"') else ""
                out += [text[pos:p.start("val")], q + mark + q]
                pos = p.end("val")
        return "".join(out) + text[pos:] if out else text
    return sub
