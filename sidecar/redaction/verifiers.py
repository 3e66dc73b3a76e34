"""Password-EQUIVALENT verifiers in user databases (taxonomy class b; CLASSES12 C14, CLASSES15 A95).

HTTP Digest (RFC 7616 section 3.4.2) never needs the password, only HA1 = MD5(user:realm:password): a server's
stored HA1 logs in as the user. The files that store it, one user a line, with no secret word anywhere:
- Apache htdigest(1) files: `<user>:<realm>:<32 hex>` (the realm may hold blanks: `gw:Restricted Area:<hex>`);
- WildFly / JBoss EAP properties realms (`add-user.sh` writes `mgmt-users.properties` / `application-users.properties`):
  `<user>=<32 hex>`, commented out as `#<user>=<hex>` for a disabled user (still the same HA1).
Read line by line (raw, JSON-escaped, a Docker record, a diff's `+`/`-`/` ` column). A line of the properties shape
whose NAME announces a digest or an id (`md5=`, `etag=`, `trace_id=`, `build_hash=`: identified.is_identifier_name) is
that digest and stays; a verifier that cannot replay (bcrypt `$2y$`, crypt, PBKDF2) is keep.py's and not read here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .identified import is_identifier_name
from .spans import mark_spans

_LINE_START = r"(?:^|(?<=\n)|(?<=\\n)|(?<=\{\"log\":\"))[+ #-]?[ \t]*"
_LINE_END = r"(?=[ \t]*(?:$|\r?\n|\\[rn]|\"))"
_HEX32 = r"(?!\[REDACTED:)(?P<v>[0-9a-fA-F]{32})"
_HTDIGEST = re.compile(_LINE_START + r"[A-Za-z0-9_.@-]{1,64}:(?P<realm>[^:\n\"\\]{1,80}):" + _HEX32 + _LINE_END)
# (a value that closes its line after `=` or `:`: most texts with a 32-hex run hold it elsewhere - a trace id mid-line)
_CLOSING_HEX = re.compile(r"[=:][ \t]*[0-9a-fA-F]{32}" + _LINE_END)
_PROPERTIES = re.compile(_LINE_START + r"(?P<user>[A-Za-z][A-Za-z0-9_.@-]{0,63})[ \t]*=[ \t]*" + _HEX32 + _LINE_END)


def verifier_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        if _CLOSING_HEX.search(text) is None:
            return text
        spans = [m.span("v") for m in _HTDIGEST.finditer(text) if not m.group("realm").strip().isdigit()]
        spans += [m.span("v") for m in _PROPERTIES.finditer(text) if not is_identifier_name(m.group("user"))]
        return mark_spans(text, spans, mark) if spans else text
    return sub
