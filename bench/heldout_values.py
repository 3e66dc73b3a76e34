"""Values for the held-out benchmark's slots, drawn by what the filling expression IS (bench/heldout_templates.py).

Written by a writer who never read the grouping code (its author must not read or run this). The kind of a
slot comes from its expression's last name (`self.host` -> host, `len(x)` -> count, `type(x).__name__` ->
class name, `exc` -> exception repr) and its format spec (`%d`, `%x`, `:.2f`, `!r`); the vocabularies are
this module's own. Values with spaces (exception reprs, object reprs, commands, SQL, tuples) are on purpose:
such a slot is still ONE slot of the true template, as in Loghub's ground truth.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from random import Random

from heldout_templates import Slot

WORDS = ("alpha bravo cache chunk client config daemon delta engine event feed gamma graph index job kernel "
         "ledger main mirror node order queue relay replica report router shard sink stream task tenant token "
         "upload user vault worker").split()
ENUMS = ("OPEN CLOSED CLOSING IDLE ACTIVE PENDING READY RUNNING FAILED STOPPED INTRANS INERROR UNKNOWN "
         "CONNECTED BAD OK TIMEOUT RETRY DRAINING").split()
EXC = ("ConnectionResetError(104, 'Connection reset by peer')", "[Errno 111] Connection refused",
       "TimeoutError()", "timed out", "[Errno 2] No such file or directory: '{path}'",
       "OSError(24, 'Too many open files')", "KeyError('{word}')", "ValueError('invalid literal for int() "
       "with base 10: {q}')", "BrokenPipeError(32, 'Broken pipe')", "ssl.SSLError(1, '[SSL: "
       "CERTIFICATE_VERIFY_FAILED] certificate verify failed')", "server closed the connection unexpectedly",
       "PermissionError(13, 'Permission denied')", "CancelledError()", "{cls}: {word} not available")
CLASSES = ("Connection AsyncConnection Transport Protocol Future Task Handle Pool Cursor Request Response "
           "Session Worker Resolver Installer Distribution Requirement Wheel Selector StreamReader").split()
PKGS = ("requests urllib3 typing-extensions six numpy attrs charset-normalizer idna packaging pyyaml "
        "setuptools wheel cryptography jinja2 click markupsafe certifi grpcio protobuf").split()
USERS = "alice bob carol dave erin frank grace heidi ivan judy mallory oscar peggy trent victor".split()
TLDS = ("internal", "example.com", "svc.cluster.local", "corp.net", "lan")
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
HTTP = (200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504)


def _word(r: Random) -> str:
    return r.choice(WORDS)


def _letters(r: Random) -> str:
    """Letters-only ids: hex-letter suffixes ('eedd'), lowercase slugs: no digit to give them away."""
    alphabet = "abcdef" if r.random() < 0.5 else string.ascii_lowercase
    return "".join(r.choice(alphabet) for _ in range(r.randint(4, 10)))


def _hex(r: Random, n: int = 0) -> str:
    return "".join(r.choice("0123456789abcdef") for _ in range(n or r.choice((6, 8, 12, 16, 40))))


def _uuid(r: Random) -> str:
    h = _hex(r, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _host(r: Random) -> str:
    return r.choice((f"{_word(r)}-{r.randint(1, 40)}.{r.choice(TLDS)}", f"{_word(r)}.{r.choice(TLDS)}",
                     _ip(r), "localhost", f"{_letters(r)}.{r.choice(TLDS)}"))


def _ip(r: Random) -> str:
    if r.random() < 0.15:
        return f"fd00::{r.randint(1, 0xffff):x}:{r.randint(1, 0xffff):x}"
    return f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"


def _path(r: Random) -> str:
    parts = [r.choice(("var", "srv", "opt", "home", "tmp", "usr/lib"))]
    parts += [r.choice((_word(r), _letters(r), f"{_word(r)}-{r.randint(1, 99)}")) for _ in range(r.randint(1, 4))]
    return "/" + "/".join(parts) + r.choice(("", ".py", ".log", ".whl", ".tar.gz", ".json", ".so"))


def _url(r: Random) -> str:
    return f"{r.choice(('https', 'http', 'wss', 'postgresql', 'redis'))}://{_host(r)}:{r.randint(1, 65535)}" \
           f"/{_word(r)}/{r.choice((_uuid(r), _word(r), str(r.randint(1, 9999))))}"


def _exc(r: Random) -> str:
    return r.choice(EXC).format(path=_path(r), word=_word(r), q=repr(_letters(r)), cls=r.choice(CLASSES) + "Error")


def _duration(r: Random) -> str:
    return r.choice((f"{r.expovariate(3):.3f}", f"{r.expovariate(0.2):.1f}", str(r.randint(1, 600)),
                     f"{r.expovariate(2):.6f}"))


def _objrepr(r: Random) -> str:
    cls = r.choice(CLASSES)
    return r.choice((f"<{cls} object at 0x7f{_hex(r, 10)}>", f"<{cls} fd={r.randint(3, 900)} state={r.choice(ENUMS)}>",
                     f"<{cls} [{r.choice(ENUMS)}] {_host(r)}:{r.randint(1024, 65535)}>", f"<{cls} pending>"))


def _name(r: Random) -> str:
    return r.choice((r.choice(PKGS), r.choice(USERS), _word(r), f"{_word(r)}_{_word(r)}", _letters(r),
                     f"{_word(r)}{r.randint(1, 9)}"))


def _other(r: Random) -> str:
    return r.choice((_word(r), str(r.randint(0, 100000)), _letters(r), _hex(r), f"{_word(r)} {_word(r)}",
                     r.choice(ENUMS), f"{_word(r)}={r.randint(0, 99)}"))


KINDS: dict[str, Callable[[Random], str]] = {
    "classname": lambda r: r.choice(CLASSES) + r.choice(("", "", "Error", "Impl", "V2")),
    "int": lambda r: str(int(r.paretovariate(0.8))) if r.random() < 0.7 else str(r.randint(0, 100000)),
    "exc": _exc,
    "port": lambda r: str(r.choice((5432, 6379, 8000, 8080, 443, r.randint(1024, 65535)))),
    "pid": lambda r: str(r.randint(2, 4194304)),
    "host": _host,
    "addr": lambda r: r.choice((f"('{_ip(r)}', {r.randint(1024, 65535)})", f"{_ip(r)}:{r.randint(1, 65535)}")),
    "url": _url,
    "path": _path,
    "status": lambda r: str(r.choice(HTTP)),
    "method": lambda r: r.choice(METHODS),
    "duration": _duration,
    "version": lambda r: ".".join(str(r.randint(0, 30)) for _ in range(r.randint(2, 3))) + r.choice(("", "", "rc1", ".post1")),
    "enum": lambda r: r.choice(ENUMS) if r.random() < 0.7 else r.choice(ENUMS).lower(),
    "uuid": _uuid,
    "id": lambda r: r.choice((_uuid(r), _hex(r), _letters(r), str(r.randint(1, 10**9)), f"{_word(r)}:{r.randint(1, 9999)}")),
    "name": _name,
    "command": lambda r: " ".join([r.choice(("python", "git", "pg_ctl", "gcc", "pip"))]
                                  + [r.choice((f"--{_word(r)}", _path(r), _word(r))) for _ in range(r.randint(1, 4))]),
    "sql": lambda r: f"SELECT {_word(r)}, {_word(r)} FROM {_word(r)} WHERE id = {r.randint(1, 9999)}",
    "objrepr": _objrepr,
    "list": lambda r: ", ".join(_name(r) for _ in range(r.randint(1, 4))),
    "other": _other,
    "prefix": lambda r: f"{_ip(r)}:{r.randint(1024, 65535)} - ",  # uvicorn's client prefix: its own separator
}

RULES: tuple[tuple[str, str], ...] = (
    (r"^prefix$", "prefix"),
    (r"url|uri|href|link|location|endpoint|origin", "url"),
    (r"__name__|__class__|^cls$|class|typename", "classname"),
    (r"^join\($", "list"),
    (r"^len\(|count|^num|^n$|^n_|size|length|total|retries|attempt|limit|^max|^min|bytes|lineno|^line$|offset"
     r"|index|^idx|^i$|^j$|depth|remaining|pending|backlog|^nb", "int"),
    (r"^e$|^ex$|exc|err|reason|cause|failure", "exc"),
    (r"port", "port"),
    (r"pid|tid|thread|fileno|^fd$", "pid"),
    (r"host|server|domain|netloc", "host"),
    (r"addr|peer|sockname|remote|client", "addr"),
    (r"^ip$", "host"),
    (r"path|file|dir|^dest|^src|folder|script|cwd|root|archive|wheel", "path"),
    (r"status|code|^rc$|returncode|errno", "status"),
    (r"method|verb", "method"),
    (r"time|duration|elapsed|delay|timeout|interval|sec|^dt|took|wait|^ms|^t$|dt \*", "duration"),
    (r"version|^ver$|specifier|python", "version"),
    (r"state|mode|kind|^type|^op$|action|event|signal|flag|level|phase|severity", "enum"),
    (r"uuid|guid", "uuid"),
    (r"id$|^id|ident|token|hash|digest|sha|checksum|nonce|session|key", "id"),
    (r"cmd|command|args|argv", "command"),
    (r"query|sql|statement|stmt", "sql"),
    (r"name|user|owner|module|package|project|dist|req|backend|channel|db|table|column|field|attr|header"
     r"|prefix|suffix|scheme|format|encoding", "name"),
    (r"^self$|obj|conn|transport|protocol|loop|fut|task|handle|waiter|sock|stream|reader|writer|pool|cursor", "objrepr"),
)


def _last_name(hint: str) -> str:
    """The name that says what a value is: `len(x)` keeps 'len(', `self._sock.fileno()` -> 'fileno'."""
    if hint.startswith("len("):
        return "len("
    if "__name__" in hint or "__class__" in hint or "__qualname__" in hint or hint.startswith("type("):
        return "__name__"
    if ".join(" in hint or hint.startswith(("sorted(", "list(")):
        return "join("
    m = re.match(r"(?:str|repr|format|bool|int|float)\((.*)\)$", hint)
    if m:
        hint = m.group(1)
    subs = re.findall(r"\[['\"]([A-Za-z_]+)['\"]\]", hint)
    if subs:
        return subs[-1].lower()
    names = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", hint)
    return names[-1].lower().strip("_") if names else ""


def kind_of(slot: Slot) -> str:
    """The value kind of a slot: the expression's last name first, then the format spec."""
    name = _last_name(slot.hint)
    spec = slot.spec
    if spec and spec[-1] in "xX" and spec != "s":
        return "hex"
    if spec and spec[-1] in "eEfFgG%" and not name.startswith("len("):
        return "duration"
    for pattern, kind in RULES:
        if re.search(pattern, name):
            if spec and spec[-1] in "diu" and kind not in ("port", "pid", "status", "int"):
                return "int"
            return kind
    return "int" if spec and spec[-1] in "diu" else "other"


def draw(slot: Slot, r: Random) -> str:
    """One value for a slot: the literal if the call site passed one, else a value of its kind (repr'd for !r)."""
    if slot.const is not None:
        return slot.const
    kind = kind_of(slot)
    value = _hex(r) if kind == "hex" else KINDS[kind](r)
    if slot.spec == "r" and kind not in ("prefix",) and kind not in ("int", "objrepr", "exc", "duration", "pid", "port", "status"):
        return repr(value)
    return value


# The share of slots whose values mix every shape of their kind (an exception repr one line, '[Errno 111] ...'
# the next). The others keep the shape of their first value, as one call site mostly sees one class of
# `self`, one form of error, one address format. 1.0 is the adversarial variant (--mixed-shapes).
MIXED = 0.25
SHAPE = re.compile(r"[A-Za-z0-9_.\-/]+")


def shape_of(value: str) -> str:
    """A value's skeleton: runs of word characters, dots, dashes and slashes are one 'a'; blanks and brackets stay."""
    return SHAPE.sub("a", value)


def slot_source(slot: Slot, r: Random) -> Callable[[], str]:
    """The value source of one slot of one call site: its kind, and (unless mixed) the shape of its first value."""
    if slot.const is not None:
        const = slot.const
        return lambda: const
    first = draw(slot, r)
    if r.random() < MIXED:
        return lambda: draw(slot, r)
    shape = shape_of(first)

    def same_shape() -> str:
        for _ in range(50):
            value = draw(slot, r)
            if shape_of(value) == shape:
                return value
        return first

    return same_shape
