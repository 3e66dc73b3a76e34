"""A 2xx reply that is not the API's JSON, returned by the openai SDK as its raw text (CLASSES10 A4, the SDK carrier).

openai/_response.py `_parse`: when the Content-Type does not end in "json" it tries `response.json()`, logs
"Could not read JSON from response data due to <cls>" at DEBUG (logger openai._response / openai._base_client) on
failure and, unless the client was built with `_strict_response_validation`, RETURNS THE BODY'S TEXT in place of the
model. No error is raised where the JSON failed; our frame fails later reading a model attribute on a str:
AttributeError "'str' object has no attribute 'choices'" (any field of the SDK's response models, or a pydantic
method such as model_dump). Read alone that is our bug (taxonomy's missing attribute -> code); it is the A4 class
(a maintenance/error page answered with 200) when
- the attribute is one the SDK's reply models define (openai.types: ChatCompletion, Completion,
  CreateEmbeddingResponse and pydantic's BaseModel - read from the installed models, never a list of ours), and
- a record before shows the reply was not JSON: the SDK's own DEBUG text above, or the client's 2xx request line
  (httpx "HTTP Request: METHOD URL "HTTP/1.1 2xx"") among the last records before the error.
The answer is then a decode.json answer (provider, 0.5; rule "+sdk-text:decode.json", so api_host.py reads the
request's host next: a web/docs host, or a record of our egress filter answering in the API's place -> config).
"""

from __future__ import annotations

import functools
import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import LINE

_STR_ATTR = re.compile(r"'str' object has no attribute '(?P<a>\w{1,60})'")
_SDK_NOT_JSON = re.compile(r"Could not read JSON from response data")  # openai/_response.py, _legacy_response.py
_REQUEST_2XX = re.compile(r"HTTP Request: [A-Z]+ https?://(?P<host>[\w.-]{1,200})\S* \"HTTP/[\d.]+ 2\d\d\b")


@functools.cache
def _reply_attributes() -> frozenset[str]:
    """The attributes the openai SDK's reply models carry (their fields and pydantic's public methods)."""
    from openai.types import Completion, CreateEmbeddingResponse
    from openai.types.chat import ChatCompletion

    names: set[str] = set()
    for model in (ChatCompletion, Completion, CreateEmbeddingResponse):
        names.update(model.model_fields)
        names.update(n for n in dir(model) if not n.startswith("_"))
    return frozenset(names)


def sdk_text_reply_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or the provider's non-JSON 2xx the SDK handed back as text (see the module docstring)."""
    if inp.exception_type != "AttributeError" or d.category not in ("code", "unknown") or d.confidence >= 0.6:
        return d
    m = _STR_ATTR.search(inp.exception_message or "")
    if m is None or m.group("a") not in _reply_attributes():
        return d
    before = [c[:LINE] for c in inp.context[-40:]]
    shown = next((c.strip() for c in reversed(before) if _SDK_NOT_JSON.search(c)), None)
    request = next((r for c in reversed(before[-4:]) if (r := _REQUEST_2XX.search(c)) is not None), None)
    if shown is None and request is None:
        return d
    host = request.group("host") if request else "the provider"
    seen = [x for x in (request.group(0) if request else None, shown) if x]
    return d.reanswered(
        category="provider", severity="high", confidence=0.5, rule=f"{d.rule}+sdk-text:decode.json",
        summary=f"{host} answered 2xx with a page that is not the API's JSON (a maintenance or error page); the "
                   f"SDK returned it as text ({inp.exception_type}: {m.group(0)})",
        root_cause=("The request succeeded at the HTTP level but the body was not JSON (an HTML maintenance / error "
                       "page): the openai SDK without strict response validation returns the raw text instead of a "
                       "reply model (openai/_response.py), so our frame failed reading a reply field on a str. The "
                       "provider's side when the host is its API host and other calls decode fine."),
        suggested_fix=["Check the provider's status page (scheduled maintenance); retry or fail over.",
                          "Build the client with strict response validation (or check isinstance) so a non-JSON 2xx "
                          "fails at the call as a provider error."],
        evidence=[*seen])
