"""The learner's cheap veto (errors/slots.py `fixed_veto`) is sound: whenever it refuses a template,
`similarity` says -1 for that pair under every setting, so skipping the comparison changes no group.

Pairs are generated: a template of pool tokens and a message that differs from it in a few positions.
The pool holds every token class `similarity` treats apart (introducers, `key:`/`key=`, `...`, units,
placeholders, quoted and bracketed values, ALL-CAPS, verb forms, failure words, inflections, hex-like
and CamelCase words, non-ASCII letters), so each of the veto's exclusions is exercised; none of it is
from the tuning data.
"""

from __future__ import annotations

import itertools
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from sidecar.errors.fixed_veto import fixed_veto, fixed_word
from sidecar.errors.slots import similarity

_CONTEXT = (
    "for", "user", "from", "by", "ending", "host", "tenant", "key:", "state=", "code=", "status:", "to", "as",
    "Failed", "unable", "...", "<*>", "<*>:", "id=<*>", "'get'", "'put'", "(spawning)", "(deleting)", "rhost=",
    "rhost=<*>", "a_b", "x-y", "3", "<*>,",
)
_WORDS = (
    "Task", "TaskAttempt", "NEW", "ASSIGNED", "RUNNING", "A", "started", "starting", "expired", "failed", "timeout",
    "quota", "failure", "failures", "warning", "warnings", "dead", "beef", "cafe", "Mon", "KB", "ms", "s", "bytes",
    "AKIAIOSFODNNEXAMPLE", "WindowsUpdateAgent", "mKeyId", "root", "guest", "worker", "as", "to", "ÄRGER", "café",
    "sshd", "cron", "FAIL_CONTAINER_CLEANUP", "SUCCESS_CONTAINER_CLEANUP", "job-jar", "job-conf", "acme_corp",
    "blk_eedd", "request_failed", "re-started",
)
_lower = st.text(string.ascii_lowercase, min_size=1, max_size=8)
_upper = st.text(string.ascii_uppercase, min_size=1, max_size=6)
_token = st.one_of(st.sampled_from(_CONTEXT), st.sampled_from(_WORDS), _lower, _upper)

# Every setting the learner takes (bench/grouping.py's grid and beyond): the veto may use word_from only.
_SETTINGS = list(itertools.product((0, 1, 2), (1, 2, 3), (True, False), (0, 1, 2, 3)))


@st.composite
def _pairs(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    template = draw(st.lists(_token, min_size=3, max_size=9))
    message = list(template)
    for i in draw(st.lists(st.integers(0, len(template) - 1), min_size=1, max_size=3)):
        message[i] = draw(_token)
    return template, message


@settings(max_examples=600, deadline=None)
@given(pair=_pairs())
def test_a_vetoed_pair_is_never_similar(pair: tuple[list[str], list[str]]) -> None:
    template, message = pair
    for other_words, min_agree, delimited, word_from in _SETTINGS:
        if fixed_veto(template, message, word_from):
            assert similarity(template, message, other_words, min_agree, delimited, word_from) == -1.0, \
                (template, message, other_words, min_agree, delimited, word_from)


def test_the_veto_refuses_the_classes_it_is_for() -> None:
    """Not vacuous: the event word before WORD_FROM, two ALL-CAPS states, a verb form, a failure word."""
    cases = [
        ("<*> Task Transitioned from NEW to SCHEDULED", "<*> TaskAttempt Transitioned from NEW to SCHEDULED"),
        ("<*> Task Transitioned from NEW to SCHEDULED", "<*> Task Transitioned from NEW to RUNNING"),
        ("job <*> was cancelled by the scheduler", "job <*> was started by the scheduler"),
        ("job <*> was paused by the scheduler", "job <*> was rejected by the scheduler"),
        ("<*> attempt moved to FAIL_CONTAINER_CLEANUP now", "<*> attempt moved to SUCCESS_CONTAINER_CLEANUP now"),
    ]
    for a, b in cases:
        template, message = a.split(" "), b.split(" ")
        assert fixed_veto(template, message)
        assert similarity(template, message) == -1.0


def test_what_the_veto_must_leave_to_similarity() -> None:
    """A word a context can make a slot is never vetoed: after an introducer, before `...`, a unit,
    a value-like word, and a plain word past WORD_FROM (a positional slot)."""
    cases = [
        ("login failed for user ROOT on console", "login failed for user GUEST on console"),
        ("saw pwbzwvfh ... and stopped here", "saw QWERTYZ ... and stopped here"),
        ("read <*> KB from the disk cache", "read <*> MB from the disk cache"),
        ("Kimi API error for key ending eedd now", "Kimi API error for key ending beef now"),
        ("scheduler evicted pod alpha after the probe", "scheduler evicted pod gamma after the probe"),
        ("quota checked for tenant ACME_CORP at noon", "quota checked for tenant BETA_CORP at noon"),
    ]
    for a, b in cases:
        template, message = a.split(" "), b.split(" ")
        assert not fixed_veto(template, message)
        assert similarity(template, message) > 0


def test_fixed_word_classes() -> None:
    for word in ("NEW", "TaskAttempt", "started", "FAIL_CONTAINER_CLEANUP", "job-jar", "acme_corp"):
        assert fixed_word(word), word
    for value_like in ("dead", "mKeyId", "Mon", "KB", "ms", "<*>", "id=<*>", "blk_eedd", "café", "(x)", "a.b",
                       "x-", "AKIAIOSFODNNEXAMPLE"):
        assert not fixed_word(value_like), value_like
