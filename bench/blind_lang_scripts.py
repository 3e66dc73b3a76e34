"""Log statements of JavaScript (npm) and Perl programs, read from their installed sources (blind language benchmark).

Part of bench/grouping_heldout_lang.py: written by a writer who never read the grouping; the grouping's author
must not read or run it.

npm: the CLI's own sources under `/usr/lib/node_modules/npm` (`lib/` and its bundled `@npmcli/*`, `pacote`,
`npm-registry-fetch`, ... in `node_modules/`) log through `proc-log`: `log.warn(title, ...args)`; npm's
display writes `title` then `util.format(...args)` (a `%s`/`%d`/`%j` in the first string argument takes the
next argument; the others are appended with one blank). Each call is a statement: its literal arguments and
the literal parts of its template literals are the template, every `${expr}` and every non-literal argument
a slot (kind from the expression's identifiers, bench/blind_lang_values.py `js_kind`). Calls spanning a
newline inside a literal, or with no literal text at all, are dropped.

Perl: the modules under `/usr/share/perl5` and `/usr/share/perl/5.*` (pure-Perl libraries of Debian's
tools and of the Perl core). A statement is `die`/`warn`/`croak`/`carp`/`confess`/`cluck` with ONE
double-quoted string as its message (`perlop` "Quote and Quote-like Operators": `$name`, `${name}`,
`$x->{k}`, `$x{k}`, `$x[0]`, `@list`, `@{...}`, `$!`, `$@` interpolate; each is a slot). Its location is a
trailing field written by perl (`perlfunc` die/warn: ` at FILE line N.` unless the text ends in `\\n`); for
`die`/`warn` FILE and N are the statement's own (the real file and line), for Carp's `croak`/`carp` they are
the CALLER's (bench/blind_lang_logs.py draws 1-4 caller locations per statement).
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass
from functools import cache

from blind_c_catalog import Conv, Template
from blind_lang_values import js_kind, perl_kind

NPM = "/usr/lib/node_modules/npm"
LEVELS = ("error", "warn", "notice", "http", "info", "verbose", "silly", "timing")
_CALL = re.compile(r"\blog\.(" + "|".join(LEVELS) + r")\(")
_PROSE = re.compile(r"\b[a-z]{3,}\b")


def _scan_args(src: str, start: int) -> tuple[list[str], int] | None:
    """The top-level arguments of a call whose `(` is at `start - 1`: strings, template literals (with `${}`
    nesting) and brackets are skipped over. None when the call does not close within 600 characters."""
    args, depth, i, cur = [], 0, start, start
    end = min(len(src), start + 600)
    while i < end:
        ch = src[i]
        if ch in "'\"":
            j = i + 1
            while j < end and src[j] != ch:
                j += 2 if src[j] == "\\" else 1
            i = j
        elif ch == "`":
            j, inner = i + 1, 0
            while j < end and (src[j] != "`" or inner):
                if src[j] == "\\":
                    j += 1
                elif src.startswith("${", j):
                    inner += 1
                elif src[j] == "}" and inner:
                    inner -= 1
                j += 1
            i = j
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                args.append(src[cur:i].strip())
                return [a for a in args if a], i
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(src[cur:i].strip())
            cur = i + 1
        i += 1
    return None


def _literal(arg: str) -> list[str | tuple[str, str]] | None:
    """A string or template literal as pieces (text, or ('slot', expr)); None when `arg` is not a literal."""
    if len(arg) >= 2 and arg[0] == arg[-1] and arg[0] in "'\"" and arg[0] not in arg[1:-1].replace("\\" + arg[0], ""):
        return [arg[1:-1].replace("\\" + arg[0], arg[0])]
    if len(arg) >= 2 and arg[0] == arg[-1] == "`":
        body, out, pos = arg[1:-1], [], 0
        for m in re.finditer(r"\$\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}", body):
            out += [body[pos:m.start()], ("slot", m.group(1))]
            pos = m.end()
        return [*out, body[pos:]]
    return None


def _template(pieces: list[str | tuple[str, str]], domain: str, ident: str) -> Template | None:
    parts: list[str | Conv] = []
    text = ""
    for n, p in enumerate(pieces):
        if isinstance(p, tuple):
            parts.append(Conv("${}", js_kind(p[1]) if domain == "npm" else perl_kind(p[1]), n, "", None, None,
                              before=text[-30:], after=""))
        else:
            parts.append(p)
            text += p
    words = " ".join(p for p in parts if isinstance(p, str))
    if "\n" in words or "\\n" in words.rstrip("\\n") or len(_PROSE.findall(words)) < 1 or not words.strip():
        return None
    return Template(tuple(p for p in parts if p != ""), domain, ident)


@dataclass(frozen=True)
class NpmCall:
    """One `log.<level>(...)` call: its level and its message template (title first)."""

    level: str
    template: Template


@cache
def npm_calls() -> tuple[NpmCall, ...]:
    """Every usable log call of npm's sources (module docstring), in file order."""
    out: list[NpmCall] = []
    seen: set[tuple[str, str]] = set()
    for path in sorted(glob.glob(f"{NPM}/lib/**/*.js", recursive=True) + glob.glob(f"{NPM}/node_modules/**/*.js", recursive=True)):
        with open(path, encoding="utf-8", errors="replace") as f:
            src = f.read()
        for m in _CALL.finditer(src):
            scanned = _scan_args(src, m.end())
            if scanned is None or not scanned[0]:
                continue
            pieces: list[str | tuple[str, str]] = []
            for k, arg in enumerate(scanned[0]):
                lit = _literal(arg)
                if k:
                    pieces.append(" ")
                if lit is None:
                    if arg.startswith(("{", "...")):
                        break  # an options object / spread: npm's META, not printed
                    pieces.append(("slot", arg))
                else:
                    pieces += lit
            pieces = _printf(pieces)
            t = _template(pieces, "npm", f"{path}:{m.start()}")
            if t is not None and (m.group(1), t.text) not in seen:
                seen.add((m.group(1), t.text))
                out.append(NpmCall(m.group(1), t))
    return tuple(out)


def _printf(pieces: list[str | tuple[str, str]]) -> list[str | tuple[str, str]]:
    """`util.format`: a `%s`/`%d`/`%j`/`%o` in a literal takes the next slot argument in its place."""
    out: list[str | tuple[str, str]] = []
    queue = [p for p in pieces if isinstance(p, tuple)]
    used: set[int] = set()
    for p in pieces:
        if isinstance(p, tuple):
            if id(p) not in used:
                out.append(p)
            continue
        bits = re.split(r"(%[sdjoOif])", p)
        for b in bits:
            if re.fullmatch(r"%[sdjoOif]", b):
                nxt = next((q for q in queue if id(q) not in used), None)
                if nxt is None:
                    out.append(b)  # no argument left: util.format prints it literally (S36)
                else:
                    used.add(id(nxt))
                    out.append(nxt)
            elif b:
                out.append(b)
    return out


# ---- Perl ----

PERL_ROOTS = ("/usr/share/perl5", *sorted(glob.glob("/usr/share/perl/5.*")))
_PERL = re.compile(r"\b(die|warn|croak|carp|confess|cluck)\s*\(?\s*\"((?:[^\"\\\n]|\\.)*)\"\s*(?:\)\s*)?(?:;|\bif\b|\bunless\b|\bor\b)")
_INTERP = re.compile(r"\$(?:\{\^?\w+\}|[!@0]|\w+(?:::\w+)*(?:->)?(?:\{[\w$'\"-]*\}|\[[\w$-]*\])*)|@\{[^}]*\}|@\w+")


@dataclass(frozen=True)
class PerlStmt:
    """One die/warn/croak/carp statement: function, file, line, whether perl appends its location."""

    func: str
    file: str
    line: int
    located: bool
    template: Template


@cache
def perl_statements() -> tuple[PerlStmt, ...]:
    """Every usable Perl statement (module docstring), in file order."""
    out: list[PerlStmt] = []
    seen: set[str] = set()
    for root in PERL_ROOTS:
        for path in sorted(glob.glob(f"{root}/**/*.pm", recursive=True)):
            with open(path, encoding="utf-8", errors="replace") as f:
                src = f.read()
            for m in _PERL.finditer(src):
                body = m.group(2)
                located = not body.endswith("\\n")
                body = body[:-2] if not located else body
                if "\\n" in body or "\\t" in body or len(body) < 12:
                    continue
                pieces: list[str | tuple[str, str]] = []
                pos = 0
                for v in _INTERP.finditer(body):
                    if v.group(0) == "@" or (v.start() and body[v.start() - 1] == "\\"):
                        continue
                    pieces += [body[pos:v.start()], ("slot", v.group(0))]
                    pos = v.end()
                pieces.append(body[pos:])
                pieces = [p if isinstance(p, tuple) else re.sub(r"\\(.)", r"\1", p) for p in pieces]
                t = _template(pieces, "perl", f"{path}:{m.start()}")
                if t is None or t.text in seen:
                    continue
                seen.add(t.text)
                out.append(PerlStmt(m.group(1), path, src.count("\n", 0, m.start()) + 1, located, t))
    return tuple(out)
