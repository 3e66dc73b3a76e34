"""HTTP Basic whose USERNAME slot holds the secret (CLASSES19.md B37, grammars 1 and 2).

RFC 7617 sends `user-id:password`; many APIs put their API key in the user-id and leave the password empty or a
dummy: Dropbox Sign ("your API key as the username, leave the password blank"), Chargebee and Recurly (`curl -u
<key>:`), Close, PrestaShop's webservice key, Stripe (`curl -u sk_...:`), Freshdesk (`<key>:X`), KeyCDN, Cronitor.
The password rules (carriers.py) see nothing to take there, and a hex key (Dropbox Sign: 64 hex) reads like a digest
to the entropy fallback, which keeps bare hex on purpose. So: where a Basic pair's password is EMPTY, `None`/`null`,
or a documented dummy (`X`, `x`, `any`), the user-id is the credential - when it reads as a key (16+ characters,
one token, a part that is not a word: `key_shaped`). A person's or a service's login (`admin`, `deploy-bot`,
`svc-payments-prod-01`, an e-mail) stays (CLASSES19.md D50 / CLASSES13 D23), and so does any user beside a real
password (grammar 4, `site_id:api_key`: the id is public, the password rules take the key).

Carriers (the four the class lists): named fields of an SDK or auth object repr (`Configuration(username='<k>',
password=None)` as OpenAPI Generator's Python client prints it, aiohttp `BasicAuth(login='<k>', password='')`, a
JSON `"username": "<k>", "password": ""`), a positional pair (`auth=('<k>', '')`, `HTTPBasicAuth('<k>', 'X')`),
curl's `-u/--user <k>:` and HTTPie's `-a/--auth <k>:` (curl(1): "If you just give the user name (without entering a
colon) curl prompts"; with the colon and nothing after it the password is empty), and URL userinfo
`https://<k>:@host` / `https://<k>:X@host` (RFC 3986 3.2.1). Runs before the password rules so the dummy is still
visible; the base64 of the pair (`Authorization: Basic`) is carriers.py's.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .spans import mark_spans
from .textstats import shannon, wordlike

# An empty or dummy password: `None`/`null`/`nil`, `''`/`""` (JSON-escaped quotes too), `'X'`/`'x'`/`'any'`.
_DUMMY = r"(?:[xX]|any)?"
_EMPTY_VALUE = r"(?:None|null|nil|(?P<pq>\\{0,3}[\"'])" + _DUMMY + r"(?P=pq))"
_EMPTY_PASSWORD = re.compile(
    r"(?<![\w-])(?i:pass(?:word|wd)?)\\{0,3}[\"']?[ \t]*[=:][ \t]*" + _EMPTY_VALUE + r"(?=[\s,;)}\]\"]|\\|$)")  # (`"`: a JSON string's end)
# any password field (its start is an _EMPTY_PASSWORD match's start) and any user field (its start is a _USER_FIELD
# match's): a user field pairs with its own password field only (_paired_password), not any empty one nearby
_PASSWORD_FIELD = re.compile(r"(?<![\w-])(?i:pass(?:word|wd)?)\\{0,3}[\"']?[ \t]*[=:]")
_ANY_USER_FIELD = re.compile(r"(?<![\w-])(?i:user(?:_?name)?|login)\\{0,3}[\"']?[ \t]*[=:]")
# the user field: `username=`, `user_name:`, `"user": `, `login=` (aiohttp BasicAuth), then one quoted token
_USER_FIELD = re.compile(
    r"(?<![\w-])(?i:user(?:_?name)?|login)\\{0,3}[\"']?[ \t]*[=:][ \t]*(?P<q>\\{0,3}[\"'])"
    r"(?P<user>[A-Za-z0-9._~+/=-]{16,256})(?P=q)")
# a positional pair after an auth name: `auth=('<k>', '')`, `HTTPBasicAuth('<k>', 'X')`, `BasicAuth("<k>", None)`
_PAIR = re.compile(
    r"(?i:(?<![\w])(?:\w*auth|credentials?))\\{0,3}[\"']?[ \t]*[:=(][ \t]*[(\[]?[ \t]*(?P<q>\\{0,3}[\"'])"
    r"(?P<user>[A-Za-z0-9._~+/=-]{16,256})(?P=q)[ \t]*,[ \t]*" + _EMPTY_VALUE + r"[ \t]*[)\]]")
# What every _PAIR match holds, searched first (its name alternation has no literal start: sre would try it at every
# position of a line with `auth` in it): the user's closing quote, `,`, the empty or dummy password, the closing bracket.
_PAIR_SEAM = re.compile(r"[\"'][ \t]*,[ \t]*" + _EMPTY_VALUE + r"[ \t]*[)\]]")
# curl(1) `-u/--user`, HTTPie `-a/--auth`: `<k>:` or `<k>:X`, quoted or not (led by the literal `-`: sre's prefix scan)
_SWITCH = re.compile(
    r"-(?<![\w-]-)(?:u|-user|a|-auth)(?:=|[ \t]+)(?P<q>\\{0,3}[\"']?)(?P<user>[A-Za-z0-9._~+/=-]{16,256})(?P<rest>:"
    + _DUMMY + r")(?P=q)(?=\s|\\|$)")
# URL userinfo with an empty or dummy password (RFC 3986 3.2.1)
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://(?P<user>[A-Za-z0-9._~%+-]{16,256})(?P<rest>:" + _DUMMY + r")@")
# the same record: a repr or a JSON object on one line (a raw or an escaped line end ends it)
_LINE_END = re.compile(r"\n|\\n")
_PARTS = re.compile(r"[-_.~+/=]+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_WINDOW = 400

HINTS = ("user", "login", "auth", "credential", "-u ", "-u=", "-a ", "-a=", ":@", ":x@", ":X@", ":any@")


def key_shaped(user: str) -> bool:
    """A user-id that reads as an API key: 16+ characters with a digit, and a UUID (CLASSES18 C32: the UUID is the
    key) or a part that is no word, number or short code, or a long part as varied as a random one (`589afe75...`,
    `Kq7sN2vR9xYb3mT8`, `G6AXKARQUDJYCWB5VMHLYYGRCDCDLMV9`); not `deploy-bot-2024-prod`, `gateway.service.account`."""
    if len(user) < 16 or not any(c.isdigit() for c in user) or "%" in user:
        return False
    if _UUID.fullmatch(user):
        return True
    return any(not wordlike(p) or len(p) >= 16 and shannon(p) >= 3.5 for p in _PARTS.split(user) if p)


def _same_record(text: str, a: int, b: int) -> bool:
    lo, hi = min(a, b), max(a, b)
    return hi - lo <= _WINDOW and _LINE_END.search(text, lo, hi) is None


def _paired_password(text: str, user: int, users: list[int], fields: list[int]) -> int:
    """The start of the password field the user field at `user` pairs with, or -1: the first one after it before the
    next user field, else the last one before it after the previous user field, in the same record.
    `username='svc', password=''; login='<k>' pass='<real>'` pairs the login with `pass`, not the empty one."""
    nxt = min((u for u in users if u > user), default=len(text))
    prev = max((u for u in users if u < user), default=-1)
    after = [f for f in fields if user < f < nxt and _same_record(text, user, f)]
    if after:
        return after[0]
    before = [f for f in fields if prev < f < user and _same_record(text, user, f)]
    return before[-1] if before else -1


def basic_user_sub(mark: str) -> Callable[[str], str]:
    """Mark the user-id of a Basic pair whose password is empty or a dummy, when it reads as a key (module doc)."""

    def sub(text: str) -> str:
        spans: list[tuple[int, int]] = []
        lower = text.lower()
        if ("user" in lower or "login" in lower) and "pass" in lower:
            empties = {m.start() for m in _EMPTY_PASSWORD.finditer(text)}
            if empties:
                fields = [m.start() for m in _PASSWORD_FIELD.finditer(text)]
                users = [m.start() for m in _ANY_USER_FIELD.finditer(text)]
                for m in _USER_FIELD.finditer(text):
                    if key_shaped(m.group("user")) and _paired_password(text, m.start(), users, fields) in empties:
                        spans.append(m.span("user"))
        # each carrier behind a literal it holds (the hints let a line through for any of them)
        for rx, present in ((_PAIR, ("auth" in lower or "credential" in lower) and "," in text
                             and _PAIR_SEAM.search(text) is not None),  # (every seam holds a `,`)
                            (_SWITCH, "-u" in text or "-a" in text), (_URL, "://" in text and (
                                ":@" in text or ":x@" in lower or ":any@" in lower))):  # (every _URL match holds `://`)
            if present:  # the pair's `:` and dummy go with the user (the password rules would read `[REDACTED:` as a user)
                spans += [(m.start("user"), m.end("rest") if rx is not _PAIR else m.end("user"))
                          for m in rx.finditer(text) if key_shaped(m.group("user"))]
        return mark_spans(text, spans, mark) if spans else text  # (the same text: nothing to mark)

    return sub
