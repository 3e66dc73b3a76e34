"""Credentials inside a protocol's own framing, as a tracer or a bytes repr shows it (CLASSES11.md A17).

- PostgreSQL `PasswordMessage` (docs "Message Formats": `p`, Int32 length, the password as a C string): in a bytes
  repr `b'p\\x00\\x00\\x00\\x14<password>\\x00'` (the length's last byte may print as a character).
- Redis RESP (redis.io "protocol spec"): `AUTH [user] <password>` and `HELLO <v> AUTH <user> <password>` as arrays of
  bulk strings, `$<len>\\r\\n<arg>\\r\\n`, printed by strace/tcpdump/a bytes repr with `\\r\\n` raw or escaped.
- SMTP AUTH (RFC 4954): `AUTH PLAIN <base64 of authzid NUL authcid NUL password>` is the credential itself; after
  `AUTH LOGIN` the server's `334 UGFzc3dvcmQ6` (base64 "Password:") is answered by the base64 password.
Each is read only in its framing (a bulk-string length, the message type and its NULs, the AUTH verb), never by shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_ESC = r"\\{1,3}"
_CRLF = r"(?:\r\n|\\{1,3}r\\{1,3}n)"
PG_PASSWORD = re.compile(r"(?<![A-Za-z0-9])p(?:" + _ESC + r"x00){2,3}(?:" + _ESC + r"x[0-9a-fA-F]{2}|" + _ESC
                         + r"[tnr]|[ -&(-\[\]-~])(?!SCRAM-|GSS)(?P<val>(?:(?!" + _ESC + r"x00)[^'\"\\\s]){1,256})" + _ESC + r"x00")
RESP_AUTH = re.compile(r"(?i:AUTH)" + _CRLF + r"(?:\$\d{1,3}" + _CRLF + r"[^\r\n\\]{1,64}" + _CRLF + r")??\$\d{1,3}"
                       + _CRLF + r"(?P<val>[^\r\n\\]{1,256})" + _CRLF + r"(?!\$)")
SMTP_AUTH = re.compile(r"\bAUTH PLAIN (?P<val>[A-Za-z0-9+/]{8,}={0,2})"
                       r"|334 UGFzc3dvcmQ6[^\n]{0,40}(?:\n|\\n)[^\n]{0,40}?(?<![A-Za-z0-9+/])(?P<val2>[A-Za-z0-9+/]{4,}={0,2})"
                       r"(?=\\{0,3}r|\\{0,3}n|'|\s|$)")
HINTS = ("p\\x00", "p\\\\x00", "auth\r\n", "auth\\r\\n", "auth\\\\r\\\\n", "auth plain", "ugfzc3dvcmq6")


def wire_sub(mark: str) -> Callable[[str], str]:
    def val(m: re.Match[str]) -> str:
        group = "val" if m.group("val") is not None else "val2"
        return m.group(0)[:m.start(group) - m.start()] + mark + m.group(0)[m.end(group) - m.start():]

    def sub(text: str) -> str:
        if "x00" in text:
            text = PG_PASSWORD.sub(lambda m: val(m), text)
        if "UTH" in text or "uth" in text:
            text = RESP_AUTH.sub(lambda m: val(m), text)
        if "AUTH PLAIN" in text or "UGFzc3dvcmQ6" in text:
            text = SMTP_AUTH.sub(val, text)
        return text
    return sub
