"""A JSON Web Key's private members (RFC 7517/7518/8037; taxonomy class b, structures).

RFC 7518 section 6.2.2/6.3.2 (EC and RSA private keys: `d`, `p`, `q`, `dp`, `dq`, `qi`), section 6.4.1 (a symmetric
`oct` key: `k` IS the key) and RFC 8037 section 2 (OKP `d`). Their names are one or two letters, which mean nothing
outside a JWK, so they are read only inside an object that holds `kty` (identified.in_jwk); their value is base64url of
key bytes, a secret whatever its entropy reads as. The public members stay (keep.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .identified import in_jwk

_PRIVATE = re.compile(r"""(?P<pre>(?P<q>\\{0,3}["'])(?:d|p|q|dp|dq|qi|k)(?P=q)[ \t]*:[ \t]*(?P=q))"""
                      r"(?P<val>[A-Za-z0-9_-]{8,})(?=(?P=q))")
HINTS = ("kty",)


def private_sub(mark: str) -> Callable[[str], str]:
    def repl(m: re.Match[str]) -> str:
        return m.group("pre") + mark if in_jwk(m.string, m.start("val")) else m.group(0)
    return lambda text: _PRIVATE.sub(repl, text)
