"""Message templates of ELF programs with no gettext catalog, read from their binaries (blind ELF benchmark).

Part of bench/grouping_heldout_elf.py: written by a writer who never read the grouping; the grouping's author
must not read or run it. A C program's log format strings are string literals, stored NUL-terminated in the
binary's `.rodata` (ELF gABI; `strings(1)` prints every run of >= N printable bytes). Programs without a
gettext catalog (systemd, dbus, OpenSSH, libcurl, SQLite, HotSpot, libasound, iproute2) have no msgid list, so
the format strings are read from the installed binary itself with `strings -a -n 8`.

A string is kept as a template when (counted per program in `--stats`):
  1. it parses as a C printf format (bench/blind_c_catalog.parse: every `%` is a C99/POSIX conversion; SQLite's
     private `%q %Q %w %T`, Go verbs, Python's `%(name)s` are refused) and holds at least one conversion;
  2. it reads as a log line (bench/blind_c_catalog.log_like: one line, 16-220 chars, >= 2 words, no help
     text, no prompt) AND as prose, not data: >= 2 lower-case words of >= 3 letters outside the conversions,
     no SQL statement (`SELECT`, `CREATE`, ...: SQLite's internal queries), no markup or JSON (`<`, `{"`),
     no C identifiers joined by `_`/`::` making up most of the words, no `%s` used as a whole line prefix
     glued to a path (`%s/%s`) without words;
  3. it is not a line of a usage/--help table (two blanks inside, or a leading dash) - log_like covers it.
Strings with no conversion are kept too when they read as a sentence (a capital first, 3-14 words, letters
only but for final punctuation and `-`/`'`) and the program has such messages; the log generator caps their
share (bench/blind_elf_logs.py).
"""

from __future__ import annotations

import re
import subprocess
from functools import cache

from blind_c_catalog import CONV, Template, log_like, parse

_SQL = re.compile(r"^\s*(?:SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WITH|ATTACH|DETACH|REPLACE|VACUUM|"
                  r"ANALYZE|BEGIN|COMMIT|SAVEPOINT|RELEASE)\b")
_DATA = re.compile(r"<[/a-zA-Z!?]|\{\"|\\[nt\"]|^%s/%s|\$\{|&&|\|\||==|!=|->|\(\)")
_LOWER = re.compile(r"\b[a-z]{3,}\b")
_IDENT = re.compile(r"\b\w+(?:_\w+|::\w+)+\b")
_SENTENCE = re.compile(r"[A-Z][a-z]+(?:[ -][A-Za-z']+){2,13}[.!]?")


def binary_strings(path: str) -> tuple[str, ...]:
    """Every printable run of >= 8 bytes in `path` (`strings -a -n 8`: all sections, not only data)."""
    out = subprocess.run(["strings", "-a", "-n", "8", path], capture_output=True, check=True).stdout
    return tuple(out.decode("utf-8", "replace").splitlines())


def prose(fmt: str) -> bool:
    """Whether a printf format reads as a message (rule 2 of the module docstring)."""
    if _SQL.match(fmt) or _DATA.search(fmt):
        return False
    words = CONV.sub(" ", fmt)
    lowers = _LOWER.findall(words)
    if len(lowers) < 2:
        return False
    return len(_IDENT.findall(words)) * 2 <= len(words.split())


def sentence(s: str) -> bool:
    """A conversion-free string that reads as a log sentence (module docstring)."""
    return (_SENTENCE.fullmatch(s) is not None and 16 <= len(s) <= 140 and "%" not in s
            and len(_LOWER.findall(s)) >= 2)


@cache
def templates(paths: tuple[str, ...], name: str) -> tuple[Template, ...]:
    """The log-like format strings of one program's binaries, in file order, each once."""
    out: list[Template] = []
    seen: set[str] = set()
    for path in paths:
        for s in binary_strings(path):
            s = s.strip("\r")
            if s in seen:
                continue
            if CONV.search(s.replace("%%", "")):
                if not (log_like(s) and prose(s)):
                    continue
                t = parse(s, name, s)
                if t is None or not t.convs:
                    continue
            elif sentence(s) and log_like(s):
                t = parse(s, name, s)
                if t is None:
                    continue
            else:
                continue
            seen.add(s)
            out.append(t)
    return tuple(out)
