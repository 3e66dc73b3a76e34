"""An exception logged inline (`logger.error(f"handler failed: {type(e).__name__}: {e}")`) groups like
its traceback would: the attribute, key, name or module CPython's message names is the failure and
stays; a key that is data (digits, an id) is a value. The message forms are CPython's own."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from sidecar.errors.grouper import MessageGrouper

# CPython's message forms that name what failed (Objects/object.c, Python/ceval.c, Python/import.c,
# Python/getargs.c), each a format of one identifier.
FORMS = (
    "AttributeError: 'NoneType' object has no attribute '{}'",
    "AttributeError: module 'config' has no attribute '{}'",
    "KeyError: '{}'",
    "NameError: name '{}' is not defined",
    "ImportError: cannot import name '{}' from 'src.providers'",
    "ModuleNotFoundError: No module named '{}'",
    "TypeError: create() got an unexpected keyword argument '{}'",
    "TypeError: upload() missing 1 required positional argument: '{}'",
)
PREFIXES = ("handler failed: ", "tool call failed with ", "")

_identifier = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from(["get", "timeout", "model", "messages", "upload", "os", "client", "items", "json"]),
    st.sampled_from(["", "_secs", "_id", "_method", "_dump", "_name"]),
)


def test_the_two_attribute_errors_of_the_issue_are_two_groups() -> None:
    grouper = MessageGrouper()
    none_get = grouper.fingerprint("handler failed: AttributeError: 'NoneType' object has no attribute 'get'")
    missing = grouper.fingerprint("handler failed: AttributeError: 'Config' object has no attribute 'timeout_secs'")
    assert none_get != missing
    # and each keeps its own group when it comes again
    assert grouper.fingerprint("handler failed: AttributeError: 'NoneType' object has no attribute 'get'") == none_get


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(FORMS), st.sampled_from(PREFIXES), _identifier, _identifier)
def test_two_names_are_two_groups_in_every_form(form: str, prefix: str, a: str, b: str) -> None:
    grouper = MessageGrouper()
    same = grouper.fingerprint(prefix + form.format(a)) == grouper.fingerprint(prefix + form.format(b))
    assert same == (a == b)


_data_key = st.one_of(
    st.integers(1, 10**9).map(lambda n: f"user_{n}"),
    st.text("0123456789abcdef", min_size=8, max_size=16).filter(lambda s: any(c.isdigit() for c in s)),
    st.uuids().map(str),
    st.text(string.ascii_letters + string.digits, min_size=20, max_size=32).filter(
        lambda s: any(c.isdigit() for c in s)),
)


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(PREFIXES), _data_key, _data_key)
def test_a_key_that_is_data_stays_a_value(prefix: str, a: str, b: str) -> None:
    grouper = MessageGrouper()
    assert grouper.fingerprint(f"{prefix}KeyError: '{a}'") == grouper.fingerprint(f"{prefix}KeyError: '{b}'")


def test_the_same_words_without_an_exception_form_still_mask_quoted_values() -> None:
    grouper = MessageGrouper()
    a = grouper.fingerprint("could not find setting 'alpha' in the profile, using the default")
    b = grouper.fingerprint("could not find setting 'beta' in the profile, using the default")
    assert a == b
