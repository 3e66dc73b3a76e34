"""Value kinds for the slot-swap benchmark (bench/grouping_swap.py): what a `<*>` may hold in a system
the grouping never saw, and how often a value repeats.

Each kind is a generator `rng -> str` plus a coarse CLASS used to swap: a slot is re-filled only with
kinds of a class its real values (in the shared dataset) never had, so the benchmark measures values
of OTHER kinds than the rules were tuned on there. Several kinds span several tokens (reprs, paths
with spaces, lists, tuples, quoted phrases, durations written with a space), and `empty` spans none.

How values repeat (`POOLS`): a slot draws from a pool of 1, a few (2-5), many (6-40) values, or a fresh
value every line; ids are mostly fresh (request ids never repeat), names mostly few (a service logs
a handful of hosts and users).
"""

from __future__ import annotations

import random
import re
import string
import uuid
from collections.abc import Callable

_LOWER = string.ascii_lowercase
_CONSONANTS = "bcdfghjklmnpqrstvwxz"
_WORDS = ("alpha", "report", "daily", "backup", "cache", "shard", "orders", "billing", "my", "files", "new",
          "draft", "final", "copy", "project", "notes", "inbox", "queue", "main", "old")
_NAMES = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "oscar", "peggy",
          "trent", "victor", "walter", "nobody", "admin", "deploy", "svc_batch", "ci-runner")
_PACKAGES = ("requests", "numpy", "python-dateutil", "typing_extensions", "urllib3", "charset-normalizer",
             "pyyaml", "setuptools", "wheel", "grpcio", "protobuf", "aiohttp", "jinja2", "markupsafe", "idna")
_ENUMS = ("RUNNING", "STOPPED", "PENDING", "FAILED", "READY", "DEGRADED", "UNKNOWN", "ACTIVE", "IDLE",
          "TERMINATED", "SUSPENDED", "STARTING", "OPEN", "CLOSED", "HALF_OPEN")
_CLASSES = ("Connection", "Session", "Request", "Worker", "Pool", "Channel", "Transport", "Handler", "Task",
            "Future", "Stream", "Record", "Config", "Client")
_EXCEPTIONS = ("ConnectionResetError(104, 'Connection reset by peer')", "TimeoutError()", "KeyError('user_id')",
               "OSError(24, 'Too many open files')", "ValueError('invalid literal')", "CancelledError()",
               "BrokenPipeError(32, 'Broken pipe')", "RuntimeError('Event loop is closed')")


def _letters(rng: random.Random, lo: int, hi: int, alphabet: str = _LOWER) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def _label(rng: random.Random) -> str:
    return _letters(rng, 3, 8) + rng.choice(("", "", "-" + _letters(rng, 2, 5)))


def _duration(rng: random.Random) -> str:
    n = rng.choice((str(rng.randint(1, 999)), f"{rng.random() * 100:.{rng.randint(1, 3)}f}"))
    unit = rng.choice(("ms", "s", "us", "m", "h", "ns"))
    return rng.choice((f"{n}{unit}", f"{n} {unit}", f"{rng.randint(1, 59)}m{rng.randint(0, 59)}s",
                       f"{n} seconds"))


def _number(rng: random.Random) -> str:
    return rng.choice((str(-rng.randint(1, 10**rng.randint(1, 6))), f"{rng.uniform(-1000, 1000):.{rng.randint(1, 6)}f}",
                       f"{rng.random():.3e}", f"-{rng.random():.4f}"))


def _path_spaces(rng: random.Random) -> str:
    parts = [" ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(1, 4))]
    ext = rng.choice((".txt", ".log", ".csv", "", ".tar.gz"))
    if rng.random() < 0.3:
        return "C:\\" + "\\".join(p.title() for p in parts) + ext
    return "/" + "/".join(parts) + ext


def _quoted(rng: random.Random) -> str:
    q = rng.choice(("'", '"'))
    return q + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 4))) + q


def _repr_object(rng: random.Random) -> str:
    mod = rng.choice(("app", "myproj.net", "worker.tasks", "db.pool"))
    return f"<{mod}.{rng.choice(_CLASSES)} object at 0x{rng.getrandbits(44):012x}>"


def _repr_call(rng: random.Random) -> str:
    args = [f"{_letters(rng, 1, 6)}={rng.choice((str(rng.randint(0, 999)), repr(_letters(rng, 1, 6)), 'None', 'True'))}"
            for _ in range(rng.randint(1, 4))]
    return f"{rng.choice(_CLASSES)}({', '.join(args)})"


def _list(rng: random.Random) -> str:
    items = [repr(rng.choice(_NAMES + _PACKAGES)) for _ in range(rng.randint(0, 4))]
    return "[" + ", ".join(items) + "]"


def _ip_port(rng: random.Random) -> str:
    host = rng.choice((".".join(str(rng.randint(1, 254)) for _ in range(4)), "::1",
                       f"fe80::{rng.getrandbits(16):x}:{rng.getrandbits(16):x}"))
    return f"('{host}', {rng.randint(1, 65535)})"


def _ipv6(rng: random.Random) -> str:
    return rng.choice(("::1", f"2001:db8::{rng.getrandbits(16):x}:{rng.getrandbits(16):x}",
                       ":".join(f"{rng.getrandbits(16):x}" for _ in range(8)), f"fe80::{rng.getrandbits(16):x}%eth0"))


def _url(rng: random.Random) -> str:
    return (f"{rng.choice(('https', 'http', 'wss'))}://{_label(rng)}.{rng.choice(('com', 'io', 'internal'))}"
            f"/{_letters(rng, 2, 8)}/{rng.choice((str(rng.randint(1, 9999)), _letters(rng, 3, 6)))}"
            + rng.choice(("", f"?page={rng.randint(1, 50)}", f"?q={_letters(rng, 1, 5)}")))


# kind -> (class, generator). A class groups kinds that masking or the learner would treat by one form.
KINDS: dict[str, tuple[str, Callable[[random.Random], str]]] = {
    "letters_id": ("word_id", lambda r: _letters(r, 6, 12, _CONSONANTS)),
    "mixed_id": ("word_id", lambda r: "".join(r.choice(string.ascii_letters) for _ in range(r.randint(10, 22)))),
    "hex_digits": ("hex", lambda r: f"{r.getrandbits(r.choice((32, 48, 64))):x}"),
    "hex_letters": ("hex", lambda r: _letters(r, 4, 8, "abcdef")),
    "uuid": ("hex", lambda r: str(uuid.UUID(int=r.getrandbits(128), version=4))),
    "path_spaces": ("path", _path_spaces),
    "quoted": ("quoted", _quoted),
    "repr_object": ("repr", _repr_object),
    "repr_call": ("repr", _repr_call),
    "repr_exception": ("repr", lambda r: r.choice(_EXCEPTIONS)),
    "list": ("list", _list),
    "ip_port_tuple": ("ip", _ip_port),
    "ipv6": ("ip", _ipv6),
    "url": ("url", _url),
    "duration": ("number", _duration),
    "signed_float": ("number", _number),
    "enum_upper": ("word", lambda r: r.choice(_ENUMS)),
    "user_name": ("word", lambda r: r.choice(_NAMES)),
    "host_name": ("host", lambda r: r.choice((_label(r), f"{_label(r)}.{_label(r)}.{r.choice(('com', 'net', 'local'))}"))),
    "package_name": ("word", lambda r: r.choice(_PACKAGES) + r.choice(("", f"=={r.randint(0, 9)}.{r.randint(0, 30)}"))),
    "empty": ("empty", lambda r: ""),
}
# Ids never repeat much; names repeat a few; the rest anything. Weights for (one, few, many, fresh).
_FRESH_KINDS = {"letters_id", "mixed_id", "hex_digits", "hex_letters", "uuid", "repr_object", "signed_float", "duration"}
_FEW_KINDS = {"enum_upper", "user_name", "host_name", "package_name", "repr_exception", "ip_port_tuple", "ipv6"}
POOLS = ("one", "few", "many", "fresh")


def pool_weights(kind: str) -> tuple[float, float, float, float]:
    if kind == "empty":
        return (1, 0, 0, 0)
    if kind in _FRESH_KINDS:
        return (0.05, 0.15, 0.3, 0.5)
    if kind in _FEW_KINDS:
        return (0.2, 0.45, 0.3, 0.05)
    return (0.1, 0.3, 0.4, 0.2)


def value_classes(value: str) -> set[str]:
    """The coarse classes of one real slot value (what the shared dataset's rules saw there)."""
    v = value.strip()
    out: set[str] = set()
    if not v:
        return {"empty"}
    if re.fullmatch(r"[-+]?\d+(?:\.\d+)?(?:[a-zA-Z%]{0,4})", v):
        out.add("number")
    if re.fullmatch(r"(?:0x)?[0-9a-fA-F-]{4,}", v) and not v.isdigit():
        out.add("hex")
    if re.search(r"\d+\.\d+\.\d+\.\d+|::", v):
        out.add("ip")
    if "://" in v:
        out.add("url")
    if "/" in v or "\\" in v:
        out.add("path")
    if re.fullmatch(r"[A-Za-z]+(?:[_-][A-Za-z]+)*", v):
        out.add("word")
        if not v.isupper() and not v.istitle():
            out.add("word_id")
    if " " in v:
        out.add("quoted")
    if re.fullmatch(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", v) and re.search("[A-Za-z]", v):
        out.add("host")
    return out or {"other"}


class SlotFiller:
    """The values of one slot: a kind and a pool (1, few, many or fresh values), seeded."""

    def __init__(self, kind: str, rng: random.Random, gen: Callable[[random.Random], str] | None = None) -> None:
        self.kind = kind
        self.gen = KINDS[kind][1] if gen is None else gen
        self.rng = rng
        self.pool_kind = rng.choices(POOLS, pool_weights(kind))[0]
        size = {"one": 1, "few": rng.randint(2, 5), "many": rng.randint(6, 40), "fresh": 0}[self.pool_kind]
        self.pool = [self.gen(rng) for _ in range(size)]

    def value(self) -> str:
        if not self.pool:
            return self.gen(self.rng)
        return self.rng.choice(self.pool)
