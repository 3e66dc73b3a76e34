"""Config lines whose argument is a secret by the directive's own grammar, whatever the value's shape.

strongSwan's ipsec.secrets(5): `<selectors> : PSK "<secret>"`, `: EAP <user> "<password>"`, `: XAUTH <user> "<pw>"`,
`: NTLM <user> "<pw>"` (the `: RSA <file>` and `: ECDSA <file>` entries name a key file and stay). A `cat` of the
file or a config dump prints them; the name rule reads `PSK "<v>"` as a statement and asks the value to look
generated, which a chosen passphrase does not.
redis.conf's `requirepass <password>` and `masterauth <master-password>` (also as `CONFIG SET requirepass <pw>`):
the directive's one argument is the password, a word (`foobared`, redis.conf's own example) as often as not.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .names import PROSE

IPSEC_SECRET = re.compile(
    r"""(?P<pre>(?:^|[ \t"]|(?<=\\n)):[ \t]*(?:PSK|EAP|XAUTH|NTLM)(?:[ \t]+[^\s"':]+)?[ \t]+(?P<q>\\{0,3}["']))"""
    r"""(?!\[REDACTED:)(?P<val>[^"'\n\\]{1,512})(?P=q)""", re.MULTILINE)
HINTS = ("psk", "eap", "xauth", "ntlm")
REDIS_DIRECTIVE = re.compile(
    r"""(?P<pre>(?<![\w-])(?i:requirepass|masterauth)[ \t]+(?P<q>(?:\\{0,3}["'])?))"""
    r"""(?!\[REDACTED:|\$\{|<|(?P=q)(?:[\s]|$))(?P<val>[^\s"'\\]{1,512})(?P=q)""")
REDIS_HINTS = ("requirepass", "masterauth")


def ipsec_sub(mark: str) -> Callable[[str], str]:
    return lambda text: IPSEC_SECRET.sub(lambda m: m.group("pre") + mark + m.group("q"), text)


def redis_sub(mark: str) -> Callable[[str], str]:
    def repl(m: re.Match[str]) -> str:
        if not m.group("q") and m.group("val").lower() in PROSE or not any(c.isalnum() for c in m.group("val")):
            return m.group(0)  # `requirepass is not set`, `CONFIG GET requirepass =>`: prose or a prompt, no value
        return m.group("pre") + mark + m.group("q")
    return lambda text: REDIS_DIRECTIVE.sub(repl, text)
