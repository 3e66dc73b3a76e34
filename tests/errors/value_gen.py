"""Generated messages whose one slot holds a value in another language's notation (bench/GROUPING_CLASSES3.md
S30, S33, S34, S36, S37, V1, V2; GROUPING_CLASSES2.md S24, S25): one statement, a token count that varies
per line; JVM values (round 13: `Duration`, `Optional`/`Thread`, `MessageFormat` dates, Jetty and Lombok
`toString`). Shared by tests/errors/test_language_values.py and bench/grouping_values_lang.py.

Each notation is written from its language's documented formatting (go doc `fmt` "The default format
for %v": structs `{a b}`, `%+v` `{Name:a}`, pointers `&{...}`, slices `[a b]`, maps `map[k:v]` sorted;
Java `AbstractCollection.toString` `[a, b]`, `AbstractMap.toString` `{k=v, k2=v2}`, records `Name[a=1, b=x]`,
`Object.toString` `pkg.Cls@1b6d3586`; Node `util.inspect` `{ a: 1, b: 'x' }`, `[ 1, 'x' ]`, `Map(2) { 'k' =>
1 }`; Perl references `HASH(0x55d0c8a1b2c8)`, blessed `Pkg::Name=HASH(0x...)`), with 0-5 items drawn per
line, so the SAME statement prints 1 to 20 tokens in its slot. The message's constant words come from
stdlib docstrings (record_gen.WORDS), 2-6 of them around the slot at a random position (never first).

Twins (each its own truth): the statement with one constant word changed (V twin b: two statements, whatever
the lists hold), and the statement with the value replaced by nothing (another call site printing fewer
things: `W W` vs `W W <list>`) is NOT drawn: a trailing value that may be empty is one template (V1).
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

try:
    from .record_gen import WORDS
except ImportError:  # imported as a top-level module by bench/grouping_values_lang.py
    from record_gen import WORDS  # type: ignore[no-redef]


def _w(r: random.Random, lo: int = 3, hi: int = 8) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))


def _item(r: random.Random) -> str:
    return r.choice((_w(r), str(r.randint(0, 99999)), f"{_w(r)}-{r.randint(0, 9)}"))


def _hex(r: random.Random, n: int) -> str:
    return "".join(r.choice("0123456789abcdef") for _ in range(n))


def go_struct(r: random.Random) -> str:
    fields = [_item(r) for _ in range(r.randint(1, 4))]
    return r.choice(("", "&")) + "{" + " ".join(fields) + "}"


def go_struct_plus(r: random.Random) -> str:
    names = ["Name", "Count", "Addr", "State", "Err"]
    return r.choice(("", "&")) + "{" + " ".join(f"{n}:{_item(r)}" for n in names[: r.randint(1, 5)]) + "}"


def go_slice(r: random.Random) -> str:
    return "[" + " ".join(_item(r) for _ in range(r.randint(0, 5))) + "]"


def go_map(r: random.Random) -> str:
    keys = sorted({_w(r, 2, 6) for _ in range(r.randint(0, 5))})
    return "map[" + " ".join(f"{k}:{r.randint(0, 999)}" for k in keys) + "]"


def java_list(r: random.Random) -> str:
    return "[" + ", ".join(_item(r) for _ in range(r.randint(0, 5))) + "]"


def java_map(r: random.Random) -> str:
    return "{" + ", ".join(f"{_w(r, 2, 6)}={_item(r)}" for _ in range(r.randint(0, 5))) + "}"


def java_record(r: random.Random) -> str:
    return "Endpoint[" + ", ".join(f"{k}={_item(r)}" for k in ("host", "port", "path")[: r.randint(1, 3)]) + "]"


def java_identity(r: random.Random) -> str:
    return f"com.example.{_w(r).capitalize()}{r.choice(('', '$Inner'))}@{_hex(r, r.randint(5, 8))}"


def node_object(r: random.Random) -> str:
    pairs = [f"{_w(r, 2, 6)}: {r.choice((str(r.randint(0, 99)), repr(_w(r))))}" for _ in range(r.randint(0, 4))]
    return "{ " + ", ".join(pairs) + " }" if pairs else "{}"


def node_array(r: random.Random) -> str:
    items = [r.choice((str(r.randint(0, 99)), repr(_w(r)))) for _ in range(r.randint(0, 5))]
    return "[ " + ", ".join(items) + " ]" if items else "[]"


def node_map(r: random.Random) -> str:
    n = r.randint(0, 3)
    body = ", ".join(f"'{_w(r)}' => {r.randint(0, 99)}" for _ in range(n))
    return f"Map({n}) {{ {body} }}" if n else "Map(0) {}"


def perl_ref(r: random.Random) -> str:
    kind = r.choice(("HASH", "ARRAY", "CODE"))
    blessed = r.choice(("", f"{_w(r).capitalize()}::{_w(r).capitalize()}="))
    return f"{blessed}{kind}(0x{_hex(r, 12)})"


def java_duration(r: random.Random) -> str:
    """`java.time.Duration.toString` (JDK API docs): `PT` then hours, minutes, seconds with a fraction, each
    omitted when zero (`PT8H6M12.345S`, `PT30S`, `PT0S`)."""
    h, m = r.choice((0, 0, r.randint(1, 48))), r.choice((0, r.randint(1, 59)))
    sec = r.choice((0, r.randint(1, 59), r.randint(10, 59), f"{r.randint(0, 59)}.{r.randint(1, 999):03d}".rstrip("0")))
    text = (f"{h}H" if h else "") + (f"{m}M" if m else "") + (f"{sec}S" if sec or not (h or m) else "")
    return "PT" + text


def java_optional(r: random.Random) -> str:
    """`Optional.toString` `Optional[v]` / `Optional.empty`, `OptionalInt[5]`, and `Thread.toString`
    `Thread[name,prio,group]` (JDK API docs): a type name glued to its printed items."""
    return r.choice(("Optional.empty", f"Optional[{_item(r)}]", f"OptionalInt[{r.randint(0, 999)}]",
                     f"Thread[{r.choice(('main', f'pool-{r.randint(1, 9)}-thread-{r.randint(1, 99)}'))},5,main]"))


def java_date(r: random.Random) -> str:
    """A Date through `MessageFormat`'s `{0}` / `DateFormat` SHORT (`12/7/26, 2:15 AM`; JDK 20+ puts U+202F
    before the marker) or MEDIUM (`Dec 7, 2026, 2:15:03 AM`), the 12-hour clock of en_US."""
    hm = f"{r.randint(1, 12)}:{r.randint(0, 59):02d}"
    mark = r.choice((" ", "\u202f")) + r.choice(("AM", "PM"))
    if r.random() < 0.5:
        return f"{r.randint(1, 12)}/{r.randint(1, 28)}/{r.randint(20, 29)}, {hm}{mark}"
    return f"{r.choice(('Jan', 'Jun', 'Dec'))} {r.randint(1, 28)}, 20{r.randint(20, 29)}, {hm}:{r.randint(0, 59):02d}{mark}"


def jetty_object(r: random.Random) -> str:
    """Jetty's `ContainerLifeCycle`/`ContextHandler` toString: `Name@hash{state,...}` with more groups after."""
    h = _hex(r, r.randint(6, 8))
    return r.choice((
        f"ServerConnector@{h}{{HTTP/1.1, (http/1.1)}}{{0.0.0.0:{r.randint(1000, 9999)}}}",
        f"o.e.j.s.ServletContextHandler@{h}{{/{_w(r)},file:///tmp/{_w(r)}/,{r.choice(('AVAILABLE', 'STARTED'))}}}",
        f"QueuedThreadPool[qtp{r.randint(10**5, 10**7)}]@{h}{{STARTED,8<={r.randint(8, 200)}<=200,i={r.randint(0, 9)},q=0}}"))


def lombok(r: random.Random) -> str:
    """Lombok `@ToString` `Name(a=1, b=x)` and an IDE-generated `Name{a=1, b='x'}`."""
    fields = [f"{k}={r.choice((_item(r), repr(_w(r))))}" for k in ("id", "name", "status", "owner")[: r.randint(1, 4)]]
    opened, closed = r.choice((("Order(", ")"), ("User{", "}")))
    return opened + ", ".join(fields) + closed


SHAPES: dict[str, Callable[[random.Random], str]] = {
    "go_struct": go_struct, "go_struct_plus": go_struct_plus, "go_slice": go_slice, "go_map": go_map,
    "java_list": java_list, "java_map": java_map, "java_record": java_record, "java_identity": java_identity,
    "node_object": node_object, "node_array": node_array, "node_map": node_map, "perl_ref": perl_ref,
    "java_duration": java_duration, "java_optional": java_optional, "java_date": java_date,
    "jetty_object": jetty_object, "lombok": lombok,
}


def corpus(seed: int, shape: str, *, families: int = 12, lines: int = 600,
           twins: bool = True) -> tuple[list[str], list[str]]:
    """(lines, truth): `families` statements holding one value of `shape`, and (`twins`) a one-word twin
    of about half of them; drawn Zipf-like."""
    r = random.Random(seed)
    value = SHAPES[shape]
    sts: list[tuple[str, list[str]]] = []
    for i in range(families):
        words = [r.choice(WORDS).capitalize()] + [r.choice(WORDS) for _ in range(r.randint(1, 5))]
        at = r.randint(1, len(words))
        tpl = [*words[:at], "%v", *words[at:]]
        sts.append((f"s{i}", tpl))
        if r.random() < 0.5 and twins:
            other = list(tpl)
            j = r.choice([k for k, w in enumerate(other) if w != "%v" and k > 0])
            other[j] = r.choice(WORDS)
            sts.append((f"s{i}w", other))
    weights = [1.0 / (rank + 1) for rank in range(len(sts))]
    r.shuffle(weights)
    texts, truth = [], []
    values.clear()
    for fam, tpl in r.choices(sts, weights, k=lines):
        v = value(r)
        values.append(v)
        texts.append(" ".join(v if w == "%v" else w for w in tpl))
        truth.append(fam)
    return texts, truth


values: list[str] = []  # the value printed in each line of the last `corpus` (for the tests' diagnosis)
