"""A UnicodeEncodeError: the process's encoding environment or our explicit codec (CLASSES10 F3).

The class, from CPython: a text stream encodes with the encoding it was opened with; stdout/stderr take the locale's
(a C/POSIX locale gives ASCII - 'ANSI_X3.4-1968' - unless UTF-8 mode is on, PEP 538/540) or PYTHONIOENCODING's; the
logging module's StreamHandler.emit writes to such a stream (Lib/logging/__init__.py: `stream.write(msg +
self.terminator)`, handleError prints '--- Logging error ---'). So the same "'ascii' codec can't encode" comes from:
- a WRITE to a text stream (print, .write, a logging handler's emit): every non-ASCII text fails while the environment
  says ASCII -> config (LANG/LC_ALL/PYTHONIOENCODING, or the image's locale);
- our code's explicit `.encode('ascii')` / `codecs.encode(..., 'latin-1')` in its own frame -> code.
The innermost frame's source line decides; a write while a record shows a UTF-8 environment is not the environment
(a file we opened with its own encoding): unchanged. Only over the catch-all, below 0.6.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE

WRITE = 0.45
WRITE_ASCII_ENV = 0.55
EXPLICIT = 0.5
_CODEC = re.compile(r"'(?P<codec>ascii|latin-1|latin1|iso-8859-1|charmap|ANSI_X3\.4-1968|cp\d{3,4})' codec can't encode",
                    re.I)
_SOURCE = re.compile(r"^\s*File \"[^\"]+\", line \d+, in [^\n]+\n(?P<src>[^\n]+)", re.M)
_EXPLICIT = re.compile(r"\.encode\(\s*(?:encoding\s*=\s*)?['\"]|codecs\.encode\(|\.encode\(\s*[A-Z_]*ENCODING")
_WRITE = re.compile(r"\bprint\(|\.write\(|\.writelines\(|\bemit\(")
_ASCII_ENV = re.compile(r"\b(?:LANG|LC_ALL|LC_CTYPE)\s*=\s*(?:C|POSIX)\b(?!\.)|PYTHONIOENCODING\s*=\s*(?:ascii|latin)"
                        r"|ANSI_X3\.4-1968|encoding[ :=]+ascii\b", re.I)
_UTF8_ENV = re.compile(r"\b(?:LANG|LC_ALL|LC_CTYPE)\s*=\s*[\w.]*UTF-?8|PYTHONIOENCODING\s*=\s*utf-?8|PYTHONUTF8\s*=\s*1",
                       re.I)


def stdio_encoding_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or the encode failure's side by the innermost frame's source line (module docstring)."""
    if not (inp.exception_type or "").endswith("UnicodeEncodeError") or d.confidence >= 0.6 or d.category != "unknown":
        return d
    codec = _CODEC.search(inp.exception_message or "")
    sources = [m.group("src").strip() for m in _SOURCE.finditer(inp.traceback)]
    if codec is None or not sources:
        return d
    inner = sources[-1]
    before = [c[:LINE] for c in inp.context[-CONTEXT:]]
    if _EXPLICIT.search(inner):
        return _answer(d, "code", EXPLICIT, f"Our code encodes text with the {codec.group('codec')} codec",
                       f"The failing line encodes explicitly ({inner[:120]}); text outside the codec's range cannot be "
                       "encoded, whatever the environment.",
                       "Encode with UTF-8 (or errors='replace' where the target really is ASCII).")
    if not _WRITE.search(inner) or any(_UTF8_ENV.search(line) for line in before):
        return d
    env = next((line.strip() for line in reversed(before) if _ASCII_ENV.search(line)), None)
    return _answer(d, "config", WRITE_ASCII_ENV if env else WRITE,
                   f"Writing non-ASCII text to a stream opened as {codec.group('codec')} (the process's encoding)",
                   "The stream's encoding comes from the environment (a C/POSIX locale or PYTHONIOENCODING): every "
                   "record or line with a non-ASCII character fails the same way.",
                   "Run with a UTF-8 locale (LANG=C.UTF-8) or PYTHONIOENCODING=utf-8 / PYTHONUTF8=1 in the service's "
                   "environment.", env)


def _answer(d: Diagnosis, category: str, confidence: float, summary: str, root_cause: str, fix: str,
            line: str | None = None) -> Diagnosis:
    return d.reanswered(
        category=category, severity="medium", confidence=confidence, rule="unicode-encode-side",
        summary=summary, root_cause=root_cause, suggested_fix=[fix],
        evidence=[*([line] if line else [])])
