"""An HTTP authentication scheme word before the credential, after a secret-like name (`Auth: Token <v>`).

RFC 9110 11.1: `credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`, `auth-scheme = token`. The IANA
registry and the common API schemes (AUTH_SCHEMES) are read as the scheme after any secret-like name, as before.
A vendor's OWN scheme word (`ShippoToken`, `SocureApiKey`, `Zoho-oauthtoken`: CLASSES20 B39) is any token, so it is
read as a scheme only where all three hold (review r18: read after any secret name, a letters-only PASSWORD that
holds a secret word - `password: Winter-Password connection refused` - was kept and the next word masked):
- the NAME is a header that carries credentials with a scheme: an HTTP field name (RFC 9110 5.1 token, hyphenated
  words, no `_`/`.`) with the word `auth`/`authorization` in it (`Authorization`, `Proxy-Authorization`, `X-Auth`,
  `X-Api-Auth`, `X-Auth-Token`); a password/secret/key name (`password`, `db_password`, `X-Api-Key`) holds the
  secret itself, never a scheme;
- the WORD ends in a credential kind (`...Token`, `...ApiKey`, `...Key`): the vendors' scheme words name what follows;
- the word AFTER it reads as generated (providers.generated: a key, a hex run, a UUID), not prose or a field.
"""

from __future__ import annotations

import re

from .providers import generated
from .secret_names import name_words

# HTTP authentication schemes (IANA registry + common API ones): after a secret-like name they are the
# scheme, and the credential is the word after them.
AUTH_SCHEMES = frozenset({"bearer", "basic", "token", "apikey", "api-key", "jwt", "key", "oauth", "digest",
                          "negotiate", "ntlm", "mac", "hoba", "ssws", "splunk", "geniekey", "dsn", "bot", "sso"})
_VENDOR_SCHEME = re.compile(r"[A-Za-z][A-Za-z-]{3,30}")
_KIND_ENDINGS = ("token", "key")
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
_AUTH_WORDS = frozenset({"auth", "authorization"})
# The word after the scheme (names._CREDENTIAL's second group): the run up to a blank, quote or bracket.
CREDENTIAL = re.compile(r"([ \t]+)(?!\[REDACTED:)([^\s\"',;<>(){}\[\]][^\s\"',;<>)}\]]{3,})")


def _scheme_header(name: str) -> bool:
    return _FIELD_NAME.fullmatch(name) is not None and not _AUTH_WORDS.isdisjoint(name_words(name))


def scheme_credential(name: str, val: str, text: str, end: int) -> re.Match[str] | None:
    """The credential after `val`, the value of `name` ending at `end` in `text`, when `val` is an auth scheme with a
    credential after it; else None. One CREDENTIAL match a value (the name rule's kv_sub and kv_repl share it: it was
    matched up to four times, twice in each)."""
    if val.lower() not in AUTH_SCHEMES and (_VENDOR_SCHEME.fullmatch(val) is None or not val.lower().replace(
            "-", "").endswith(_KIND_ENDINGS) or not _scheme_header(name)):
        return None
    cred = CREDENTIAL.match(text, end)
    if cred is None or val.lower() in AUTH_SCHEMES:
        return cred
    # a vendor's word: the run may end in a JSON string's escaped line break (`<key>\\n` in a Docker json-file record)
    return cred if generated(cred.group(2).split("\\", 1)[0]) else None
