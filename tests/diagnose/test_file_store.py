"""A provider account's file store at its limit: our use (capacity or code) unless the gateway is deleting its files around
it - then the plan's limit reached by use (provider). file_store.py and codes.MOONSHOT_INVALID_REQUEST.

The error is openai's own BadRequestError (raised with an httpx response from api.moonshot.ai), its body's message
drawn per seed from the account limits' wordings (count, total size); the deletes record varies its logger, wording
and position (before or after). Twins: no deletes record (the table's reading), a local disk cleanup naming no file API.
"""

from __future__ import annotations

import random

import httpx
import openai
import pytest

from tests.diagnose.logged import diagnose, logged

_LIMITS = ("The number of files you have uploaded exceeded the max file count 1000, please delete previous uploaded files",
           "total file size exceeds the limit of 10 GB for this organization, please delete unused files",
           "total size of uploaded files exceeds 10GB",
           "file count exceeds the limit of 500 files for this organization, please delete unused files")
_DELETES = ("src.file_management.lifecycle: sweep done: deleted {n} files older than 24h, kept 3391",
            "utils.observability: file_count_delta summary kimi last 7d: creates 9120, deletes {n}",
            "src.providers.kimi_files: files.delete ok for {n} expired uploads")


def _refused(rnd: random.Random, before: tuple[str, ...] = ()) -> str:
    body = {"error": {"message": rnd.choice(_LIMITS), "type": "invalid_request_error"}}
    response = httpx.Response(400, request=httpx.Request("POST", "https://api.moonshot.ai/v1/files"))
    try:
        raise openai.BadRequestError(f"Error code: 400 - {body}", response=response, body=body)
    except openai.BadRequestError:
        return logged(rnd.choice(("src.providers.kimi_files", "src.file_management.kimi_upload")),
                      f"[req:{rnd.getrandbits(16):04x}] Kimi upload failed", before)


def _stamped(rnd: random.Random, record: str) -> str:
    return f"2026-12-07 0{rnd.randrange(10)}:{rnd.randrange(10, 60)}:00 INFO {record.format(n=rnd.randrange(90, 9000))}"


@pytest.mark.parametrize("seed", range(1, 4))
def test_a_full_file_store_while_we_delete_is_the_plans_limit(seed: int) -> None:
    rnd = random.Random(seed)
    deletes = _stamped(rnd, rnd.choice(_DELETES))
    error = _refused(rnd)
    d = diagnose(f"{deletes}\n{error}" if rnd.random() < 0.5 else f"{error}\n{deletes}")
    assert (d.category, d.rule.endswith("+deletes-running")) == ("provider", True), (d.rule, d.root_cause)
    assert d.confidence < 0.6 and "plan" in d.root_cause
    assert d.evidence[0] == deletes, d.evidence  # the record the answer rests on comes first


@pytest.mark.parametrize("seed", range(1, 4))
def test_twins_no_deletes_of_its_files_keep_our_leak(seed: int) -> None:
    rnd = random.Random(seed)
    none_now = (f"{_stamped(rnd, 'utils.observability: file_count_delta summary kimi last 30d: creates 1414, deletes {n}')}"
                f"\n{_refused(rnd)}\n"
                f"{_stamped(rnd, 'utils.observability: file_count_delta summary kimi since the deploy: files.delete calls 0')}")
    for excerpt in (_refused(rnd), f"{_stamped(rnd, 'src.daemon.tmp_cleanup: deleted {n} files from /tmp')}\n{_refused(rnd)}",
                    none_now):
        d = diagnose(excerpt)
        assert d.category in ("capacity", "code") and not d.rule.endswith("+deletes-running"), (d.rule, d.summary)
