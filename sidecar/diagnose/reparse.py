"""Whose value a strict standard parser refused, found by giving each candidate value to that same parser.

CLASSES10 H4: a user's value parsed strictly (a network with host bits set, a URL with a bad port or an empty label,
an ISO date with an out-of-range field, a malformed UUID) is the user's input - an honest unknown; the same parser
refusing a SETTING (the gateway's own URL, allow-list or id printed at start-up) is config. The error often does not
quote the value ("badly formed hexadecimal UUID string", "month must be in 1..12"), so matching words cannot tell the
two apart. The parsers are deterministic: the candidate that makes the same parser raise the same message is the
value that failed. Candidates: the string arguments of the same request's tool-call record (tied by its request id,
following.request_id) and the NAME=value settings the records before print (setting_lines.py).

Parsers and their refusal texts, from their source: `LIB/ipaddress.py` (`ip_network(strict=True)`: "has host bits
set", "does not appear to be an IPv4 or IPv6 network"), `LIB/uuid.py` (`UUID()`: "badly formed hexadecimal UUID
string"), `LIB/datetime.py` (`date/datetime.fromisoformat`: "month must be in 1..12", "Invalid isoformat string"),
`SP/httpx/_urlparse.py` (`urlparse`: InvalidURL "Invalid port", "Invalid IPv6 address", ...), `LIB/encodings/idna.py`
("label empty or too long"). Each candidate is at most MAX_VALUE characters and only these pure parsers run on it
(log content is attacker-controlled: nothing else is evaluated; the tool call's arguments are read by
ast.literal_eval, which builds literals only).
"""

from __future__ import annotations

import ast
import ipaddress
import json
import re
import uuid
from collections.abc import Callable
from datetime import date, datetime

import httpx

from .following import request_id
from .model import Diagnosis, DiagnosisInput, one_line
from .setting_lines import settings_before
from .users_input import the_users

MAX_VALUE = 512
MAX_ARGS = 4096
BY_SETTING = 0.5
BY_INPUT = 0.35

# (the refusal texts, the parsers, the words a setting's NAME holding such a value has): a refusal that does not quote
# the value ("badly formed hexadecimal UUID string") is reproduced by ANY malformed string - EXAI_ENV=docker too - so
# a setting then counts only when its name says it holds that kind of value
_PARSERS: tuple[tuple[re.Pattern[str], tuple[Callable[[str], object], ...], re.Pattern[str]], ...] = (
    (re.compile(r"host bits set|does not appear to be an IPv[46]|Octet|Expected \d+ octets", re.I),
     (lambda v: ipaddress.ip_network(v, strict=True), ipaddress.ip_address),
     re.compile(r"NETWORK|CIDR|SUBNET|ALLOW|TRUSTED|PROX|(?:^|_)IPS?(?:_|$)|ADDR")),
    (re.compile(r"badly formed hexadecimal UUID string"), (uuid.UUID,), re.compile(r"(?:^|_)(?:U|G)?ID(?:S)?(?:_|$)")),
    (re.compile(r"must be in \d+\.\.\d+|day is out of range for month|Invalid isoformat string"),
     (date.fromisoformat, datetime.fromisoformat), re.compile(r"DATE|SINCE|UNTIL|START|END|DAY|FROM|CUTOFF|EXPIR")),
    (re.compile(r"Invalid (?:port|IPv[46] address|non-printable ASCII character in URL|URL component)|"
                r"InvalidURL|label empty or too long", re.I), (httpx.URL, lambda v: v.encode("idna")),
     re.compile(r"URL|URI|HOST|ENDPOINT|WEBHOOK|DSN|BASE")),
)
_PROBES = ("x", "not-a-value-9")
_ARGS = re.compile(r"\b(?:args|arguments|params|parameters|input)\s*[=:]\s*(?P<a>\{.{0,4000}\})")
_FINAL = re.compile(r"(?:^|\n)(?:[\w.]+(?:Error|Exception|InvalidURL)|[\w.]*InvalidURL): (?P<m>[^\n]{1,400})")


def _refusal(inp: DiagnosisInput) -> str | None:
    """The parser's own message of the failure: the traceback's last exception line, else an `Error: X: msg` text."""
    found = [m.group("m").strip() for m in _FINAL.finditer(inp.traceback[-8192:])]
    if not found:
        for text in inp.messages():
            m = re.search(r"\b[\w.]*(?:Error|InvalidURL): (?P<m>[^\n]{1,400})$", text)
            if m is not None:
                found.append(m.group("m").strip())
    return found[-1] if found else None


def _refuses(parser: Callable[[str], object], value: str, message: str) -> bool:
    try:
        parser(value)
    except (ValueError, TypeError, UnicodeError, httpx.InvalidURL) as exc:
        return str(exc).strip() == message or (message in str(exc) and len(message) >= 12)
    return False


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def reproduces(inp: DiagnosisInput, value: str) -> bool | None:
    """Whether the parser that refused `inp`'s value refuses `value` with the same message; None when the refusal is
    not one of these parsers' (a redirect loop, a scheme the client does not speak): user_target.py asks it of the
    tool call's URLs, so a well-formed URL the user gave is not taken for the one our code failed to parse."""
    message = _refusal(inp)
    found = None if message is None else next(
        (p for rx, p, _ in _PARSERS if rx.search(message) or rx.search(inp.exception_type or "")), None)
    if message is None or found is None:
        return None
    return len(value) <= MAX_VALUE and any(_refuses(p, value, message) for p in found)


def _user_values(inp: DiagnosisInput) -> tuple[str, list[str]] | None:
    """(the record, its string arguments) of the same request's tool-call record before the error."""
    ours = request_id("\n".join(inp.messages()) + "\n" + inp.traceback[:4096])
    if ours is None:
        return None
    for line in reversed(inp.context[-60:]):
        if request_id(line[:4096]) != ours or (m := _ARGS.search(line[:MAX_ARGS + 200])) is None:
            continue
        text = m.group("a")
        try:
            args = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            try:
                args = json.loads(text)
            except ValueError:
                continue
        return line.strip(), [s for s in _strings(args) if len(s) <= MAX_VALUE]
    return None


def reparse_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or unknown / config when the same parser refuses the same request's argument / a printed setting."""
    if d.category not in ("config", "code", "unknown"):
        return d
    message = _refusal(inp)
    if message is None:
        return d
    found = next(((p, kind) for rx, p, kind in _PARSERS if rx.search(message) or rx.search(inp.exception_type or "")),
                 None)
    if found is None:
        return d
    parsers, kind = found
    quotes_value = not all(any(_refuses(p, probe, message) for p in parsers) for probe in _PROBES)
    user = _user_values(inp)
    # a refusal that quotes no value is reproduced by ANY malformed text - a free-text query too: then a setting
    # whose name says it holds this kind of value and reproduces it is read first (review r11's near-miss)
    kind_setting = not quotes_value and any(
        kind.search(s.name) and len(v := s.value.strip("'\"")) <= MAX_VALUE and any(_refuses(p, v, message)
                                                                                 for p in parsers)
        for s in settings_before(inp))
    if user is not None and not kind_setting and any(_refuses(p, v, message) for v in user[1] for p in parsers):
        if d.category == "unknown" and "+origin:input" in (d.rule or ""):
            return d
        return the_users(d, BY_INPUT, "reparse:input", {
            "summary": f"A value the user passed in the tool call was refused by a strict parser ({one_line(message, 120)})",
            "root_cause": (f"The parser refuses the argument of this request's tool call the same way "
                           f"(\"{one_line(user[0], 200)}\"): the user's input, not a setting or our code. The record "
                           "does not show whether a check of ours should have refused it with a clearer message."),
            "suggested_fix": ["Nothing to change in the deployment; tell the user which value is malformed.",
                              "Validate this argument at the tool's boundary so the user gets a clear error."],
            "evidence": list(dict.fromkeys([user[0][:300], *d.evidence[:2]]))})
    for s in settings_before(inp):
        value = s.value.strip("'\"")
        if (quotes_value or kind.search(s.name)) and len(value) <= MAX_VALUE and \
                any(_refuses(p, value, message) for p in parsers):
            if d.category == "config" and s.name in f"{d.summary} {d.root_cause}":
                return d
            return d.model_copy(update={
                "category": "config", "severity": "high", "confidence": BY_SETTING,
                "rule": f"{d.rule}+reparse:setting",
                "summary": f"The setting {s.name} holds a value the parser refuses ({one_line(message, 120)})",
                "root_cause": (f"The setting {s.name} printed before the failure (\"{one_line(s.line, 200)}\") is "
                               f"refused by the same parser with the same message; {'the request carried no such value' if user else 'no user value is shown'}. "
                               "Every call that reads it fails until the setting is corrected."),
                "suggested_fix": [f"Correct {s.name} where the deployment sets it and restart.",
                                  f"Validate {s.name} at start-up so a malformed value fails with its name."],
                "evidence": list(dict.fromkeys([s.line[:300], *d.evidence[:2]]))})
    return d
