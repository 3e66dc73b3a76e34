"""A provider's 400 refusing the content a USER's request carried is not the gateway's code (user_content.py), and an
encrypted or damaged document a user uploaded is the user's (user_data.py's `document` kind).

Generated per seed: the provider's documented refusal (the openai SDK's ResponseError codes, Anthropic's texts, the
safety-system refusals), the request id's spelling, the user's request record (a route with user=, an upload, an
attachment), loggers. Twins, each one field changed, that must keep `code`: no record of a user's request (a job the
gateway runs), a record of the same request naming what the gateway built into it (a template, a rendered chart), a
400 about a parameter or a shape (a tool schema, max_tokens) in a user's request, a user's request with ANOTHER id.
"""

from __future__ import annotations

import random

import pytest

from .logged import diagnose, text_of

SEEDS = (1, 2, 3)
_IMAGE = (("invalid_image_format", "You uploaded an unsupported image. Please make sure your image is valid."),
          ("invalid_base64_image", "Invalid base64 image_url."),
          ("image_parse_error", "Invalid image."),
          ("image_too_large", "image exceeds 5 MB maximum: 7340032 bytes > 5242880 bytes"))
_DOCUMENT = (("null", "The PDF specified was not valid."),
             ("null", "Could not process the document: the PDF is password protected and encrypted"))
_POLICY = (("content_policy_violation", "Your request was rejected as a result of our safety system."),
           ("invalid_prompt", "Your prompt was flagged as potentially violating our usage policy."))
_PARAMETER = (("invalid_value", "Invalid request: tools[2].function.parameters is not a valid JSON schema"),
              ("integer_above_max_value", "Invalid 'max_tokens': integer above maximum value."))
_IDS = ("request_id={}", "req_id={}", "[req:{}]")


def _refusal(rnd: random.Random, refusals: tuple[tuple[str, str], ...], rid: str) -> str:
    code, message = rnd.choice(refusals)
    code_field = "None" if code == "null" else f"'{code}'"
    logger = rnd.choice(("src.providers.openai_chat", "src.providers.claude_chat", "src.providers.kimi_chat"))
    return (f"2026-12-07 10:01:01 ERROR {logger}: chat failed {rid}: Error code: 400 - {{'error': {{'message': "
            f"'{message}', 'type': 'invalid_request_error', 'param': None, 'code': {code_field}}}}}")


def _users_request(rnd: random.Random, rid: str) -> str:
    said = rnd.choice((f"POST /v1/chat {rid} user=u-{rnd.randrange(1, 99)}",
                       f"upload received file_id=f-{rnd.randrange(1, 99)} {rid} user_id=u-{rnd.randrange(1, 99)}",
                       f"chat request {rid} with 1 attachment (image/png)"))
    return f"2026-12-07 10:01:00 INFO src.api.chat: {said}"


def _rid(rnd: random.Random) -> str:
    return rnd.choice(_IDS).format(f"r-{rnd.randrange(1000, 9999)}")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("refusals", [_IMAGE, _DOCUMENT], ids=["image", "document"])
def test_a_refusal_of_the_users_attachment_is_the_users_content(seed, refusals):
    rnd = random.Random(seed)
    rid = _rid(rnd)
    d = diagnose(f"{_users_request(rnd, rid)}\n{_refusal(rnd, refusals, rid)}")
    assert d.category == "unknown" and d.severity == "low" and d.confidence <= 0.35
    assert "user" in d.summary and "fix how the gateway builds" not in text_of(d)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_safety_refusal_of_the_users_prompt_is_the_providers_filter_not_code(seed):
    rnd = random.Random(seed)
    rid = _rid(rnd)
    d = diagnose(f"{_users_request(rnd, rid)}\n{_refusal(rnd, _POLICY, rid)}")
    assert d.category == "provider" and d.severity == "low" and d.confidence <= 0.35


# --- twins: the same refusal about what the gateway built, or not tied to a user's request: code stays ---

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("refusals", [_IMAGE, _DOCUMENT, _POLICY], ids=["image", "document", "policy"])
def test_the_same_refusal_in_a_job_of_the_gateways_own_is_code(seed, refusals):
    rnd = random.Random(seed)
    rid = _rid(rnd)
    job = f"2026-12-07 10:01:00 INFO src.jobs.digest: nightly digest started {rid}"
    d = diagnose(f"{job}\n{_refusal(rnd, refusals, rid)}")
    assert d.category == "code" and "user" not in d.summary


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("built", ["rendered usage chart for the answer {} (image/png)",
                                   "prompt built from template prompts/answer.j2 {}"])
def test_what_the_gateway_built_into_the_users_request_is_code(seed, built):
    rnd = random.Random(seed)
    rid = _rid(rnd)
    ours = f"2026-12-07 10:01:00 INFO src.render.charts: {built.format(rid)}"
    d = diagnose(f"{_users_request(rnd, rid)}\n{ours}\n{_refusal(rnd, _IMAGE + _POLICY, rid)}")
    assert d.category == "code"


@pytest.mark.parametrize("seed", SEEDS)
def test_a_parameter_refused_in_a_users_request_is_code(seed):
    rnd = random.Random(seed)
    rid = _rid(rnd)
    d = diagnose(f"{_users_request(rnd, rid)}\n{_refusal(rnd, _PARAMETER, rid)}")
    assert d.category == "code"


@pytest.mark.parametrize("seed", SEEDS)
def test_another_requests_user_record_is_no_tie(seed):
    rnd = random.Random(seed)
    d = diagnose(f"{_users_request(rnd, 'request_id=r-1')}\n{_refusal(rnd, _IMAGE, 'request_id=r-2')}")
    assert d.category == "code"


_PDF_ERRORS = (("FileNotDecryptedError", "File has not been decrypted"),
               ("PdfReadError", "EOF marker not found"),
               ("EmptyFileError", "Cannot read an empty file"))


def _pdf_failure(rnd: random.Random, rid: str, path: str) -> str:
    cls, msg = rnd.choice(_PDF_ERRORS)
    return (f"2026-12-07 10:01:01 ERROR src.tools.pdf_extract: extract failed {rid}\n"
            "Traceback (most recent call last):\n"
            '  File "/app/src/tools/pdf_extract.py", line 21, in extract\n'
            f"    reader = PdfReader({path!r})\n"
            '  File "/usr/local/lib/python3.11/site-packages/pypdf/_reader.py", line 1421, in read\n'
            f"    raise {cls}({msg!r})\n"
            f"pypdf.errors.{cls}: {msg}")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_document_the_user_uploaded_that_pypdf_refuses_is_the_users(seed):
    rnd = random.Random(seed)
    rid = _rid(rnd)
    upload = f"2026-12-07 10:01:00 INFO src.api.files: upload received file_id=f-9 name=a.pdf user=u-3 {rid}"
    d = diagnose(f"{upload}\n{_pdf_failure(rnd, rid, '/data/uploads/f-9.pdf')}")
    assert d.category == "unknown" and d.confidence <= 0.35 and "user's" in d.summary


@pytest.mark.parametrize("seed", SEEDS)
def test_our_own_pdf_template_refused_is_not_called_the_users(seed):
    rnd = random.Random(seed)
    rid = _rid(rnd)
    build = f"2026-12-07 10:01:00 INFO src.reports.invoice: building invoice for order o-5 {rid}"
    d = diagnose(f"{build}\n{_pdf_failure(rnd, rid, '/app/assets/invoice_template.pdf')}")
    assert "user's" not in text_of(d)
