"""Log statements and stack frames of Java programs, read from the jars on this machine (blind language benchmark).

Part of bench/grouping_heldout_lang.py: written by a writer who never read the grouping; the grouping's author
must not read or run it. A Java string literal is a `CONSTANT_Utf8` entry of its class file's constant pool
(JVMS §4.4.7); a slf4j call `LOG.debug("... {} ...", x)` keeps its message pattern there whole, with the `{}`
placeholders (slf4j `MessageFormatter`). A `"a" + x + "b"` concatenation compiled for Java 9+ keeps a RECIPE
string with `\\u0001` where each argument goes (JEP 280, `StringConcatFactory.makeConcatWithConstants`) - the
messages of `new XxxException("..." + x)`. The jars are the local Maven repository's (`~/.m2/repository`),
read with `zipfile`. Method names and source file names for stack frames come from the same class files
(the `methods` table, JVMS §4.6; the class name gives `Outer.java`).

A pattern is kept when it reads as a log message (one line, 12-200 chars, 2+ lower-case words of 3+ letters
outside the placeholders, no regex/markup/JSON punctuation, not starting with a blank).
"""

from __future__ import annotations

import glob
import re
import struct
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from blind_c_catalog import Conv, Template

M2 = Path.home() / ".m2" / "repository"
_PROSE = re.compile(r"\b[a-z]{3,}\b")
_BAD = re.compile(r"[\\\n\r\t^$|<>`]|\{\"|\(\?|\[\^|^\s|\{[0-9]+\}|%[sd]")


@dataclass(frozen=True)
class ClassInfo:
    """One class: dotted name, its methods, its slf4j patterns and concatenation recipes."""

    name: str
    methods: tuple[str, ...]
    patterns: tuple[str, ...]
    recipes: tuple[str, ...]


def parse_class(data: bytes) -> ClassInfo | None:
    """Constant pool strings, this class's name and its method names (JVMS §4.1, §4.4, §4.6)."""
    if data[:4] != b"\xca\xfe\xba\xbe":
        return None
    n = struct.unpack_from(">H", data, 8)[0]
    utf: dict[int, str] = {}
    cls: dict[int, int] = {}
    p, i = 10, 1
    sizes = {3: 4, 4: 4, 9: 4, 10: 4, 11: 4, 12: 4, 17: 4, 18: 4, 5: 8, 6: 8, 8: 2, 16: 2, 19: 2, 20: 2, 15: 3}
    while i < n:
        tag = data[p]
        if tag == 1:
            length = struct.unpack_from(">H", data, p + 1)[0]
            utf[i] = data[p + 3: p + 3 + length].decode("utf-8", "replace")
            p += 3 + length
        elif tag == 7:
            cls[i] = struct.unpack_from(">H", data, p + 1)[0]
            p += 3
        elif tag in sizes:
            p += 1 + sizes[tag]
            i += 1 if tag in (5, 6) else 0
        else:
            return None
        i += 1
    this = struct.unpack_from(">H", data, p + 2)[0]
    p += 6
    p += 2 + 2 * struct.unpack_from(">H", data, p)[0]
    methods: list[str] = []
    for table in range(2):  # fields, then methods (same layout)
        count = struct.unpack_from(">H", data, p)[0]
        p += 2
        for _ in range(count):
            name = utf.get(struct.unpack_from(">H", data, p + 2)[0], "")
            attrs = struct.unpack_from(">H", data, p + 6)[0]
            p += 8
            for _ in range(attrs):
                p += 6 + struct.unpack_from(">I", data, p + 2)[0]
            if table == 1:
                methods.append(name)
    strings = list(utf.values())
    return ClassInfo(utf.get(cls.get(this, 0), "?").replace("/", "."), tuple(methods),
                     tuple(s for s in strings if "{}" in s and log_like(s.replace("{}", "x"))),
                     tuple(s for s in strings if "\x01" in s and log_like(s.replace("\x01", "x"))))


def log_like(text: str) -> bool:
    """Module docstring's filter."""
    return 12 <= len(text) <= 200 and not _BAD.search(text) and len(_PROSE.findall(text)) >= 2


@cache
def classes(groups: tuple[str, ...]) -> tuple[ClassInfo, ...]:
    """Every class of the newest version of each artifact under `~/.m2/repository/<group>` (sorted)."""
    newest: dict[str, str] = {}
    for group in groups:
        for jar in sorted(glob.glob(str(M2 / group / "**" / "*.jar"), recursive=True)):
            if jar.endswith(("-sources.jar", "-javadoc.jar", "-tests.jar")):
                continue
            artifact = str(Path(jar).parent.parent)
            newest[artifact] = max(newest.get(artifact, ""), jar)
    out = []
    for jar in sorted(newest.values()):
        try:
            z = zipfile.ZipFile(jar)
        except (zipfile.BadZipFile, OSError):
            continue
        for entry in sorted(z.namelist()):
            if entry.endswith(".class") and "module-info" not in entry:
                info = parse_class(z.read(entry))
                if info is not None:
                    out.append(info)
    return tuple(out)


def parse_pattern(text: str, placeholder: str, domain: str, kind_of: object) -> Template:
    """A slf4j pattern (`{}`) or a concat recipe (`\\x01`) as a Template; each slot's kind from `kind_of`."""
    pieces = text.split(placeholder)
    parts: list[str | Conv] = []
    for i, piece in enumerate(pieces):
        parts.append(piece)
        if i + 1 < len(pieces):
            kind = kind_of(piece, pieces[i + 1])  # type: ignore[operator]
            parts.append(Conv("{}", kind, i, "", None, None, before=piece, after=pieces[i + 1]))
    return Template(tuple(p for p in parts if p != ""), domain, text)
