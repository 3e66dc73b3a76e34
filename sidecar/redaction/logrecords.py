"""Values that reach the log through logging's own structures, apart from the words that name them (CLASSES11.md A21).

stdlib `logging/__init__.py`: a record keeps `msg` (the template) and `args` (the values) apart until it is formatted,
so `vars(record)` / python-json-logger dumps print `'msg': 'login with %s'` and `'args': ('<v>',)`, and
`Handler.handleError` prints `--- Logging error ---` ... `Message: '<template>'` then `Arguments: ('<v>',)` on separate
lines. Each string argument is judged as the formatted message would show it (the template's words before its slot
name it: `token=%s`), and by its own shape (unlabelled.credential_shaped: a generated key or a two-case password);
only the argument goes, the template and the other arguments stay.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from .spans import mark_spans
from .unlabelled import credential_shaped

_RECORD = re.compile(r"""\\{0,3}['"]msg\\{0,3}['"]:[ \t]*(?P<msg>'(?:[^'\\\n]|\\.){0,2000}'|"(?:[^"\\\n]|\\.){0,2000}")"""
                     r"""[^\n]{0,400}?\\{0,3}['"]args\\{0,3}['"]:[ \t]*(?P<args>\((?:[^()\n]|\([^()\n]*\)){0,2000}\))""")
_HANDLE_ERROR = re.compile(r"Message: (?P<msg>'(?:[^'\\\n]|\\.){0,2000}'|\"(?:[^\"\\\n]|\\.){0,2000}\")"
                           r"(?:\r?\n|\\n)Arguments: (?P<args>\((?:[^()\n]|\([^()\n]*\)){0,2000}\))")
_HEX = re.compile(r"[0-9a-fA-F]+(?:-[0-9a-fA-F]+)*")
# The template is attacker-controlled: `%999999999d` in a 150-byte line would make `msg % args` a 1 GB string (and
# `%*d` takes its width from args). A width or precision of three digits or more, or one taken from args, is never
# formatted; such a record's arguments are judged by their shape alone. Two digits bound the string to ~50x the line.
_WIDE = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d{3,}|\d*\.(?:\*|\d{3,}))")
HINTS = ("'args'", '"args"', "arguments: (")


def _literal(src: str) -> object:
    try:
        return ast.literal_eval(src)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


def record_args_sub(judge: Callable[[str], str], mark: str) -> Callable[[str], str]:
    """`judge`: the redactor, run on the formatted message."""
    def secret_args(msg: object, args: object) -> list[str]:
        if not isinstance(args, tuple):
            return []
        strings = [a for a in args if isinstance(a, str) and len(a) >= 6]
        if not strings:
            return []
        shown = ""
        if isinstance(msg, str) and not _WIDE.search(msg):
            try:
                shown = judge(msg % args)
            except (TypeError, ValueError, KeyError):
                shown = ""  # a failed format (the Logging error block's very cause): judged by shape alone
        # by shape: not bare hex (a request or trace id is the usual hex argument; a hex key is named in the template)
        return [a for a in strings if shown and a not in shown or credential_shaped(a) and not _HEX.fullmatch(a)]

    def sub(text: str) -> str:
        spans: list[tuple[int, int]] = []
        for rx in (_RECORD, _HANDLE_ERROR):
            for m in rx.finditer(text):
                for a in secret_args(_literal(m.group("msg")), _literal(m.group("args"))):
                    for q in (repr(a), repr(a)[1:-1]):
                        at = text.find(q, m.start("args"), m.end("args"))
                        if at >= 0:
                            spans.append((at + 1, at + len(q) - 1) if q.startswith(("'", '"')) else (at, at + len(q)))
                            break
        return mark_spans(text, spans, mark)
    return sub
