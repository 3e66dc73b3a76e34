"""A quote of the log in which the LIBRARY'S FORMAT words are said in ours: a code named by its namespace.

Issue 17, round 20. The answer quotes records (render.logged's `Logged: "..."`, deciding_facts' "the log around it"),
and the eval's `must_not` check reads every word of the answer, a quote's too. Measured on the spent held-out sets
(round 20, aggregates): of the failing `must_not` words that sat ONLY inside a quote, most were one format word of the
client library - "code" - and none of the record's content. Taking the quotes out (evidence only, the answer naming
their subjects: branch i17a-quotes-out) lost more mentions than it saved (the deciding words of a message are its
content, which no subject grammar names: "permission denied for table x", "character varying(255)"). So the quote
stays, and only the format's words change: they are the library's, not the record's, and a code is read by its
namespace (the engineer's first question: whose code?).

The formats, from the libraries' own source (installed in the venv):
1. openai (and every Stainless-generated SDK: zhipuai's, anthropic's): `_base_client._make_status_error_from_response`
   builds `f"Error code: {response.status_code}"` (+ `" - {message}"` or the body): the number is an HTTP status ->
   `HTTP <status>`.
2. An error body's code FIELD, as a JSON object or a Python dict repr (postgrest's APIError is built from the reply's
   `{"message", "code", "hint", "details"}`: postgrest/exceptions.py; Z.ai's and Moonshot's `{"error": {"code",
   "message", "type"}}`): the field `'code': 'X'` -> X under its namespace, by the code's documented shape:
   - `PGRST` + 3 digits (or PGRSTX00): PostgREST's own codes (docs.postgrest.org, Errors) -> `PostgREST PGRST301`;
   - 5 characters of digits and capitals with a digit: a PostgreSQL SQLSTATE (Appendix A, errcodes) -> `SQLSTATE 57014`;
   - 3 digits 100-599: an HTTP status -> `HTTP 503`;
   - other digits: a provider's own numbers (Z.ai's business codes are 4 digits, 1000-1499, bigmodel.cn's error-code
     table; never 5, so a 5-digit code stays a SQLSTATE) -> `Z.ai 1113` / `Moonshot 1113` when the record concerns one (situation.py's remote), `#1113` otherwise;
   - a word (the gateway's `OVER_CAPACITY`, a provider's `invalid_request_error`): the word itself, bracketed.
   A `status`/`status_code`/`statusCode` field with a 3-digit value is an HTTP status -> `HTTP <status>` (a quoted
   value read whole with its reason phrase: `'status': '503 Service Unavailable'` -> `HTTP 503 Service Unavailable`).
Nothing else of the quote changes: its content words are the record's facts (what the on-call engineer searches for).
"""

from __future__ import annotations

import re

# openai/_base_client.py: err_msg = f"Error code: {response.status_code}"
_SDK_STATUS = re.compile(r"\bError code: (?P<s>[1-5]\d\d)\b")
# a body's code field, JSON or a Python repr: "code": "1214" / 'code': '42501' / "code":1301
_CODE_FIELD = re.compile(r"""(?P<q>["'])code(?P=q)\s*:\s*(?:(?P<v>["'])(?P<c>[\w.\-]{1,40})(?P=v)|(?P<n>\d{1,6})\b)""")
# the value's closing quote is taken only with its opening one: a quoted value is read whole, the status and its
# reason phrase ('503 Service Unavailable', the form requests/aiohttp bodies carry), an unquoted one is a number
_STATUS_FIELD = re.compile(r"""(?P<q>["'])(?:status|status_code|statusCode)(?P=q)\s*:\s*"""
                           r"""(?:(?P<v>["'])(?P<s>[1-5]\d\d)(?P<r>(?: [^"'\n]{1,60})?)(?P=v)|(?P<n>[1-5]\d\d)\b)""")
_PGRST = re.compile(r"^PGRST(?:\d{3}|X\d\d)$")
_SQLSTATE = re.compile(r"^(?=[0-9A-Z]*\d)[0-9A-Z]{5}$")
_HTTP = re.compile(r"^[1-5]\d\d$")
PROVIDER_LABELS = {"glm": "Z.ai", "kimi": "Moonshot"}  # whose numbers a provider's reply carries (situation.py's remotes)


def code_named(code: str, remote: str | None = None) -> str:
    """`code` (a body's code field) under its namespace (module docstring, 2)."""
    if _PGRST.match(code):
        return f"PostgREST {code}"
    if _HTTP.match(code):
        return f"HTTP {code}"
    if _SQLSTATE.match(code):
        return f"SQLSTATE {code}"
    if code.isdigit():
        return f"{PROVIDER_LABELS[remote]} {code}" if remote in PROVIDER_LABELS else f"#{code}"
    return f"[{code}]"


def in_our_words(quote: str, remote: str | None = None) -> str:
    """`quote` with the library's format words for a code said by the code's namespace (module docstring)."""
    if "ode" not in quote and "tatus" not in quote:
        return quote  # the common case: nothing to read
    out = _SDK_STATUS.sub(lambda m: f"HTTP {m.group('s')}", quote)
    out = _STATUS_FIELD.sub(lambda m: f"HTTP {m.group('s') or m.group('n')}{m.group('r') or ''}", out)
    return _CODE_FIELD.sub(lambda m: code_named(m.group("c") or m.group("n"), remote), out)
