"""True log templates read from installed Python source with `ast`: one template per distinct call site text.

Part of the held-out grouping benchmark (bench/grouping_heldout.py; written by a writer who never read the
grouping code; the grouping's author must not read or run it). A template is what a log statement or a
raised message can print: literal text and slots, each slot remembering the expression that fills it (its
name, attribute, call or subscript) and its format spec, so that bench/heldout_values.py can draw a value of
the right kind. Read: `<logger>.<level>(fmt, *args)` and `.log(level, fmt, ...)` with a %-format, f-string,
`str.format` or `%` operand; `warnings.warn(...)`; `raise X(<formatted message>)`. Dropped: templates with
fewer than 2 constant words, newlines or tabs in the text, `%`-formats whose arguments do not line up
(`*args`, a tuple variable), and texts past 240 characters. Call sites with the same text are one template
(no grouper could tell them apart).
"""

from __future__ import annotations

import ast
import re
import string
import sysconfig
from dataclasses import dataclass
from pathlib import Path

LEVELS = {"debug": "DEBUG", "info": "INFO", "warning": "WARNING", "warn": "WARNING", "error": "ERROR",
          "exception": "ERROR", "critical": "CRITICAL", "fatal": "CRITICAL"}
PERCENT = re.compile(r"%(?:\((?P<key>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])")
WORD = re.compile(r"[A-Za-z]{2,}")
MAX_LEN = 240
SLOT = "<*>"


@dataclass(frozen=True)
class Slot:
    """One variable part: `hint` is the filling expression's source (`self.host`, `len(items)`), `spec` the format."""

    hint: str
    spec: str  # 's', 'r', 'd', 'x', 'f', ... (the %-conversion or the f-string's !conversion/format spec)
    const: str | None = None  # the argument was a literal: its value is fixed at this call site


@dataclass(frozen=True)
class Template:
    """A call site's text: `parts` alternate literal text (str) and Slot; `origin` is 'pkg/file.py:line'."""

    parts: tuple[str | Slot, ...]
    level: str
    logger: str
    origin: str
    via: str = "log"  # 'log' (a logger call), 'warn' (warnings.warn) or 'raise' (a formatted exception message)

    @property
    def text(self) -> str:
        """The true template as Loghub writes it: every slot is `<*>`, one per slot whatever its value holds."""
        return "".join(p if isinstance(p, str) else SLOT for p in self.parts)


def constant_words(parts: tuple[str | Slot, ...]) -> int:
    return sum(len(WORD.findall(p)) for p in parts if isinstance(p, str))


def _hint(node: ast.expr) -> str:
    return ast.unparse(node)[:80]


def _const(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float) and not isinstance(node.value, bool):
        return str(node.value)
    return None


def _percent(fmt: str, args: list[ast.expr]) -> tuple[str | Slot, ...] | None:
    """Split a %-format over its arguments; None when they do not line up one to one."""
    parts: list[str | Slot] = []
    pos = 0
    i = 0
    named: dict[str, ast.expr] = {}
    if len(args) == 1 and isinstance(args[0], ast.Dict):
        named = {k.value: v for k, v in zip(args[0].keys, args[0].values, strict=True)
                 if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    for m in PERCENT.finditer(fmt):
        if "*" in m.group(0):
            return None
        parts.append(fmt[pos:m.start()])
        pos = m.end()
        conv = m.group("conv")
        if conv == "%":
            parts.append("%")
            continue
        key = m.group("key")
        if key is not None:
            node = named.get(key)
            parts.append(Slot(key, conv, _const(node) if node is not None else None))
            continue
        if i >= len(args) or isinstance(args[i], ast.Starred):
            return None
        parts.append(Slot(_hint(args[i]), conv, _const(args[i])))
        i += 1
    if i != len(args) and not named:
        return None
    parts.append(fmt[pos:])
    return tuple(parts)


def _fstring(node: ast.JoinedStr) -> tuple[str | Slot, ...] | None:
    parts: list[str | Slot] = []
    for v in node.values:
        if isinstance(v, ast.Constant) and isinstance(v.value, str):
            parts.append(v.value)
        elif isinstance(v, ast.FormattedValue):
            spec = "r" if v.conversion == ord("r") else "s"
            if isinstance(v.format_spec, ast.JoinedStr):
                fixed = [s.value for s in v.format_spec.values if isinstance(s, ast.Constant)]
                if len(fixed) == len(v.format_spec.values) and fixed:
                    spec = str(fixed[0]) or spec
            parts.append(Slot(_hint(v.value), spec, _const(v.value)))
        else:
            return None
    return tuple(parts)


def _dotformat(fmt: str, args: list[ast.expr], kwargs: dict[str, ast.expr]) -> tuple[str | Slot, ...] | None:
    parts: list[str | Slot] = []
    auto = 0
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return None
    for literal, field, spec, conv in fields:
        parts.append(literal)
        if field is None:
            continue
        base = re.split(r"[.\[]", field, maxsplit=1)[0]
        node: ast.expr | None
        if base == "":
            node = args[auto] if auto < len(args) else None
            auto += 1
        elif base.isdigit():
            node = args[int(base)] if int(base) < len(args) else None
        else:
            node = kwargs.get(base)
        if node is None or isinstance(node, ast.Starred):
            return None
        kind = "r" if conv == "r" else (spec or "s")
        parts.append(Slot(_hint(node) + field[len(base):], kind, _const(node)))
    return tuple(parts)


def message_parts(msg: ast.expr, args: list[ast.expr]) -> tuple[str | Slot, ...] | None:
    """The literal/slot split of a message expression (with the call's remaining positional args)."""
    if isinstance(msg, ast.Constant) and isinstance(msg.value, str):
        return _percent(msg.value, args) if args else (msg.value,)
    if isinstance(msg, ast.JoinedStr) and not args:
        return _fstring(msg)
    if isinstance(msg, ast.BinOp) and isinstance(msg.op, ast.Mod) and not args:
        if isinstance(msg.left, ast.Constant) and isinstance(msg.left.value, str):
            right = msg.right
            rargs = list(right.elts) if isinstance(right, ast.Tuple) else [right]
            return _percent(msg.left.value, rargs)
        return None
    if (isinstance(msg, ast.Call) and isinstance(msg.func, ast.Attribute) and msg.func.attr == "format"
            and isinstance(msg.func.value, ast.Constant) and isinstance(msg.func.value.value, str) and not args):
        kw = {k.arg: k.value for k in msg.keywords if k.arg}
        return _dotformat(msg.func.value.value, list(msg.args), kw)
    return None


def _merge(parts: tuple[str | Slot, ...]) -> tuple[str | Slot, ...]:
    out: list[str | Slot] = []
    for p in parts:
        if isinstance(p, str) and out and isinstance(out[-1], str):
            out[-1] += p
        elif p != "":
            out.append(p)
    return tuple(out)


def _is_logger(node: ast.expr) -> bool:
    name = ast.unparse(node).lower()
    return "log" in name.rsplit(".", 1)[-1] or name == "logging"


def _usable(parts: tuple[str | Slot, ...]) -> bool:
    text = "".join(p for p in parts if isinstance(p, str))
    return ("\n" not in text and "\t" not in text and "\r" not in text and constant_words(parts) >= 2
            and len(text) + 3 * sum(1 for p in parts if isinstance(p, Slot)) <= MAX_LEN
            and any(isinstance(p, str) and p.strip() for p in parts))


def templates_in(source: str, module: str, origin: str) -> list[Template]:
    """Every usable logging call, warning and formatted raise in one module's source."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found: list[Template] = []
    for node in ast.walk(tree):
        parts: tuple[str | Slot, ...] | None = None
        level, via = "ERROR", "log"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            attr = node.func.attr
            if attr in LEVELS and _is_logger(node.func.value):
                parts, level = message_parts(node.args[0], list(node.args[1:])), LEVELS[attr]
            elif attr == "log" and _is_logger(node.func.value) and len(node.args) >= 2:
                lvl = ast.unparse(node.args[0]).rsplit(".", 1)[-1].lower()
                parts, level = message_parts(node.args[1], list(node.args[2:])), LEVELS.get(lvl, "INFO")
            elif attr == "warn" and ast.unparse(node.func.value) == "warnings":
                parts, level, via = message_parts(node.args[0], []), "WARNING", "warn"
        elif (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args
              and not isinstance(node.exc.args[0], ast.Constant)):
            parts = message_parts(node.exc.args[0], [])
            if parts is not None:
                exc = ast.unparse(node.exc.func).rsplit(".", 1)[-1]
                parts, via = (f"{exc}: ",) + parts, "raise"
        if parts is None:
            continue
        parts = _merge(parts)
        if _usable(parts) and any(isinstance(p, Slot) for p in parts):
            found.append(Template(parts, level, module, f"{origin}:{getattr(node, 'lineno', 0)}", via))
    return found


def source_roots() -> list[Path]:
    """The running interpreter's standard library and site-packages (where the installed source is)."""
    paths = sysconfig.get_paths()
    return [Path(paths["stdlib"]), Path(paths["purelib"])]


def package_dir(package: str) -> Path | None:
    for root in source_roots():
        candidate = root / package
        if candidate.is_dir():
            return candidate
    return None


def package_templates(package: str) -> list[Template]:
    """Distinct templates of one installed top-level package (tests and vendored copies left out), sorted."""
    root = package_dir(package)
    if root is None:
        return []
    by_text: dict[str, Template] = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent)
        if any(part in ("tests", "test", "_vendor", "vendor", "testing") for part in rel.parts):
            continue
        module = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
        try:
            source = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for t in templates_in(source, module, str(rel)):
            by_text.setdefault(t.text, t)
    return [by_text[k] for k in sorted(by_text)]
