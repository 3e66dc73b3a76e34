"""A quote of the log says a code by its namespace, not in the client library's format words (quote_words.py).

Class: the format words the client libraries put around a code - openai's `Error code: <status>` (its
_base_client._make_status_error_from_response, the real SDK against a loopback server below), an error body's `code`
field (postgrest's APIError - the real class - Z.ai's and Moonshot's `{"error": {"code": ...}}`, a JSON line or a
Python repr) and a `status`/`status_code` field. Generated over seeds: the status, the body (Z.ai's numeric code,
Moonshot's error type, PostgREST's PGRSTxxx, a SQLSTATE, the gateway's own word code), the logger, the message around
the exception, JSON vs repr quoting and spacing. What a user checks: the answer names the code with whose it is
(HTTP / PostgREST / SQLSTATE / Z.ai / Moonshot), the record's own words (its message content) are still quoted, and the
library's field name `code` is not read as a claim. Near-misses: the word `code` in prose or inside another name
(`decode`, `code_verifier`, `zip code`, `error code path`) is left alone.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

import openai
import pytest
from postgrest.exceptions import APIError

from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.model import DiagnosisInput
from sidecar.diagnose.quote_words import in_our_words
from sidecar.diagnose.situation import Situation, situation
from tests.diagnose.logged import RULES, logged, text_of

SEEDS = range(6)
LOGGERS = ("src.providers.glm_chat", "src.providers.kimi_chat", "tools.thinkdeep", "src.daemon.ws_server",
           "utils.conversation.store", "src.storage.supabase_client")
WORDS = ("ledger", "quarterly", "tessellate", "marigold", "obsidian", "juniper")


def _token(rng: random.Random) -> str:
    return f"{rng.choice(WORDS)}-{rng.randrange(16**4):04x}"


@pytest.mark.parametrize("seed", SEEDS)
async def test_the_sdk_status_is_said_as_http_and_the_body_stays(provider: tuple[str, dict[str, Any]],
                                                                  seed: int) -> None:
    rng = random.Random(seed)
    status = rng.choice([400, 402, 404, 409, 422, 500, 502, 503])
    token = _token(rng)
    body = rng.choice([{"error": {"code": str(rng.choice([1113, 1211, 1214, 1301])), "message": f"bad {token}"}},
                       {"error": {"message": f"refused {token}", "type": "invalid_request_error"}},
                       {"message": f"upstream {token}"}])
    url, state = provider
    state["answer"] = (status, body)
    client = openai.AsyncOpenAI(api_key="sk-test", base_url=url, max_retries=0)
    try:
        await client.chat.completions.create(model=rng.choice(["glm-4.6", "kimi-k2-0905-preview"]),
                                             messages=[{"role": "user", "content": "hi"}])
    except openai.APIStatusError:
        excerpt = logged(rng.choice(LOGGERS), rng.choice(["chat failed", "provider call failed: attempt 1",
                                                          "request to upstream failed"]))
    finally:
        await client.close()
    assert "Error code:" in excerpt  # the SDK's own format (the class under test)
    d = RULES.diagnose(excerpt_to_input(excerpt))
    text = text_of(d)
    assert "error code:" not in text.lower(), (d.rule, text)
    assert f"HTTP {status}" in text and token in text, (d.rule, text)


def _pg_body(rng: random.Random, token: str) -> tuple[dict[str, Any], str]:
    code, label = rng.choice([("PGRST301", "PostgREST"), ("PGRST116", "PostgREST"), ("PGRST204", "PostgREST"),
                              ("57014", "SQLSTATE"), ("42501", "SQLSTATE"), ("23505", "SQLSTATE"),
                              ("42P01", "SQLSTATE"), ("22001", "SQLSTATE")])
    return {"message": f"failed on {token}", "code": code, "hint": None, "details": None}, f"{label} {code}"


@pytest.mark.parametrize("seed", SEEDS)
def test_a_postgrest_error_body_names_its_code_by_namespace(seed: int) -> None:
    rng = random.Random(seed)
    token = _token(rng)
    body, named = _pg_body(rng, token)

    try:
        raise APIError(body)
    except APIError:
        excerpt = logged(rng.choice(LOGGERS), rng.choice(["Failed to store observation", "upsert failed",
                                                          "query conversations failed"]))
    assert "'code':" in excerpt  # postgrest's repr of the reply (the class under test)
    d = RULES.diagnose(excerpt_to_input(excerpt))
    text = text_of(d)
    assert "'code'" not in text and '"code"' not in text, (d.rule, text)
    assert named in text and token in text, (d.rule, text)


def _field(rng: random.Random, key: str, value: str | int, as_json: bool) -> str:
    if as_json:
        return json.dumps({key: value}, separators=rng.choice([(",", ":"), (", ", ": ")]))[1:-1]
    return repr({key: value})[1:-1]


REMOTE_LOGGERS = {None: "tools.thinkdeep", "glm": "src.providers.glm_chat", "kimi": "src.providers.kimi_chat",
                  "supabase": "src.storage.supabase_client"}


def _sit(quote: str, remote: str | None = None) -> Situation:
    """The situation of a record whose message is `quote`, logged by a logger of `remote`."""
    return situation(DiagnosisInput(fingerprint="t", message=quote, logger=REMOTE_LOGGERS[remote]))


def _expected(code: str, value: str | int, remote: str | None) -> str:
    """How a user reads the code (independent of the code under test): whose it is, by its documented owner."""
    if code.startswith("PGRST"):
        return f"PostgREST {code}"
    if isinstance(value, str) and (not code.isdigit() and len(code) == 5 or code.startswith("57")
                                   or remote == "supabase" and len(code) == 5):
        return f"SQLSTATE {code}"  # a SQLSTATE is a 5-character string, never a JSON number
    if remote == "glm" and len(code) == 4 and code.startswith("1"):
        return f"Z.ai {code}"  # bigmodel.cn's business codes (1000-1499), only where the record concerns GLM
    return f"#{code}" if code.isdigit() else f"[{code}]"  # no documented owner here: said without a claim


@pytest.mark.parametrize("seed", range(32))
def test_a_code_field_is_said_by_its_namespace(seed: int) -> None:
    rng = random.Random(seed)
    remote = rng.choice([None, "glm", "kimi", "supabase"])
    code = rng.choice(["PGRST301", "PGRSTX00", "57014", "42P01", "40P01", "10001", "20015", "1113", "1214", "1301",
                       "503", "OVER_CAPACITY", "invalid_request_error"])
    value: str | int = int(code) if code.isdigit() and rng.random() < 0.4 else code
    expected = _expected(code, value, remote)
    as_json = rng.random() < 0.5
    token = _token(rng)
    quote = "{" + ", ".join([_field(rng, "message", f"failed on {token}", as_json),
                             _field(rng, "code", value, as_json)]) + "}"
    if rng.random() < 0.5:
        quote = f"{rng.choice(['Error code: 400 - ', 'upsert failed: ', 'GLM chat failed / '])}{quote}"
    out = in_our_words(quote, _sit(quote, remote))
    assert expected in out and token in out, (remote, quote, out)
    assert "'code'" not in out and '"code"' not in out and "Error code:" not in out, (quote, out)


def test_a_json_number_is_never_a_sqlstate() -> None:
    # a SQLSTATE is a 5-character string (psycopg's Diagnostic.sqlstate, postgrest's reply): 57014 unquoted is a number
    for quote in ('{"code":57014}', "{'code': 57014, 'message': 'x'}", '{"code": 42501}'):
        for remote in REMOTE_LOGGERS:
            sit = _sit(quote, remote)
            assert "sqlstate" not in sit.codes and "SQLSTATE" not in in_our_words(quote, sit), (remote, quote)


@pytest.mark.parametrize("seed", range(6))
def test_a_status_field_is_an_http_status(seed: int) -> None:
    rng = random.Random(seed)
    status = rng.choice([401, 403, 429, 500, 503, 504])
    key = rng.choice(["status", "status_code", "statusCode"])
    quote = "{" + _field(rng, key, rng.choice([status, str(status)]), rng.random() < 0.5) + ', "detail": "x"}'
    assert f"HTTP {status}" in in_our_words(quote, _sit(quote)), quote


@pytest.mark.parametrize("prose", [
    "could not decode the reply: invalid start byte", "zip code 94107 is not served", "error code path not taken",
    "code_verifier mismatch in PKCE exchange", '{"encode": "utf-8", "error_code_hint": 3}', "exit code 137",
    "Error code 503 in prose without the SDK's colon", "barcode: 'A12'", '{"status_text": "ok", "statuses": 3}',
])
def test_the_word_code_in_prose_or_another_name_is_left_alone(prose: str) -> None:
    assert in_our_words(prose, _sit(prose, "glm")) == prose


REASONS = {401: "Unauthorized", 403: "Forbidden", 429: "Too Many Requests", 500: "Internal Server Error",
           503: "Service Unavailable", 504: "Gateway Timeout"}


@pytest.mark.parametrize("seed", range(12))
def test_a_status_value_with_its_reason_phrase_leaves_no_stray_quote(seed: int) -> None:
    # the value is a number, a quoted number or a quoted "<status> <reason>" (a requests/aiohttp body's form); the
    # rewrite takes the value's closing quote only with its opening one: every quote of the output is still paired
    rng = random.Random(seed)
    status = rng.choice(sorted(REASONS))
    key = rng.choice(["status", "status_code", "statusCode"])
    value: str | int = rng.choice([status, str(status), f"{status} {REASONS[status]}"])
    token = _token(rng)
    fields = [_field(rng, key, value, rng.random() < 0.5), _field(rng, "detail", f"refused {token}", rng.random() < 0.5)]
    rng.shuffle(fields)
    quote = "{" + ", ".join(fields) + "}"
    out = in_our_words(quote, _sit(quote))
    assert f"HTTP {status}" in out and token in out, (quote, out)
    if isinstance(value, str) and " " in value:
        assert f"HTTP {value}" in out, (quote, out)  # the reason phrase is the record's word: kept
    assert out.count("'") % 2 == 0 and out.count('"') % 2 == 0, (quote, out)
    assert not any(f"{q}HTTP" in out or f"{status}{q}" in out for q in "'\""), (quote, out)


class _StepFailed(Exception):
    """An application's own exception (no rule, no class family knows it: the catch-all answers)."""


@pytest.mark.parametrize("seed", range(12))
def test_the_catch_all_quotes_a_message_it_already_shows_once(seed: int) -> None:
    # the log message carries the exception's text (f"{prefix}: {e}", the gateway's usual shape) in a client
    # library's format words: the summary shows it in our words, and the root cause does not repeat it
    rng = random.Random(seed)
    token = _token(rng)
    status = rng.choice([400, 409, 418, 422, 500, 503])
    # openai's form with a status no class answers for (418), zhipuai's own form ("Error code: 400, with error text
    # {...}", not the openai SDK's text), a body's code field and a status field
    said = rng.choice([f"Error code: 418 - {{'error': {{'message': 'refused {token}'}}}}",
                       f"Error code: {status}, with error text {{\"error\":{{\"message\":\"refused {token}\"}}}}",
                       f"upsert refused {token}: {{'message': 'no {token}', 'code': '{status}'}}",
                       f"step {token} refused: {{'status': '{status}', 'detail': 'see log'}}"])
    try:
        raise _StepFailed(said)
    except _StepFailed as e:
        excerpt = logged(rng.choice(["tools.widget", "src.daemon.worker", "utils.batch"]),
                         rng.choice([f"widget step failed: {e}", f"batch {rng.randrange(99)} aborted: {e}", f"{e}"]))
    d = RULES.diagnose(excerpt_to_input(excerpt))
    assert d.category == "unknown" or d.rule.startswith("catch-all") or "Unrecognised" in d.summary, (d.rule, d.summary)
    assert "error code:" not in d.summary.lower() and "'code'" not in d.summary, d.summary
    assert "The exception says" not in d.root_cause, d.root_cause
    assert token in d.summary, d.summary


class _ProviderReplyError(Exception):
    """A client's error carrying the provider's reply body (as zhipuai's and the gateway's wrappers do)."""


_CODE_NAMED = re.compile(r"\b(SQLSTATE|Z\.ai|PostgREST) ([0-9A-Z]{4,8})\b")


@pytest.mark.parametrize("seed", range(16))
def test_every_quote_of_an_answer_names_a_code_as_the_situation_does(seed: int) -> None:
    # through every call site that quotes (the rules' fields, Logged:, a class verdict's quote, the catch-all and
    # its "The exception says"): a code is named by the namespace situation.py files it under, and only then
    rng = random.Random(seed)
    remote, code = rng.choice([("kimi", "10001"), ("kimi", "20015"), ("glm", "1214"), ("glm", "1113"), ("glm", "1301"),
                               ("supabase", "42501"), ("supabase", "PGRST301"), (None, "10001")])
    token = _token(rng)
    body = {"error": {"code": code, "message": f"refused {token}", "type": "invalid_request_error"}}
    text_body = json.dumps(body) if rng.random() < 0.5 else repr(body)
    try:
        raise _ProviderReplyError(rng.choice([text_body, f"Error code: 400 - {text_body}"]))
    except _ProviderReplyError as e:
        excerpt = logged(REMOTE_LOGGERS[remote], rng.choice(["provider call failed", f"step failed: {e}", f"{e}"]))
    inp = excerpt_to_input(excerpt)
    sit = situation(inp)
    text = text_of(RULES.diagnose(inp))
    for word, named in _CODE_NAMED.findall(text):
        ns = {"SQLSTATE": "sqlstate", "Z.ai": "glm", "PostgREST": "pgrst"}[word]
        assert named in sit.code(ns), (word, named, sit.codes, text)
    assert "'code'" not in text and '"code"' not in text, text
    if remote == "glm":
        assert f"#{code}" not in text and (f"Z.ai {code}" in text or code not in text), text
    if remote == "kimi":
        assert f"SQLSTATE {code}" not in text, text
