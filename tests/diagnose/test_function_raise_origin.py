"""Our PL/pgSQL function raising on the data it was called with: whose data it was decides (origin.py, CLASSES10 G5).

SQLSTATE class P0 (PostgreSQL errcodes appendix; `SP/psycopg/errors.py`: P0001 RaiseException, P0002 NoDataFound,
P0003 TooManyRows, P0004 AssertFailure) is the function's own control flow: `RAISE`, `SELECT ... INTO STRICT` meeting
zero or several rows, `ASSERT`. The code table reads it as code (the function should handle the case). When a record
before it says the argument was the user's own input (origin.py's words), the doctrine's answer is unknown, low - as for class
22, the value's origin decides. Twin keeps code: the same records without the user's word (the gateway's own job).

Each error is psycopg's own class for the code, raised from this file and logged as the gateway's storage module logs it:
with its traceback, or only its text (`logger.error("... failed: %s: %s", type(exc).__name__, exc)`) with PL/pgSQL's
CONTEXT line.
"""

from __future__ import annotations

import random

import psycopg.errors
import pytest

from .logged import diagnose, logged

MESSAGES = {"P0001": "job {arg} is not claimable", "P0002": "query returned no rows",
            "P0003": "query returned more than one row", "P0004": "assertion failed"}
FUNCTIONS = ["claim_upload_job", "resolve_conversation", "next_file_chunk"]
LOGGERS = ["src.storage.jobs", "src.storage.supabase_client", "src.daemon.queue"]
USER_SAID = ["tool call lookup args={{'id': {arg!r}}} (user input, not validated)",
             "lookup id={arg} supplied by the user", "user-provided id {arg} received"]
OWN_SAID = ["scheduled run of {fn} for {arg!r}", "running {fn}({arg!r}) for the nightly sweep"]


def _excerpt(seed: int, user: bool) -> str:
    r = random.Random(seed)
    code = r.choice(sorted(MESSAGES))
    fn, logger, arg = r.choice(FUNCTIONS), r.choice(LOGGERS), r.choice(["''", "42", "conv-7f3a"])
    req = f"{r.randrange(16**6):06x}"
    said = (r.choice(USER_SAID) if user else r.choice(OWN_SAID)).format(arg=arg, fn=fn)
    before = (f"[req:{req}] {said}",)
    exc = psycopg.errors.lookup(code)(MESSAGES[code].format(arg=arg))
    if seed % 2 == 0:  # the record carries the traceback
        try:
            raise exc
        except psycopg.Error:
            return logged(logger, f"[req:{req}] {fn} failed", before=before)
    head = logged(logger, f"[req:{req}] x", before=before).splitlines()[0]
    stamp = head.split(" INFO ")[0]
    return (f"{head}\n{stamp} ERROR {logger}: [req:{req}] {fn} failed: {type(exc).__name__}: {exc}\n"
            f"CONTEXT:  PL/pgSQL function {fn}(text) line {r.randrange(3, 40)} at SQL statement")


@pytest.mark.parametrize("seed", range(12))
def test_a_function_raising_on_the_users_value_is_unknown_low(seed: int) -> None:
    d = diagnose(_excerpt(seed, user=True))
    assert d.category == "unknown" and d.confidence <= 0.4, (seed, d.rule, d.category, d.confidence, d.summary)


@pytest.mark.parametrize("seed", range(12))
def test_the_same_raise_in_our_own_job_stays_code(seed: int) -> None:
    d = diagnose(_excerpt(seed, user=False))
    assert d.category == "code", (seed, d.rule, d.category, d.summary)
