"""A failure that happened once and whose record does not say why is an honest, low unknown that says so
(single_occurrence.py); a single failure whose record DOES say something keeps its answer.

Generated per seed: the logger, the operation's name and its start record, the generic detail (a bare raise of a real
exception, an HTTP 500's reason phrase, an apology), and the request ids vary. Twins, each changing one field of the
class: the same failure repeated, a chained cause (a real `raise ... from`), a WARNING before it, a specific message,
a documented code (a 503, PGRST116), a remote the record names (Kimi's logger), an AssertionError, and the same record
counted twice by the grouping stage.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from sidecar.diagnose.excerpt import excerpt_to_input

from .logged import RULES, diagnose, logged, raised_and_logged, text_of

SEEDS = (1, 2, 3, 4)
ONCE = "It happened once"
_LOGGERS = ("src.api.chat", "src.tasks.worker", "src.web.upload", "src.jobs.digest", "tools.intake")
_OPERATIONS = ("chat request", "summarize task t-{n}", "upload u-{n}", "digest job {n}", "export {n}")
_GENERIC = ("Internal Server Error", "unexpected error", "An error occurred while processing your request.",
            "Something went wrong. Please try again later.", "unknown error", "500 Internal Server Error", "")


def _stamp(second: int) -> str:
    return f"2026-12-07 10:01:{second:02d}"


def _generic_record(rnd: random.Random, detail: str | None = None) -> tuple[str, str]:
    """(logger, an ERROR record '<operation> failed: <generic detail>' with its operation's start record before)."""
    logger, n = rnd.choice(_LOGGERS), rnd.randrange(10, 9999)
    op = rnd.choice(_OPERATIONS).format(n=n)
    said = rnd.choice(_GENERIC) if detail is None else detail
    start = f"{_stamp(1)} INFO {logger}: {op} started request_id=r-{n}"
    return logger, f"{start}\n{_stamp(3)} ERROR {logger}: {op} failed: {said}"


@pytest.mark.parametrize("seed", SEEDS)
def test_one_generic_failure_with_nothing_around_it_is_an_unknown_said_once(seed):
    _, excerpt = _generic_record(random.Random(seed))
    d = diagnose(excerpt)
    assert d.category == "unknown" and d.confidence <= 0.3 and d.severity == "low"
    assert ONCE in d.root_cause and "single occurrence" in d.root_cause


def _bare_raise(kind: str) -> None:
    if kind == "runtime":
        raise RuntimeError()
    raise Exception(kind)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_bare_raise_of_a_generic_class_is_an_unknown_said_once(seed):
    rnd = random.Random(seed)
    kind = rnd.choice(("runtime", "unexpected error", "Unknown error", "internal error"))
    d = diagnose(raised_and_logged(lambda: _bare_raise(kind), rnd.choice(_LOGGERS), f"job {seed} failed"))
    assert d.category == "unknown" and d.confidence <= 0.3
    assert ONCE in d.root_cause


@pytest.mark.parametrize("seed", SEEDS)
def test_our_own_500_is_not_guessed_a_providers(seed):
    """HTTP 500 means 'an unexpected condition' (RFC 9110 15.6.1): the situation model's 'most often provider' guess
    on a 500 of our own route is a guess on words."""
    rnd = random.Random(seed)
    route = rnd.choice(("/v1/messages", "/v1/chat", "/v1/files"))
    d = diagnose(f"{_stamp(3)} ERROR src.api.middleware: unhandled error on POST {route}: 500 Internal Server Error "
                 f"(request_id=r-{rnd.randrange(100, 999)})")
    assert d.category == "unknown" and d.confidence <= 0.3 and ONCE in d.root_cause


# --- twins: one field of the class changed; the answer must not be the once-unknown ---

@pytest.mark.parametrize("seed", SEEDS)
def test_the_same_failure_repeated_is_not_called_once(seed):
    _, excerpt = _generic_record(random.Random(seed), detail="Internal Server Error")
    error = excerpt.splitlines()[-1]
    d = diagnose("\n".join([excerpt, error.replace(_stamp(3), _stamp(9)), error.replace(_stamp(3), _stamp(14))]))
    assert ONCE not in text_of(d)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_failure_the_grouping_counted_twice_is_not_called_once(seed):
    _, excerpt = _generic_record(random.Random(seed), detail="Internal Server Error")
    inp = excerpt_to_input(excerpt)
    assert ONCE in RULES.diagnose(inp).root_cause  # the same record, counted once: the class
    assert ONCE not in text_of(RULES.diagnose(replace(inp, count=2)))


def _chained() -> None:
    try:
        raise ConnectionRefusedError(111, "Connection refused")
    except ConnectionRefusedError as exc:
        raise RuntimeError("internal error") from exc


@pytest.mark.parametrize("seed", SEEDS)
def test_a_chained_cause_says_what_failed_first(seed):
    d = diagnose(raised_and_logged(_chained, random.Random(seed).choice(_LOGGERS), f"job {seed} failed"))
    assert ONCE not in text_of(d)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_warning_before_it_bears_on_it(seed):
    rnd = random.Random(seed)
    logger, excerpt = _generic_record(rnd, detail="Internal Server Error")
    warning = rnd.choice(("connection pool exhausted (20/20 in use), waiting", "config reloaded: MAX_TOKENS=512",
                          "retrying upstream call (attempt 2/3)"))
    d = diagnose(f"{_stamp(2)} WARNING {logger}: {warning}\n{excerpt}")
    assert ONCE not in text_of(d)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("detail", ["unsupported export format: 'xlsx2'", "503 Service Unavailable",
                                    "Internal Server Error: column \"plan\" does not exist"])
def test_a_specific_message_or_a_documented_code_is_a_detail(seed, detail):
    _, excerpt = _generic_record(random.Random(seed), detail=detail)
    assert ONCE not in text_of(diagnose(excerpt))


@pytest.mark.parametrize("seed", SEEDS)
def test_a_remote_the_record_names_keeps_its_answer(seed):
    d = diagnose(f"{_stamp(3)} ERROR src.providers.kimi_chat: Kimi call failed: Error code: 500 - {{'error': "
                 f"{{'message': 'internal error', 'type': 'internal_error'}}}} request_id=r-{seed}")
    assert d.category == "provider" and ONCE not in text_of(d)


def _assertion() -> None:
    state: dict[str, bool] = {"ready": False}
    assert state["ready"]


@pytest.mark.parametrize("seed", SEEDS)
def test_an_assertion_is_the_invariant_not_no_detail(seed):
    d = diagnose(raised_and_logged(_assertion, random.Random(seed).choice(_LOGGERS), "job crashed"))
    assert d.category == "code" and ONCE not in text_of(d)


def test_an_ordinary_info_record_after_is_no_second_record():
    """Adversarial: a later INFO that shares no failure word is the operation going on, not a record bearing on it;
    a later INFO saying the request is retried is one."""
    try:
        raise RuntimeError()
    except RuntimeError:
        excerpt = logged("src.tasks.worker", "job 77 failed")
    quiet = diagnose(f"{excerpt}\n{_stamp(5)} INFO src.tasks.worker: job 78 started")
    retried = diagnose(f"{excerpt}\n{_stamp(5)} INFO src.tasks.worker: job 77 retrying (attempt 2)")
    assert ONCE in quiet.root_cause and ONCE not in text_of(retried)
