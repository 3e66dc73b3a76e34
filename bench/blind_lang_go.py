"""Log statements of Go programs, read from the installed binaries (blind language benchmark).

Part of bench/grouping_heldout_lang.py: written by a writer who never read the grouping; the grouping's author
must not read or run it. Go string literals are not NUL-terminated: the linker writes every distinct literal
once into `.rodata` as the data of a symbol `go:string."<text>"`, and sorts the symbols of that section by SIZE
and then by NAME (cmd/link/internal/ld `dodataSect`: "sort by size, then name"), the name being the strconv-
quoted text. So the literals of one length sit back to back, in increasing quoted order, and the length steps
up by one from one run to the next. `strings(1)` sees one long printable blob; `table()` cuts it back into
literals by walking that order from an anchor literal (a message known to be in the binary), 16-104 bytes.

From the literals, two kinds of statements (counted per binary with `--stats`):
  - messages of go-kit's `level.Info(logger).Log("msg", "<constant>", k, v, ...)` (Prometheus 2.x,
    Alertmanager 0.2x): a constant sentence, capital first (Prometheus's style), no verb, 2-14 words, not a
    metric's help text (`The total number of ...`: help strings are the other big family of sentences);
  - printf formats with Go verbs (go doc `fmt`: `%v %+v %#v %T %t %d %x %q %s %f %g %w ...`): the `Errorf`,
    `Sprintf`, `klog.Infof`, `log.Printf` format strings, prose with 2+ lower-case words.
The key names of a go-kit call are not recoverable from the binary (each is a separate short literal); the
statement's keys are drawn per statement from the keys Prometheus's own calls use (`err`, `duration`, `mint`,
`maxt`, `ulid`, `file`, `segment`, ...) - documented as synthetic in the benchmark's docstring.
"""

from __future__ import annotations

import re
import struct
from functools import cache

from blind_c_catalog import Conv, Template

ANCHORS = (b"Server is ready to receive web requests.", b"Completed loading of configuration file",
           b"Loading configuration file", b"gossip not settled but continuing anyway", b"Starting Alertmanager")
# a Go fmt verb (go doc fmt: flags `+-# 0`, width, precision, verb letter; `%w` is Errorf's)
GO_VERB = re.compile(r"%[-+# 0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[vTtbcdoOqxXUeEfFgGspw]|%%")
_HELP = re.compile(r"^(?:The |Total |Number of |Histogram |Summary |Duration of |Size of |Current |Whether |"
                   r"Timestamp |Time |How |Count of |Gauge |Counter |Set to |If |When |Maximum |Minimum |A |An )")
_SENTENCE = re.compile(r"[A-Z][a-z]+(?:[ -][A-Za-z][A-Za-z'-]*|,| \([a-z ]+\)){1,13}[.!]?")
_PROSE = re.compile(r"\b[a-z]{3,}\b")
_NOT_LOG = re.compile(r"[\\{}<>`|]|\.go\b|^%|^proto:|wiretype|wireType|https?:|\bfunc\b|\w\(\)|\w_\w|  |/%|%[sdv]/|^/")
# a log message says what happened: a verb form (participle, gerund, modal, copula, negation)
_VERBISH = re.compile(r"\b(?:\w+ed|\w+ing|\w+ould|not|no|is|are|was|were|has|have|be|been|can|cannot|will|to|"
                      r"failed|found|done|ready|started|stopped|complete|disabled|enabled|skipped)\b")


def section(path: str, name: str) -> bytes:
    """One ELF64 little-endian section's bytes (ELF gABI: section header table at e_shoff)."""
    with open(path, "rb") as f:
        data = f.read()
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    entsize, num, strndx = struct.unpack_from("<HHH", data, 0x3A)
    heads = [struct.unpack_from("<IIQQQQ", data, shoff + i * entsize) for i in range(num)]
    names = heads[strndx][4]
    for nm, _, _, _, off, size in heads:
        if data[names + nm: data.index(b"\0", names + nm)] == name.encode():
            return data[off: off + size]
    raise ValueError(f"{path}: no section {name}")


def _key(b: bytes) -> bytes:
    """The literal as the sort sees it: Go-quoted (`"` and `\\` escaped, control bytes as `\\xNN`)."""
    return re.sub(rb'[\x00-\x1f\x7f"\\]', lambda m: b"\\" + (m.group(0) if m.group(0) in b'"\\'
                                                            else b"x%02x" % m.group(0)[0]), b)


def _ascending(buf: bytes, p: int, length: int, k: int) -> bool:
    chunks = [buf[p + j * length: p + (j + 1) * length] for j in range(k)]
    return all(len(c) == length for c in chunks) and all(_key(a) < _key(b) for a, b in zip(chunks, chunks[1:], strict=False))


@cache
def table(path: str, low: int = 16, high: int = 104) -> tuple[str, ...]:
    """The binary's string literals of `low`..`high` bytes (module docstring), decoded as UTF-8."""
    ro = section(path, ".rodata")
    anchor = next((a for a in ANCHORS if a in ro), None)
    if anchor is None:
        raise ValueError(f"{path}: none of the anchor literals found; not a Prometheus-family Go binary?")
    p, length = ro.index(anchor), len(anchor)
    while length > low:  # walk down to the run of `low` bytes
        while p - length >= 0 and _key(ro[p - length:p]) < _key(ro[p:p + length]):
            p -= length
        step = next((d for d in range(1, 8) if p - 3 * (length - d) >= 0
                     and _ascending(ro, p - 3 * (length - d), length - d, 3)), None)
        if step is None:
            break
        length -= step
        p -= length
    out: list[bytes] = []
    while length <= high:
        while True:
            out.append(ro[p:p + length])
            nxt = ro[p + length: p + 2 * length]
            if len(nxt) < length or _key(nxt) <= _key(ro[p:p + length]):
                break
            p += length
        end = p + length
        step = next((d for d in range(1, 40) if _ascending(ro, end, length + d, 4)), None)
        if step is None:
            break
        p, length = end, length + step
    return tuple(sorted({b.decode("utf-8", "replace") for b in out if low <= len(b) <= high}))


def messages(path: str) -> tuple[str, ...]:
    """go-kit `msg` constants: sentences, capital first, no verb, not metric help (module docstring)."""
    return tuple(s for s in table(path) if _SENTENCE.fullmatch(s) and not _HELP.match(s) and "%" not in s
                 and not s.endswith(".") and "(the)" not in s and _VERBISH.search(s)
                 and all(w.islower() or w.isupper() for w in re.split(r"[ -]", s)[1:] if w))


def formats(path: str) -> tuple[str, ...]:
    """printf formats with Go verbs that read as prose (module docstring)."""
    out = []
    for s in table(path):
        s = s[:-1] if s.endswith("\n") else s  # log.Printf adds the newline only when it is missing
        if "\n" in s or "\r" in s:
            continue
        verbs = [m.group(0) for m in GO_VERB.finditer(s) if m.group(0) != "%%"]
        if not verbs or _NOT_LOG.search(s) or "\ufffd" in s:
            continue
        if len(_PROSE.findall(GO_VERB.sub(" ", s))) >= 2 and "%" not in GO_VERB.sub("", s).replace("%%", ""):
            out.append(s)
    return tuple(out)


def parse_go(fmt: str, domain: str, kind_of: object) -> Template:
    """A Go format string as a Template: each verb one Conv whose `conv` is the value kind `kind_of` assigns
    (bench/blind_lang_values.py `go_kind(verb, before, after)`)."""
    parts: list[str | Conv] = []
    pos = 0
    literal = ""
    found = [m for m in GO_VERB.finditer(fmt)]
    for i, m in enumerate(found):
        literal += fmt[pos:m.start()]
        pos = m.end()
        if m.group(0) == "%%":
            literal += "%"
            continue
        after = fmt[m.end(): found[i + 1].start() if i + 1 < len(found) else len(fmt)]
        before = literal
        parts.append(literal)
        literal = ""
        kind = kind_of(m.group(0), before, after)  # type: ignore[operator]
        parts.append(Conv(m.group(0), kind, i, "", None, None, before=before, after=after))
    parts.append(literal + fmt[pos:])
    return Template(tuple(p for p in parts if p != ""), domain, fmt)
