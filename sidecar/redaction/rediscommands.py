"""A Redis AUTH as client libraries and the server print the COMMAND, not a shell line (taxonomy class b, CLASSES13 B18).

The grammar is the command's own (redis.io commands: `AUTH [username] password`, `HELLO protover [AUTH username
password] [SETNAME clientname]`, `MIGRATE ... [AUTH password | AUTH2 username password]`): the password is the LAST
argument of AUTH (one or two of them), both arguments after HELLO's/AUTH2's keyword. carriers.REDIS_AUTH reads the
plain `AUTH a b` line and wire.py the RESP framing (`$4\\r\\nAUTH\\r\\n...`); here the same arguments as they are
logged element by element:
- a Python sequence of the arguments (redis-py `Connection.send_command(*args)`/`pack_command`, its exceptions and
  debug logs: `args=(b'AUTH', b'<user>', b'<pw>')`, `['HELLO', '3', 'AUTH', '<user>', '<pw>']`), a JS array
  (node-redis `[ 'AUTH', '<pw>' ]`), MONITOR's echo (`"AUTH" "<user>" "<pw>"`), escaped once more in a JSON record;
- ioredis' `Command { name: 'auth', args: [ '<user>', '<pw>' ] }`.
A second argument that is an upper-case keyword (`SETNAME`, `KEYS`) ends the arguments: the first was the password.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .spans import mark_spans

_Q = r"\\{0,3}[\"']"


def _elem(group: str, marked: bool = False) -> str:
    """One quoted element; `marked`: also one an earlier rule replaced (`"[REDACTED:password]"`)."""
    unmarked = "" if marked else r"(?!\[REDACTED:)"
    return r"[bB]?" + _Q + unmarked + r"(?P<" + group + r">[^\"'\\\n]{1,256})" + _Q + r"(?![ \t]*:)"


_SEP = r"[ \t]*,?[ \t]*"
# (an element followed by `:` is a JSON/dict KEY, one preceded by `:` a key's value: `{"type": "auth", "user": ...}`)
_KEYWORD = r"(?<!:)(?<!: )[bB]?" + _Q + r"(?P<kw>(?i:AUTH2?))" + _Q + r"(?![ \t]*:)"
# the second argument may be marked already (logins.py reads `"auth" "<user>" "<pw>"` as a CLI's `auth <key>` and marks
# the password first): it is still the second argument, so the first is the user
_LISTED = re.compile(_KEYWORD + _SEP + _elem("a") + r"(?:" + _SEP + _elem("b", True) + r")?")
_IOREDIS = re.compile(r"name:[ \t]*" + _Q + r"(?P<kw>(?i:auth2?))" + _Q + r",[ \t]*args:[ \t]*\[[ \t]*" + _elem("a")
                      + r"(?:" + _SEP + _elem("b", True) + r")?")
# the same vector after this rule ran (its password marked): what `names_user` reads
_LISTED_MARKED = re.compile(_KEYWORD + _SEP + _elem("a", True) + _SEP + _elem("b", True))
_ENDS_ARGUMENTS = re.compile(r"[A-Z]{4,12}")
HINTS = ("auth'", 'auth"', "auth\\", "auth2")


def _password(m: re.Match[str], hello: bool) -> tuple[int, int]:
    b = m.group("b")
    if b is None or _ENDS_ARGUMENTS.fullmatch(b) and not hello:
        return m.span("a")
    return m.span("b")


def _hello(text: str, m: re.Match[str]) -> bool:
    """After HELLO (or AUTH2) AUTH's two arguments are always user and password."""
    return m.group("kw").endswith("2") or "HELLO" in text[max(0, m.start() - 40):m.start()].upper()


def names_user(text: str, start: int) -> bool:
    """Whether the word at `start` is the AUTH keyword of a vector whose next element is the USERNAME (two arguments
    follow: `"HELLO" "3" "AUTH" "default" "<pw>"`, `"AUTH" "gw-svc" "<pw>"`). The name rule (names.kv_sub) reads
    `"AUTH" "default"` as a secret's name and its value; the grammar says the value is who logs in, kept (redis.io
    ACL: the user `default`; AUTH/HELLO: `AUTH username password`)."""
    if text[start:start + 4].lower() != "auth" or text[start - 1:start] not in ("\"", "'") or \
            text[start + 4:start + 5] not in ("\"", "'", "\\", "2"):
        # the keyword must start at `start` (below): no search over 600 characters for every other name. Each test is
        # necessary for _LISTED_MARKED's match there: its `kw` (?i:AUTH2?) follows a quote (_Q ends with ["']), and is
        # followed by `2` or by _Q, which starts with `\` or a quote (`Authorization`, `auth_token` go at once)
        return False
    m = _LISTED_MARKED.search(text, max(0, start - 6), start + 600)
    return m is not None and m.start("kw") == start and not _words(m) and _password(m, _hello(text, m)) == m.span("b")


def _words(m: re.Match[str]) -> bool:
    """`["login", "auth", "logout"]`: a list of words; MONITOR echoes `"auth" "<pw>"` blank-separated."""
    return not m.group("kw").isupper() and "," in m.group(0)


def redis_command_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        spans = []
        for rx in (_LISTED, _IOREDIS):
            for m in rx.finditer(text):
                if rx is _LISTED and _words(m):
                    continue
                span = _password(m, _hello(text, m))
                if not text.startswith("[REDACTED:", span[0]):
                    spans.append(span)
        return mark_spans(text, spans, mark) if spans else text
    return sub
