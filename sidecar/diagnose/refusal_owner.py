"""The OWNER of a remote's refusal, read from its reason text before its status: who must change something.

An HTTP status says how a remote refused, not whose thing is wrong: Gemini's OpenAI-compatible endpoint answers
a bad key with 400 INVALID_ARGUMENT, OpenAI a country it does not serve with 403, a base URL without the API's
version path with a bare 404. The status readers (provider_causes._provider_status for an LLM provider,
library_causes._status_text for a third-party host) map the status class to an owner: 400/422 our request's
shape (code), 401/403 our credential or permission (config), 429/5xx the remote's limits or state. This module
is the one place where the REASON overrides that mapping, for the reasons whose owner the providers document:

- our key (config): OpenAI "Incorrect API key provided" (401, platform.openai.com/docs/guides/error-codes),
  Moonshot "Invalid Authentication" (invalid_authentication_error), Anthropic "invalid x-api-key"
  (authentication_error, docs.anthropic.com/en/api/errors), Gemini "API key not valid. Please pass a valid API
  key." (400 INVALID_ARGUMENT / API_KEY_INVALID, ai.google.dev/gemini-api/docs/troubleshooting).
- where we call from (config): OpenAI 403 `unsupported_country_region_territory` "Country, region, or territory
  not supported"; Gemini 400 FAILED_PRECONDITION "User location is not supported for the API use."
- the route we call (config): a 404/405 whose body is not the API's error object. openai/_base_client.py
  `_make_status_error_from_response` appends " - <error.message>" only when the body is JSON with a message, so
  "Error code: 404" alone is a body without the API's error schema (a router's "404 page not found", a framework's
  {"detail": "Not Found"}): the path the base URL builds is not an API route. A 404 WITH the API's message (an
  unknown model or file) is the API answering about a resource and is left to the status readers.

Deliberately not here: quota/balance/plan words (provider by the doctrine: our account with the provider,
provider_causes._QUOTA), content filters (provider_causes._FILTERED), the context window (code), a value a
setting gave (origin.py reads the setting line). A reason read here is the refusal's own text, so the answer is
not a fallback (taxonomy.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Category, Severity


@dataclass(frozen=True, slots=True)
class Refusal:
    """A refusal whose reason names its owner."""

    kind: str  # key | region | route
    category: Category
    severity: Severity
    quoted: str  # the reason's words as the record says them


_KEY = re.compile(r"Incorrect API key provided|Invalid Authentication\b|invalid x-api-key|API key not valid|"
                  r"API_KEY_INVALID|\binvalid[ _]api[ _]key\b|\bAPI key (?:is )?(?:invalid|expired|revoked|missing)\b|"
                  r"missing or invalid API key", re.I)
_REGION = re.compile(r"unsupported_country_region_territory|Country, region,? or territory not supported|"
                     r"User location is not supported", re.I)
# "Error code: 404" with nothing after it on its line: the SDK found no error.message in the body
_NO_API_BODY = re.compile(r"\bError code: (?P<s>40[45])[ \t]*$", re.M)
_KEY_STATUS = frozenset({400, 401, 403})
_REGION_STATUS = frozenset({400, 403})


def refusal_reason(status: int, said: str) -> Refusal | None:
    """The owner of a refusal with `status` whose record says `said`, when the reason names it; None leaves the
    status readers to decide."""
    if status in _KEY_STATUS and (m := _KEY.search(said)):
        return Refusal("key", "config", "critical", m.group(0))
    if status in _REGION_STATUS and (m := _REGION.search(said)):
        return Refusal("region", "config", "high", m.group(0))
    if status in (404, 405) and (m := _NO_API_BODY.search(said)) and int(m.group("s")) == status:
        return Refusal("route", "config", "high", m.group(0))
    return None


def refusal_text(refusal: Refusal, who: str, status: int, cls: str) -> tuple[str, str, tuple[str, ...]]:
    """(summary, root cause, fixes) naming the owner the reason gives."""
    said = f"'{refusal.quoted}'"
    if refusal.kind == "key":
        return (f"{who} rejected the API key (HTTP {status}, {cls}: {said})",
                f"{who} answered {status} saying the key is not valid ({said}): the API key the gateway sends for it "
                "is wrong, revoked or for another service. Some APIs answer a bad key with 400 rather than 401; the "
                "reason, not the status, says it is the key. Every call fails until the key setting changes.",
                (f"Check the API key variable configured for {who} in the container's environment and rotate it in "
                 "the provider's console; restart after fixing.",))
    if refusal.kind == "region":
        return (f"{who} does not serve the region the gateway calls from (HTTP {status}, {cls}: {said})",
                f"{who} refused the call because of where it comes from ({said}): the egress address of the "
                "container is in a country or region the provider does not serve. Every call fails until the "
                "egress region or the provider setting changes; a retry cannot succeed.",
                ("Route the provider's traffic through an egress (proxy/NAT) in a supported region, or configure "
                 "another provider for these models.",))
    return (f"{who} has no API route at the URL the gateway calls (HTTP {status}, {cls})",
            f"{who} answered {status} without the API's error object ({said}): the path the configured base URL "
            "builds is not an API endpoint (a base URL without the version path such as /v1, or with an extra "
            "segment). It fails every time until the base URL setting changes.",
            ("Compare the configured base URL with the provider's documented one (including its version path, "
             "e.g. https://api.moonshot.ai/v1) and the request line's URL.",))
