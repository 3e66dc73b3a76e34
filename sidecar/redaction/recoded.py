"""Values a tool re-encodes as it writes them, judged decoded (issue 18, round 12; CLASSES13.md A44/A55).

- libedit history files (`~/.mysql_history`, `~/.sqlite_history`, other editline clients): each line goes through
  vis(3) with VIS_WHITE, so a blank is written `\\040`, a tab `\\011`, a backslash `\\134` (three octal digits). The
  command `ALTER\\040USER\\040...IDENTIFIED\\040BY\\040'pw'` only reads as SQL once decoded. Decoded per line; a line
  whose decoded form loses something to the redactor is replaced by that redacted form (blanks shown as blanks).
- Linux audit records (auditd `type=EXECVE ... a0="mysql" a1=2D70...`, `type=PROCTITLE proctitle=6D7973...`): a value
  the kernel did not quote is hex of its bytes (audit_log_untrustedstring: it held a blank, a quote or a control
  character), and `proctitle` is the argv joined by NUL bytes, in hex. `ausearch -i` shows them decoded. The argv is
  decoded and judged joined by blanks (a `-p<password>` switch, `--password x`, `IDENTIFIED BY`); each hex argument
  that held what the redactor took is marked whole.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable

from .spans import mark_spans

_OCTAL = re.compile(r"\\{1,2}([0-3][0-7]{2})")
# a line holding vis(3)'s blank or tab; anchored at line starts (where every match began anyway): unanchored, the
# leading [^\n]* was retried at every character, quadratic on a long line without the escape (1.2 s at 20,000)
_VIS_LINE = re.compile(r"(?m)^[^\n]*\\{1,2}0(?:40|11)[^\n]*")
VIS_HINTS = ("\\040", "\\011")


def vis_sub(redact: Callable[[str], str]) -> Callable[[str], str]:
    """Decode vis(3) octal escapes line by line and keep the redacted decoded line where it lost a secret."""
    def sub(text: str) -> str:
        def line(m: re.Match[str]) -> str:
            raw = m.group(0)
            decoded = _OCTAL.sub(lambda o: chr(int(o.group(1), 8)) if o.group(1) != "134" else "\\", raw)
            judged = redact(decoded)
            return judged if judged != decoded else raw
        return _VIS_LINE.sub(line, text)
    return sub


_EXECVE = re.compile(r"type=EXECVE[^\n]*?argc=\d+(?P<args>(?:[ \t]+a\d+(?:\[\d+\])?=(?:\\{0,3}\"[^\"\n]*?\\{0,3}\"|[0-9A-F]+))+)")
_ARG = re.compile(r"a\d+(?:\[\d+\])?=(?:\\{0,3}\"(?P<q>[^\"\n]*?)\\{0,3}\"|(?P<hex>[0-9A-F]+))")
_PROCTITLE = re.compile(r"proctitle=(?P<hex>(?:[0-9A-F]{2}){4,})")
AUDIT_HINTS = ("type=execve", "proctitle=")


def _unhex(h: str) -> str | None:
    try:
        return binascii.unhexlify(h).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None


def audit_sub(redact: Callable[[str], str], mark: str) -> Callable[[str], str]:
    """Mark a hex argv element (EXECVE `aN=`, `proctitle=`) whose decoded text the redactor takes a secret from."""
    def lost(words: list[str]) -> list[bool]:
        judged = redact(" ".join(words))
        return [bool(w.strip()) and w not in judged for w in words]

    def sub(text: str) -> str:
        spans: list[tuple[int, int]] = []
        for m in _EXECVE.finditer(text):
            args = list(_ARG.finditer(text, m.start("args"), m.end("args")))
            words = [a.group("q") if a.group("hex") is None else (_unhex(a.group("hex")) or "") for a in args]
            spans += [a.span("hex") for a, gone in zip(args, lost(words), strict=True) if gone and a.group("hex")]
        for m in _PROCTITLE.finditer(text):
            decoded = _unhex(m.group("hex"))
            if decoded is not None and any(lost(decoded.split("\0"))):
                spans.append(m.span("hex"))
        return mark_spans(text, spans, mark)
    return sub
