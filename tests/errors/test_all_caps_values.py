"""ALL-CAPS words in a slot nothing announces (round 9, errors/slots.py `_positional`): a value, as Drain
takes any position that varies between otherwise equal messages, unless the word names the event.

The class (Drain, He et al. ICWS 2017: a varying position is a parameter) is every ALL-CAPS member name
a program prints from an enum: the stdlib's own enums give them, none of them from the tuning data
(`socket.AddressFamily`, `re.RegexFlag`, `http.HTTPMethod`, `signal.Signals`, `tokenize.tok_name`,
`logging` level names). The must-stay-apart twins, each a class:
* a verb form in capitals (`CREATED`, `PROCESSING`, `FOLLOWING`): the state is what the thing does or
  had done to it (the shared labels keep Zookeeper's and Hadoop's states apart);
* a compound with a negating part (`NOT_FOUND`, `BAD_GATEWAY`, `TOO_MANY_REQUESTS`: the
  `http.HTTPStatus` names built so) or a word naming a failure (`SERVICE_UNAVAILABLE`);
* a word after a failure key or, in capitals, after a failure word (`error: ECONNRESET`, the errno names
  of `errno.errorcode`).
Each template varies the wording, the position and the word before the slot; hypothesis draws the
pairs (several seeds per run). The class test fails on the round-8 tree (two ALL-CAPS words were never a
slot); the twins pass on both.
"""

from __future__ import annotations

import errno
import http
import logging
import re
import signal
import socket
import tokenize

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.token_forms import names_failure
from sidecar.errors.word_slots import FUNCTION_WORDS

# letters only: a digit inside (`AF_INET6`, `E2BIG`) is masking's class (a code kept on purpose, `PGRST204`)
_CAPS = re.compile(r"[A-Z]{2,}(?:_[A-Z]+)*")
_VERB = re.compile(r"(?:ED|ING)$")
_NEGATING = {"NOT", "NO", "NON", "BAD", "TOO"}


def _members(names: list[str]) -> list[str]:
    return sorted({n for n in names if _CAPS.fullmatch(n)})


def _plain(names: list[str]) -> list[str]:
    """Enum members nothing in their form says name an event: not a verb form, a failure or a negation."""
    return [n for n in names if not _VERB.search(n) and not names_failure(n)
            and not _NEGATING & set(n.split("_"))]


ENUM_MEMBERS = _plain(_members(
    [f.name for f in socket.AddressFamily] + [f.name or "" for f in re.RegexFlag]
    + [m.name for m in http.HTTPMethod] + [s.name for s in signal.Signals] + list(tokenize.tok_name.values())
    + [logging.getLevelName(v) for v in (logging.DEBUG, logging.INFO, logging.CRITICAL)]))
_STATUS = _members([s.name for s in http.HTTPStatus])
VERB_STATES = [n for n in _STATUS if _VERB.search(n)] + ["FOLLOWING", "LEADING", "LOOKING", "RUNNING", "ASSIGNED"]
NEGATED = [n for n in _STATUS if _NEGATING & set(n.split("_"))]
# ... minus those spelled only with hex letters (`EBADE`, `EBADF`): a hex value by form, the typed class
# (issue 15's letters-only hex suffix `eedd`), which the form decides before any position does
ERRNO_NAMES = [n for n in _members(list(errno.errorcode.values())) if not re.fullmatch("[A-Fa-f]+", n)]

# wording, position and the word before the slot all vary; none of the words before it announces a value
TEMPLATES = (
    "scheduler picked {} for the replica placement on the second rack",
    "the resolver handed back {} while it walked the search domains",
    "connection pool worker marked {} before the health probe ran",
    "ingest batch carried the flag {} through the decode step again",
)


def _ids(messages: list[str]) -> list[str]:
    grouper = MessageGrouper()
    return [grouper.fingerprint(m, "svc") for m in messages]


def _pair(names: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True)


def test_the_generated_classes_are_not_empty() -> None:
    """Missing data fails: each class holds enough names to draw from on this interpreter."""
    assert len(ENUM_MEMBERS) >= 20 and len(VERB_STATES) >= 5 and len(NEGATED) >= 5 and len(ERRNO_NAMES) >= 20


@pytest.mark.xfail(strict=True, reason="the ALL-CAPS guard is back (lead, round 9): both blind grouping generators and the errno twins said f369ea5 was worse; the class stays open")
@settings(max_examples=60, deadline=None)
@given(names=st.lists(st.sampled_from(ENUM_MEMBERS), min_size=2, max_size=5, unique=True),
       template=st.sampled_from(TEMPLATES))
def test_an_enum_member_in_an_unannounced_slot_is_a_value(names: list[str], template: str) -> None:
    """Every message joins the first one's group, whatever member and however many."""
    assert len(set(_ids([template.format(n) for n in names]))) == 1


@settings(max_examples=40, deadline=None)
@given(pair=_pair(VERB_STATES), template=st.sampled_from(TEMPLATES))
def test_a_verb_form_in_capitals_stays_the_event(pair: list[str], template: str) -> None:
    a, b = _ids([template.format(w) for w in pair])
    assert a != b


@settings(max_examples=40, deadline=None)
@given(member=st.sampled_from(ENUM_MEMBERS), negated=st.sampled_from(NEGATED), template=st.sampled_from(TEMPLATES),
       negated_first=st.booleans())
def test_a_negated_status_name_stays_its_own_event(member: str, negated: str, template: str,
                                                  negated_first: bool) -> None:
    """`NOT_FOUND` against `GET`, in either order: a failure's name is never a value of another event."""
    words = [negated, member] if negated_first else [member, negated]
    a, b = _ids([template.format(w) for w in words])
    assert a != b


@settings(max_examples=40, deadline=None)
@given(pair=_pair(ERRNO_NAMES), before=st.sampled_from(("error:", "reason=", "failed:", "failed", "error")))
def test_an_errno_name_after_a_failure_word_stays_the_failure(pair: list[str], before: str) -> None:
    a, b = _ids([f"upstream connect to the billing backend {before} {e} on the pooled socket" for e in pair])
    assert a != b


# Lowered, a member can spell an English closed-class word (tokenize's `AT` -> `at`, `IN`, `IS`): printed so, it is the
# statement's own word (word_slots.FUNCTION_WORDS, round 20), not a value - those members are not this test's class.
_LOWER_MEMBERS = [n for n in ENUM_MEMBERS if n.lower() not in FUNCTION_WORDS]


@settings(max_examples=20, deadline=None)
@given(pair=_pair(_LOWER_MEMBERS))
def test_an_enum_member_after_a_lowercase_noun_of_a_failure_is_still_a_value(pair: list[str]) -> None:
    """`negotiated timeout <value>`: only capitals after a failure word, or a failure KEY, name it."""
    a, b = _ids([f"session opened with negotiated timeout {w.lower()} for the client" for w in pair])
    assert a == b
