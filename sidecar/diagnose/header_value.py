"""A header value refused by the HTTP client for a CR/LF in it (CLASSES10 F8): whose value was it.

The class, from the clients' own checks (the only two places this refusal is raised before a byte is sent):
- h11 `_headers.py` `normalize_and_validate` matches every field value against `field_value` (RFC 7230: no CR, LF
  or NUL) and raises `LocalProtocolError("Illegal header value {value!r}")`; httpx/httpcore re-raise it as
  `httpx.LocalProtocolError` / `httpcore.LocalProtocolError` (httpx/_transports/default.py map_httpcore_exceptions).
- aiohttp `_http_writer.pyx` `_write_str_raise_on_nlcr` ("Forbidden control character detected in headers. Potential
  header injection attack.") and the pure-Python `http_writer.py` `_safe_header` ("Newline or carriage return
  character detected in HTTP status message or header. This is a potential security issue.") raise ValueError.
The refusal says only that the value held a line break. Its ORIGIN decides (CLASSES10 F8, doctrine "the origin of
the bad value"): a credential loaded from a secret file or an env file keeps the file's trailing newline (config:
the secret's storage; python-dotenv keeps what is inside quotes, a docker secret file ends with the editor's newline);
a header a user put in a tool call's arguments is the user's (unknown). With neither record the class layer's reading
of the printed value stays (protocol_causes.py: a credential-shaped value -> config, another -> code; aiohttp prints no
value, so its refusal stays the catch-all). A secret file's record still leaves our code joining values possible, so
config stays below 0.6.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE
from .tool_calls import tool_call_before

SECRET_FILE = 0.55
USER_HEADER = 0.35
_REFUSAL = re.compile(r"Illegal header value|Forbidden control character detected in headers"
                      r"|Newline or carriage return character detected in HTTP status message or header")
_TOOL_CALL = re.compile(r"\btools/call\s+(?P<tool>[\w.-]{1,60})\b[^\n]{0,400}\bheaders?\b", re.I)
# a credential-looking setting read from a file (docker secret, env_file, /run/secrets, a key file)
_SECRET_LOAD = re.compile(r"\b(?P<var>[A-Z][A-Z0-9]{1,30}(?:_[A-Z0-9]{1,30}){0,6}_(?:KEY|TOKEN|SECRET|PASSWORD))\b"
                          r"[^\n]{0,120}(?:/run/secrets/|env_file|\.env\b|secret|from file|_FILE\b)", re.I)


def header_value_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or the header refusal's origin when the record is the clients' CR/LF refusal (module docstring)."""
    if not _REFUSAL.search(inp.exception_message or "") and not _REFUSAL.search(inp.traceback[-4000:]):
        return d
    found = tool_call_before(inp, _TOOL_CALL)
    if found is not None:
        line, tool = found
        return _answer(d, inp, "unknown", "low", USER_HEADER, line,
                       f"A header a user gave the {tool} tool holds a line break",
                       "The tool call's arguments carried the header; the HTTP client refuses a value with CR/LF "
                       "(header injection). The user's input, not a setting of ours.",
                       "Answer the user with the client's error; validate tool-supplied headers before the request.")
    before = [c[:LINE] for c in inp.context[-CONTEXT:]]
    for line in reversed(before):
        m = _SECRET_LOAD.search(line)
        if m is not None:
            return _answer(d, inp, "config", "high", SECRET_FILE, line,
                           f"A credential header holds a line break: {m.group('var')} as loaded",
                           f"{m.group('var')} is read from a file (secret/env file) and keeps its trailing newline or "
                           "carriage return; the HTTP client refuses the header before sending, on every request.",
                           f"Rewrite the stored value of {m.group('var')} without the trailing newline (or strip it "
                           "where it is loaded) and restart.")
    return d  # no origin record: the class layer's reading of the value stays (protocol_causes.py)


def _answer(d: Diagnosis, inp: DiagnosisInput, category: str, severity: str, confidence: float, line: str | None,
            summary: str, root_cause: str, fix: str) -> Diagnosis:
    evidence = [line.strip()] if line else []
    return d.reanswered(
        category=category, severity=severity, confidence=confidence, rule="header-value-crlf",
        summary=f"{summary} ({inp.exception_type})", root_cause=root_cause, suggested_fix=[fix],
        evidence=[*evidence])
