"""Message templates of C programs, read from their gettext catalogs on this machine (blind C benchmark).

Part of bench/grouping_heldout_c.py: written by a writer who never read the grouping; the grouping's author
must not read or run it. A program's translatable messages are its C format strings: `gettext` looks the
msgid up as written in the source (`_("... %s")`), so the msgids of a complete
`/usr/share/locale/<lang>/LC_MESSAGES/<domain>.mo` are the format strings the program can print (gettext
manual §10.3 "The Format of GNU MO Files"). The reader here parses the `.mo` layout with `struct` because
`gettext.GNUTranslations` keeps only the singular of a plural entry, and `ngettext` plural pairs are a class
the benchmark needs (the singular and the plural format strings are two templates).

A msgid is kept when it reads like a log line: one line, 16-220 characters, at least 2 constant words, no
leading blank or dash (help text, continuation lines), no prompt ending (`: `, `? `, `?`), no markup, every
conversion parseable as a C printf conversion (printf(3)), and no program-private escapes (gnupg's `~` and
`%%0A`, ASCII control characters).
"""

from __future__ import annotations

import glob
import re
import struct
from dataclasses import dataclass
from functools import cache

# a C printf conversion (C11 §7.21.6.1, POSIX positional `%n$`, glibc `%m`, gettext's `%<PRIu64>`)
CONV = re.compile(r"%(?P<pos>\d+\$)?(?P<flags>[-+ #0']*)(?P<width>\*|\d+)?(?:\.(?P<prec>\*|\d+))?"
                  r"(?P<len>hh|h|ll|l|L|z|j|t|q)?(?P<conv>[diouxXeEfFgGaAcspm%])|%<PRI(?P<pri>[diouxX])\w*>")
WORD = re.compile(r"[A-Za-z]{2,}")
SLOT = "<*>"


@dataclass(frozen=True)
class Conv:
    """One conversion: `conv` its letter (`d` for `%<PRId64>`), `arg` the argument index it prints (positional
    `%2$s` honoured), `before`/`after` the literal text around it (what says what the argument is)."""

    spec: str
    conv: str
    arg: int
    flags: str
    width: str | None
    prec: str | None
    before: str
    after: str
    glued_before: bool = False  # another conversion right before this one, no text between (`%s%s`)
    glued_after: bool = False


@dataclass(frozen=True)
class Template:
    """One format string: `parts` alternate literal text and Conv; `plural` is 'one', 'other' or ''."""

    parts: tuple[str | Conv, ...]
    domain: str
    msgid: str
    plural: str = ""

    @property
    def text(self) -> str:
        """The true template as Loghub writes it: each conversion is one `<*>` (a `%%` is a literal `%`)."""
        return "".join(p if isinstance(p, str) else SLOT for p in self.parts)

    @property
    def convs(self) -> tuple[Conv, ...]:
        return tuple(p for p in self.parts if isinstance(p, Conv))


def mo_entries(path: str) -> list[bytes]:
    """The raw msgids of one GNU `.mo` file (`ctx\\x04msgid`, `singular\\0plural` kept as written)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 20:
        raise ValueError(f"{path}: not a GNU .mo file (too short)")
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    if struct.unpack(order + "I", data[:4])[0] != 0x950412DE:
        raise ValueError(f"{path}: not a GNU .mo file (magic {magic:#x})")
    _, n, originals, _ = struct.unpack(order + "4I", data[4:20])
    out = []
    for i in range(n):
        length, offset = struct.unpack(order + "2I", data[originals + 8 * i: originals + 8 * i + 8])
        out.append(data[offset: offset + length])
    return out


@cache
def msgids(domain: str) -> tuple[str, ...]:
    """The msgids of `domain`'s most complete installed catalog, context stripped, sorted (deterministic).

    Not the union over locales: a locale whose translation lags carries msgids of an OLDER release (glib20:
    the union holds 1,653, the most complete catalog 1,218, the difference mostly the same messages with the
    old straight quotes), which the installed program can no longer print. A fully translated catalog holds
    every msgid of its release; ties are broken by locale name.
    """
    best: list[str] = []
    for path in sorted(glob.glob(f"/usr/share/locale/*/LC_MESSAGES/{domain}.mo")):
        texts = [t for t in (raw.decode("utf-8", "replace") for raw in mo_entries(path)) if t]
        if len(texts) > len(best):
            best = texts
    return tuple(sorted({t.split("\x04", 1)[-1] for t in best}))


def parse(fmt: str, domain: str, msgid: str, plural: str = "") -> Template | None:
    """A format string cut into literal text and conversions; None when a conversion cannot be printed."""
    parts: list[str | Conv] = []
    pos = 0
    next_arg = 0
    literal = ""
    found = list(CONV.finditer(fmt))
    for i, m in enumerate(found):
        literal += fmt[pos:m.start()]
        pos = m.end()
        conv = m.group("pri") or m.group("conv")
        if conv == "%":
            literal += "%"
            continue
        if m.group("pri") is None and (m.group("width") == "*" or m.group("prec") == "*"):
            next_arg += 1  # the `*` takes an int argument of its own
        if conv == "s" and m.group("prec") == "0":
            next_arg += 0 if m.group("pos") else 1  # `%.0s` prints nothing: it only consumes an argument
            continue
        if m.group("pos"):
            arg = int(m.group("pos")[:-1]) - 1
        elif conv == "m":
            arg = -1 - i  # `%m` prints strerror(errno) and takes no argument
        else:
            arg = next_arg
            next_arg += 1
        after_end = found[i + 1].start() if i + 1 < len(found) else len(fmt)
        glued = literal == "" and bool(parts) and isinstance(parts[-1], Conv)
        parts.append(literal)
        literal = ""
        parts.append(Conv(m.group(0), conv, arg, m.group("flags") or "", m.group("width"), m.group("prec"),
                          before=_before(parts), after=fmt[m.end():after_end], glued_before=glued,
                          glued_after=after_end == m.end() and i + 1 < len(found)))
    literal += fmt[pos:]
    parts.append(literal)
    if "%" in "".join(p for p in parts if isinstance(p, str)).replace("%%", ""):
        return None  # a `%` that is no conversion we can print
    return Template(tuple(p for p in parts if p != ""), domain, msgid, plural)


def _before(parts: list[str | Conv]) -> str:
    """The literal text before a conversion, back to the previous conversion (or the start)."""
    text = ""
    for p in reversed(parts):
        if isinstance(p, Conv):
            break
        text = p + text
    return text


_PROMPT = re.compile(r"(: |\? ?|\[[yYnN]/[yYnN]\] ?)$")
_BAD = re.compile(r"[\x00-\x08\x0b-\x1f\x7f~]|%%0A|<[a-z]+>|\t")


def log_like(fmt: str) -> bool:
    """Whether a msgid reads like a log line (module docstring): a one-line statement, not help or a prompt."""
    if "\n" in fmt or _BAD.search(fmt) or not 16 <= len(fmt) <= 220:
        return False
    if fmt[0] in " -([*=#" or fmt.startswith(("Usage", "usage", "Try ", "Report ")) or _PROMPT.search(fmt):
        return False
    if "   " in fmt:
        return False  # column layout of help/status tables
    return len(WORD.findall(CONV.sub(" ", fmt))) >= 2


@cache
def templates(domains: tuple[str, ...]) -> tuple[Template, ...]:
    """The log-like templates of one program's catalog(s); an `ngettext` pair gives two ('one' and 'other')."""
    out: list[Template] = []
    seen: set[str] = set()
    for domain in domains:
        for msgid in msgids(domain):
            forms = msgid.split("\x00")
            labelled = [(forms[0], "")] if len(forms) == 1 else [(forms[0], "one"), (forms[1], "other")]
            for fmt, plural in labelled:
                if fmt in seen or not log_like(fmt):
                    continue
                t = parse(fmt, domain, msgid, plural)
                if t is not None:
                    seen.add(fmt)
                    out.append(t)
    return tuple(out)
