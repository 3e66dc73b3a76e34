"""A code/config answer about a value the USER gave the tool call: the honest answer is unknown (<= 0.4).

The doctrine (evals/TAXONOMY.md, CLASSES11 preamble): the ORIGIN of the bad value decides - our code -> code, a
setting -> config, the user's input -> unknown, whatever library raised it. The class layer reads the refusal by its
library and class (a SQLSTATE 22 data exception -> code, a path errno -> config, an HTTP client's URL refusal ->
config), which is right for values the gateway makes; a user's regex in a REST filter (CLASSES10 H1), a path or file
the user named (CLASSES10 F5 twin, CLASSES11 H3), a user's URL (CLASSES10 H2), a locale-notated number (CLASSES11 H1)
raise the same classes. The value's origin is read, not its wording: the same request's tool call (tool_args.py,
every carrier) carries an argument, and the refusal names that very value - in the exception's message, the record's
message, the block's `Error:` line (never a traceback frame's source line: that is code that ran, not data), the host
of a URL argument, or the URL of the same request's refused HTTP request (4xx: the server refused what was sent,
percent-decoding per RFC 3986 2.1; PostgREST puts a filter's operand in the query string,
`SP/postgrest/base_request_builder.py` `filter`). Negative conditions: a value also printed by a setting (the twin:
config stays), a path of the gateway's own tree (/app, site-packages: our module, code stays), values under 3
characters, and an answer that is not code/config. The record cannot say whether a check of ours should have refused
the value first, so the answer is unknown at 0.35.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

from .model import Diagnosis, DiagnosisInput, one_line
from .setting_lines import settings_before
from .tool_args import LINE, ToolCall, tool_call_of
from .users_input import the_users

BY_USER_VALUE = 0.35
MIN_VALUE = 3
_FRAME = re.compile(r'^\s*File "')
_NOISE = re.compile(r"^\s*(?:[~^]{3,}\s*|Traceback \(most recent call last\):|During handling|The above exception)")
_REFUSED_REQUEST = re.compile(r"\bHTTP Request: [A-Z]{3,7} (?P<url>\S{1,4000}) \"HTTP/[\d.]+ 4\d\d\b")
_OURS = re.compile(r"^/(?:app|usr|opt/venv|srv/app)/|site-packages|dist-packages")
_URL = re.compile(r"^(?:https?|wss?|ftp)://(?P<host>[^/\s:?#@]{3,253})", re.I)


def _said(inp: DiagnosisInput) -> str:
    """What the failure SAYS: messages, `Error:` lines, and the traceback without frame/source/caret lines."""
    lines = inp.traceback[-16384:].splitlines()
    kept: list[str] = []
    skip = False
    for ln in lines:
        if _FRAME.match(ln):
            skip = True
            continue
        if skip and ln.startswith("    "):
            skip = False
            continue
        skip = False
        if not _NOISE.match(ln):
            kept.append(ln)
    return "\n".join([*inp.messages(), *kept])


def _refused_urls(inp: DiagnosisInput, call: ToolCall) -> str:
    """The decoded URLs of HTTP requests refused with a 4xx after the tool call and before the error."""
    after_call = False
    out: list[str] = []
    for line in inp.context[-60:]:
        if line.strip()[:LINE] == call.line:
            after_call = True
            continue
        if after_call and (m := _REFUSED_REQUEST.search(line[:8192])):
            out.append(unquote_plus(m.group("url")))
    return "\n".join(out)


def _named(value: str, text: str) -> bool:
    """`value` stands WHOLE in `text`: not the tail of a longer path (a bare `config.yaml` argument against our
    `/srv/gateway/config.yaml`) and not a part of a dotted name (a `json` argument against the exception type
    `json.decoder.JSONDecodeError`) - review r11's near-misses."""
    return re.search(r"(?<![\w/\\.])" + re.escape(value) + r"(?![\w/]|\.\w)", text) is not None


def _an_operand(value: str, urls: str) -> bool:
    """`value` is a whole query operand of a refused request URL: after `=` or PostgREST's `op.` / `in.(` and up to
    the next `&`, `,`, `)` or the end (PostgREST docs "Horizontal Filtering": column=operator.value)."""
    return re.search(r"[=.,(]" + re.escape(value) + r"(?=[&,)\s\"]|$)", urls, re.M) is not None


def _user_value(inp: DiagnosisInput, call: ToolCall) -> str | None:
    said = _said(inp)
    requests = _refused_urls(inp, call)
    settings = [s.value.strip("'\"") for s in settings_before(inp)]
    for value in call.values():
        value = value.strip()
        if len(value) < MIN_VALUE or _OURS.search(value) or any(value == s or value in s for s in settings if s):
            continue
        if _named(value, said) or _an_operand(value, requests):
            return value
        url = _URL.match(value)
        if url is not None and "." in url.group("host") and _named(url.group("host").lower(), said.lower()):
            return value
    return None


def user_value_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or unknown when the refusal names a value the same request's tool call carried (module docstring)."""
    if d.category not in ("code", "config") or (d.rule or "").startswith("class:input."):
        return d  # class:input.* answers were read with the input's origin already (a valid key the image lacks)
    call = tool_call_of(inp)
    if call is None:
        return d
    value = _user_value(inp, call)
    if value is None:
        return d
    return the_users(d, BY_USER_VALUE, "user-value", {
        "summary": f"The {call.tool} tool failed on a value the user passed it ({one_line(value, 80)})",
        "root_cause": (f"The failure names {one_line(value, 120)!r}, an argument of this request's {call.tool} tool "
                       f"call (\"{one_line(call.line, 200)}\"): the user's input or the third party it points at, "
                       "not a setting or the gateway's code. The record does not show whether a check of ours "
                       "should have refused it with a clearer message."),
        "suggested_fix": ["Nothing to change in the deployment: tell the user which value was refused and why.",
                          "If such values should never reach the library, validate this argument at the tool's "
                          "boundary."],
        "evidence": list(dict.fromkeys([call.line[:300], *d.evidence[:2]]))})
