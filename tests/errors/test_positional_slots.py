"""Positional-unannounced slots (errors/slots.py, kind 3): a plain word that varies in a position nothing
announces is a value once the rest of the message agrees, as in Drain; each guard keeps two events apart.
Generated words and templates (hypothesis); none of the templates is from the tuning data."""

from __future__ import annotations

import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sidecar.errors.fingerprint import normalize_message
from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.token_forms import names_failure
from sidecar.errors.word_slots import FUNCTION_WORDS as _FUNCTION_WORDS
from sidecar.errors.word_slots import POLARITY as _POLARITY
from sidecar.errors.word_slots import negated as _negated

_LOWER = string.ascii_lowercase
_word = st.text(_LOWER, min_size=3, max_size=10)
# The classes the issue names: user names, process names, letters-only ids, hyphenated host names.
_plain = st.one_of(
    _word,
    st.builds(lambda a, b: f"{a}-{b}", _word, st.text(_LOWER, min_size=2, max_size=5)),
    st.builds(lambda a, b: f"{a}_{b}", _word, st.text(_LOWER, min_size=2, max_size=5)),
)


def _value(w: str) -> bool:
    """Not one of the guarded classes: a verb form, a word naming a failure, a possible inflection, a negated
    compound (`too-aa`, `not_ready`: word_slots.negated), a negation or aspect adverb (`none`, `never`), a
    closed-class word (`were`, `them`: word_slots.FUNCTION_WORDS, round 20 - a name is never one)."""
    return not names_failure(w) and not any(g in w for g in ("ed", "ing")) and not w.endswith("s") \
        and not _negated(w) and w not in _POLARITY and w not in _FUNCTION_WORDS


def _masked_alone(frame: str, w: str) -> bool:
    """Whether `w` changes nothing in the masking of `frame` but itself: a key word masking the next token
    (`login <*>`, masking_rules.USER_KEYS) would make another message, not a slot."""
    return normalize_message(frame.format(w)) == normalize_message(frame.format("qqzx")).replace("qqzx", w)


# The slot is past the subject and verb and nothing before it announces a value.
TEMPLATES = (
    "scheduler evicted pod {} after the readiness probe stopped answering",
    "replica lost lease held by {} and will rejoin the pool",
    "audit trail shows {} changed the retention policy twice",
    "cache warmer skipped shard {} because its manifest is stale",
    "replica pushed the snapshot to {} over the backup link",  # `to` opening a destination
)


def _groups(*messages: str) -> int:
    grouper = MessageGrouper()
    return len({grouper.fingerprint(m, "svc") for m in messages})


@settings(max_examples=80, deadline=None)
@given(template=st.sampled_from(TEMPLATES), a=_plain, b=_plain, c=_plain)
def test_a_plain_word_in_an_unannounced_slot_is_one_group(template: str, a: str, b: str, c: str) -> None:
    assume(_value(a) and _value(b) and _value(c))
    assume(not any(x != y and y.startswith(x) for x in (a, b, c) for y in (a, b, c)))  # no inflections
    assume(all(_masked_alone(template, x) for x in (a, b, c)))
    assert _groups(template.format(a), template.format(b), template.format(c)) == 1


@settings(max_examples=40, deadline=None)
@given(a=_word, b=_word)
def test_the_subject_and_the_verb_name_the_event(a: str, b: str) -> None:
    """Drain's tree levels: the first two tokens are never a positional slot. (A first word before a
    tail of 4+ agreeing literal words is a value from the second distinct one since round 9,
    `first_slot.FIRST_VALUES`; before a shorter tail it is the subject, Loghub's `<prog> startup`.)"""
    assume(a != b)
    assert _groups(f"{a} startup succeeded today", f"{b} startup succeeded today") == 2
    assert _groups(f"Changing {a} acls for the shared workspace members",
                   f"Changing {b} acls for the shared workspace members") == 2


@settings(max_examples=40, deadline=None)
@given(a=_word, b=_word, prev=st.sampled_from(["stored as", "stored to", "failed to", "unable to", "trying to",
                                                "refused to", "needs to", "configured to", "scheduled to",
                                                "expected to", "changed to"]))
def test_what_follows_as_or_an_infinitive_to_names_the_action_or_the_state(a: str, b: str, prev: str) -> None:
    assume(a != b)
    assert _groups(f"block cache entry {prev} {a} in memory after the flush",
                   f"block cache entry {prev} {b} in memory after the flush") == 2


# Verbs of motion and transfer take a goal, not an infinitive (errors/to_phrases.py, round 15: Levin's
# send/carry/attach/communication classes): `log.info("Connecting to {}", host)` with a letters-only host.
# Their -ing and -ed forms, spelled here, not read from the module's list.
_GOAL_PHRASES = ("Connecting to", "connected to", "Reconnecting to", "Forwarding request to", "published to",
                 "subscribed to", "Redirecting to", "Switching to", "replicating to", "dispatched to")


@settings(max_examples=25, deadline=None)
@given(a=_plain, b=_plain, c=_plain, verb=st.sampled_from(_GOAL_PHRASES), tail=st.sampled_from(
    ["on port 6379 after the restart", "for the nightly export run", "with two retries left"]))
def test_the_word_after_a_goal_to_is_a_destination(a: str, b: str, c: str, verb: str, tail: str) -> None:
    assume(_value(a) and _value(b) and _value(c))
    assume(not any(x != y and y.startswith(x) for x in (a, b, c) for y in (a, b, c)))  # no inflections
    assume(all(_masked_alone(f"{verb} {{}} {tail}", x) for x in (a, b, c)))
    assert _groups(f"{verb} {a} {tail}", f"{verb} {b} {tail}", f"{verb} {c} {tail}") == 1
    # twin: the same words after an infinitive `to` name the action (`Trying to connect` / `to resolve`)
    assume(a != b)
    assert _groups(f"Trying to {a} {tail}", f"Trying to {b} {tail}") == 2


# A destination is a name even with a verb's suffix (a gerund as a service, queue or stage name).
_GERUND_NAMES = ("billing", "shipping", "pricing", "staging", "messaging", "accounting", "onboarding", "tracing",
                 "pending", "archived")


@settings(max_examples=20, deadline=None)
@given(names=st.lists(st.sampled_from(_GERUND_NAMES), min_size=3, max_size=3, unique=True),
       verb=st.sampled_from(_GOAL_PHRASES + ("request <*> to", "batch 7 to")), n=st.integers(1, 99999))
def test_a_gerund_named_destination_is_a_value_but_stays_an_event_word_elsewhere(names: list[str], verb: str,
                                                                                   n: int) -> None:
    a, b, c = names
    assert _groups(*(f"{verb.replace('<*>', str(n + k))} {w} backend for the tenant" for k, w in enumerate(names))) == 1
    # twins: the same words after an infinitive `to`, after `is`, and states in capitals after `to`
    assert _groups(f"Failed to {a} the batch now", f"Failed to {b} the batch now") == 2
    assert _groups(f"service api is {a} right now", f"service api is {c} right now") == 2
    assert _groups(f"{verb} {a.upper()} backend for the tenant", f"{verb} {b.upper()} backend for the tenant") == 2


def test_guards_keep_event_words_apart() -> None:
    # inflections: grammatical number is part of the template
    assert _groups("PAM session reported one more authentication failure; giving up",
                   "PAM session reported one more authentication failures; giving up") == 2
    # two ALL-CAPS states (an announced state, `state=RUNNING`, is a slot: test_templates)
    assert _groups("peer election notification says FOLLOWING for the current round",
                   "peer election notification says LEADING for the current round") == 2
    # a word that names the failure, also in an announced slot
    assert _groups("upstream connect error: ECONNRESET", "upstream connect error: ETIMEDOUT") == 2
    assert _groups("request failed with reason: timeout", "request failed with reason: refused") == 2
    assert _groups("provider returned error: insufficient_quota", "provider returned error: invalid_api_key") == 2
    assert _groups("upstream request failed for user sherry", "upstream request failed for user bob") == 1
    assert _groups("Kimi API error 429 exceeded_current_quota_error for key ending eedd",
                   "Kimi API error 401 invalid_authentication_error for key ending eedd") == 2
    assert _groups("upstream call to the billing service hit timeout on the second attempt",
                   "upstream call to the billing service hit refusal on the second attempt") == 2
    # a verb form names what happened
    assert _groups("invalid bearer token expired for session 42", "invalid bearer token revoked for session 42") == 2
    # what a number counts
    assert _groups("dropped 3 packets on the uplink interface", "dropped 3 sessions on the uplink interface") == 2
    # too few agreeing words to tell a slot from another event
    assert _groups("lease alpha", "lease beta") == 2
    assert _groups("7 held alpha 8", "9 held beta 10") == 2


@settings(max_examples=40, deadline=None)
@given(words=st.lists(_word, min_size=6, max_size=6, unique=True))
def test_three_differing_words_are_two_events(words: list[str]) -> None:
    a, b, c, d, e, f = words
    assert _groups(f"worker pool moved {a} {b} {c} into the spare queue overnight",
                   f"worker pool moved {d} {e} {f} into the spare queue overnight") == 2


@pytest.mark.parametrize(("a", "b"), [
    ("api key added to blocklist after abuse report", "api key added to allowlist after abuse report"),
    ("message moved to quarantine after scan", "message moved to archive after scan")])
def test_a_constant_list_or_state_after_a_state_changing_verb_stays_apart(a: str, b: str) -> None:
    """Near-miss of the goal `to`: `log.warning("api key added to blocklist ...")` and `... added to allowlist`
    are two statements in the code (the list is the statement's meaning, not a value it prints); before round 15
    they were two groups."""
    assert _groups(a, b) == 2
