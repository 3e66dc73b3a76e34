"""The gateway's own aggregate "no way to serve" error takes the category of the per-provider failures behind it.

CLASSES10 A1: every provider's circuit open, a fallback chain exhausted, an upload that failed "with both providers",
routing that found no healthy provider - logged by the gateway's error handling with one of its codes and no library
traceback (research upstream-gateway.md §1.2 codes, §6 fallback records). The record alone is a symptom; which
failures CLOSED the paths decides. A circuit breaker counts exceptions, not HTTP statuses (the pattern: any exception
the guarded call raises is a failure), so a breaker opened by OUR exceptions - a builtin programming error raised in
our request builder before any HTTP request line - says nothing about the provider: code. A path closed by a
credential/model answer (the provider's 401/403/404 through the SDK's status classes, openai/_exceptions.py) while
the other had an outage is config: the persistent one must change. Provider failures (5xx, 429, timeouts,
connection errors) behind every path keep the first answer.

The per-path failures are the ERROR/WARNING records before the aggregate (the last LOOK_BACK lines) that concern an
LLM provider (situation.py: its logger, host or model) or the breaker itself ("... (last: TypeError)").
"""

from __future__ import annotations

import re

from .classes import http_status_of
from .excerpt import split_records
from .model import Diagnosis, DiagnosisInput, one_line
from .situation import situation

LOOK_BACK = 120
CONFIDENCE = 0.5
_AGGREGATE = re.compile(
    r"\bno (?:healthy |available |usable )?providers?\b|\bno provider (?:is )?available|\ball (?:the )?providers\b|"
    r"\bboth providers\b|\b(?:every|each) provider\b|\bfallback(?: chain)? (?:exhausted|failed)|"
    r"\bcircuits? (?:breakers? )?(?:is |are )?open\b", re.I)
# CPython's builtin exceptions that only a program's own logic raises (a wrong type, a missing attribute/key/index, an
# unbound name): Lib/exceptions hierarchy under Exception, minus OSError/ArithmeticError's data-dependent members
_OURS = ("TypeError", "AttributeError", "KeyError", "IndexError", "NameError", "UnboundLocalError", "AssertionError",
         "RecursionError", "NotImplementedError", "ZeroDivisionError")
_OURS_RX = re.compile(r"(?<![\w.])(?P<c>" + "|".join(_OURS) + r")\b(?=[:(\s)]|$)")
_SETTING_STATUS = (401, 403, 404)  # the provider refusing OUR credential / model name (openai/_exceptions.py)
_PROVIDER_SIDE = re.compile(r"(?<![\w.])(?:openai\.)?(?:InternalServerError|RateLimitError|APITimeoutError|"
                            r"APIConnectionError|ServiceUnavailableError)\b|\b(?:5\d\d|429)\b(?= [A-Z]| -|\))|"
                            r"Error code: (?:5\d\d|429)\b|\b(?:Read|Connect)Timeout\b|overloaded|timed out", re.I)
_NAMED_STATUS = re.compile(r"(?<![\w.])(?:openai\.)?(?P<c>AuthenticationError|PermissionDeniedError|NotFoundError)\b")
_LEVEL = ("ERROR", "CRITICAL", "WARNING")
_BREAKER = re.compile(r"circuit|breaker", re.I)
_PROVIDER_NAME = re.compile(r"\b(?:kimi|moonshot|glm|zhipu(?:ai)?|z\.ai|bigmodel)\b", re.I)


def _paths(inp: DiagnosisInput) -> list[tuple[str, str]]:
    """(the record's text, its remote or "breaker") of the provider failures before the aggregate."""
    out: list[tuple[str, str]] = []
    for header, record in split_records(list(inp.context[-LOOK_BACK:])):
        if header.level not in _LEVEL:
            continue
        # the message and the traceback, without the header's time stamp (a ",522 -" of milliseconds is no status)
        text = "\n".join([header.message, *record[1:]])[:8192]
        remote = situation(DiagnosisInput(fingerprint="", message=header.message, logger=header.logger,
                                          traceback=text)).remote
        if _BREAKER.search(header.logger or "") or _BREAKER.search(header.message[:200]):
            # only a PROVIDER's breaker is a provider path (review r11: a Supabase breaker opened by our own
            # AttributeError beside the providers' read as "our code closed every provider path")
            if remote in ("kimi", "glm") or _PROVIDER_NAME.search(header.message[:200]):
                out.append((text, "breaker"))
            continue
        if remote in ("kimi", "glm"):
            out.append((text, remote))
    return out


def aggregate_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or code/config when the failures that closed every provider path were ours / a setting's."""
    if d.category not in ("provider", "unknown") or not _AGGREGATE.search(inp.message[:2048]):
        return d
    paths = _paths(inp)
    failures = [(t, r) for t, r in paths if r != "breaker"]
    if not paths:
        return d
    ours = [m.group("c") for t, _ in paths for m in _OURS_RX.finditer(t)]
    provider_side = [t for t, _ in failures if _PROVIDER_SIDE.search(t)]
    refused = {r for t, r in failures for m in _NAMED_STATUS.finditer(t)
               if (http_status_of(f"openai.{m.group('c')}") or 0) in _SETTING_STATUS}
    if ours and not provider_side:
        classes = ", ".join(dict.fromkeys(reversed(ours)))
        evidence = [ln.strip()[:300] for ln in inp.context[-LOOK_BACK:] if _OURS_RX.search(ln)][-2:]
        return d.model_copy(update={
            "category": "code", "severity": "high", "confidence": CONFIDENCE, "rule": f"{d.rule}+aggregate:ours",
            "summary": f"No provider could serve: the breakers opened on our own exceptions ({classes}), not on "
                       "provider failures",
            "root_cause": (f"This record is the gateway's aggregate symptom ({one_line(inp.message, 160)}). The "
                           f"failures recorded before it, which closed the provider paths, are {classes} raised in our "
                           "own code before any HTTP request was answered; a circuit breaker counts exceptions, not "
                           "provider statuses, so our bug opened it. The providers were never shown failing."),
            "suggested_fix": [f"Fix the {classes} in the request path (the traceback before this record names the "
                              "frame); the breakers close once calls succeed.",
                              "Count only provider/transport errors as breaker failures, so a bug of ours does not "
                              "take every provider out."],
            "evidence": list(dict.fromkeys([*evidence, *d.evidence[:2]]))})
    if refused and provider_side:
        who = ", ".join(sorted(refused))
        return d.model_copy(update={
            "category": "config", "severity": "high", "confidence": CONFIDENCE, "rule": f"{d.rule}+aggregate:setting",
            "summary": f"No provider could serve: the {who} path is closed by a refused credential or model setting",
            "root_cause": (f"This record is the gateway's aggregate symptom ({one_line(inp.message, 160)}). One path "
                           f"failed with a provider outage, but {who} refused our credential or model name (a status "
                           "that repeats until the setting changes): that persistent path must be fixed for the "
                           "fallback to work."),
            "suggested_fix": [f"Fix the {who} API key / model setting the refusal names.",
                              "Then the fallback serves while the other provider's outage lasts."],
            "evidence": d.evidence})
    return d
