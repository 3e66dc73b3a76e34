"""A URL a USER gave a tool, refused by the HTTP client's URL/redirect checks (CLASSES10 H2): unknown, not config.

The client's URL-level refusals are read as a setting's fault by their class (taxonomy: `config.url` - httpx's
TooManyRedirects / InvalidURL / UnsupportedProtocol, aiohttp's InvalidURL / TooManyRedirects / NonHttpUrlClientError,
httpx/_client.py `_send_handling_redirects` and `max_redirects`, aiohttp client.py `max_redirects`), which is right
for the gateway's own endpoints. A web tool fetching the user's target is the other origin: the gateway logs the
tool call with its arguments ("tools/call NAME (url=...)", research upstream-gateway.md), and when that record is tied
to the failing one - the same request id in both, or the URL's host in the failing record's own text - the site is
a third party's: the
honest answer is unknown (nothing of ours to change). A URL printed by a setting instead (NAME=https://...) is the
twin and keeps config. 0.35 (the catch-all's neighbourhood: the record cannot say whether a check of ours should have
refused it first).
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .reparse import reproduces
from .setting_lines import CONTEXT, LINE, settings_before
from .tool_args import tool_call_of
from .tool_calls import REQUEST_ID
from .users_input import the_users

USER_TARGET = 0.35
_TOOL_CALL = re.compile(r"\btools/call\s+(?P<tool>[\w.-]{1,60})\b")
_URL = re.compile(r"\b(?:https?|ftp|file|ws)s?://[^\s'\")<>,]{1,300}", re.I)
_SETTING_URL = re.compile(r"\b[A-Z][A-Z0-9]{1,30}(?:_[A-Z0-9]{1,30}){1,6}\s*[=:]\s*['\"]?(?:https?|wss?)://")


def _host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0].split("@")[-1].lower()


def user_target_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or unknown when the URL the client refused came from a user's tool call (see the module docstring)."""
    if not (d.rule or "").startswith("class:config.url"):
        return d
    ours = REQUEST_ID.search(inp.message)
    said = "\n".join([*inp.messages(), inp.traceback[-8192:]]).lower()
    before = [c[:LINE] for c in inp.context[-CONTEXT:]]
    for line in reversed(before):
        call = _TOOL_CALL.search(line)
        if call is None or _SETTING_URL.search(line):
            continue
        theirs = REQUEST_ID.search(line)
        urls = _URL.findall(line)
        if not urls or _not_the_refused(inp, urls):
            continue
        same_request = ours is not None and theirs is not None and ours.group("id") == theirs.group("id")
        named_here = any((h := _host(u)) and h in said for u in urls)
        if not same_request and not named_here:
            continue  # another request's tool call: nothing ties its URL to this refusal (review r10)
        return the_users(d, USER_TARGET, "user-target", {
            "summary": f"The URL a user gave the {call.group('tool')} tool was refused by the HTTP client "
                       f"({inp.exception_type})",
            "root_cause": (f"The tool call carried the target ({urls[0][:160]}); the client refused it or what it "
                           "answered (a redirect loop, an invalid URL or scheme). A third party's site or the user's "
                           "typo: the gateway's own endpoints and settings are not involved."),
            "suggested_fix": ["Answer the user with the client's error; nothing to change in the gateway unless such "
                              "URLs should be validated before the fetch."],
            "evidence": list(dict.fromkeys([line.strip(), *d.evidence]))})
    return _by_arguments(d, inp, said)


def _not_the_refused(inp: DiagnosisInput, urls: list[str]) -> bool:
    """A URL PARSE refusal (httpx's InvalidURL: a bad port, an invalid IPv6 host) that none of the call's URLs
    reproduces when given to the same parser (reparse.reproduces): the refused URL is not the user's (test_reparse's
    well-formed twin). Redirect loops and other non-parse refusals are not asked."""
    verdicts = [reproduces(inp, u) for u in urls]
    return any(v is False for v in verdicts) and not any(verdicts)


def _by_arguments(d: Diagnosis, inp: DiagnosisInput, said: str) -> Diagnosis:
    """The same answer from the tool call's ARGUMENTS in any carrier (tool_args.py: `tool call NAME args={...}`, a
    toolcalls.jsonl record, a Docker json-file line), tied by the same request id; a setting's URL whose host the
    failure names is the twin (our endpoint: config stays)."""
    call = tool_call_of(inp)
    if call is None:
        return d
    urls = [v for v in call.values() if _URL.match(v)]
    ours = [_host(m.group(0)) for s in settings_before(inp) if (m := _URL.search(s.value))]
    if not urls or any(h and h in said for h in ours) or _not_the_refused(inp, urls):
        return d
    return the_users(d, USER_TARGET, "user-target", {
        "summary": f"The URL a user gave the {call.tool} tool was refused by the HTTP client ({inp.exception_type})",
        "root_cause": (f"This request's tool call carried the target ({urls[0][:160]}); the client refused it or what "
                       "it answered (a redirect loop, an invalid URL or scheme). A third party's site or the user's "
                       "typo: the gateway's own endpoints and settings are not involved."),
        "suggested_fix": ["Answer the user with the client's error; nothing to change in the gateway unless such "
                          "URLs should be validated before the fetch."],
        "evidence": list(dict.fromkeys([call.line[:300], *d.evidence]))})
