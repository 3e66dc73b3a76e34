"""A part present in one message and absent from the other (an empty `key=` against `key=value`, a bare
bracketed value against the same value with a program name before it) is two events, never a learned
slot; two different values in the same place still are one slot. Generated keys, names and messages
(hypothesis); none of the messages is from the tuning data."""

from __future__ import annotations

import string

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.slots import absent_part
from sidecar.errors.token_forms import names_failure

_LOWER = string.ascii_lowercase
_key = st.text(_LOWER, min_size=2, max_size=8)
_name = st.text(_LOWER, min_size=3, max_size=9).filter(lambda w: not names_failure(w))
_host = st.builds(lambda a, b, n: f"{a}-{n}.{b}.net", _name, _name, st.integers(0, 999))


def _groups(*messages: str) -> int:
    grouper = MessageGrouper()
    return len({grouper.fingerprint(m, "svc") for m in messages})


@settings(max_examples=80, deadline=None)
@given(keys=st.lists(_key, min_size=3, max_size=3, unique=True), host=_host, other=_host, uid=st.integers(0, 9999))
def test_an_empty_value_and_a_value_are_two_events(keys: list[str], host: str, other: str, uid: int) -> None:
    a, b, c = keys
    local = f"login check failed; {a}= uid={uid} {b}= {c}="
    remote = f"login check failed; {a}= uid={uid} {b}= {c}={host}"
    assert _groups(local, remote) == 2
    assert _groups(remote, local) == 2
    # two values in the same place are one event
    assert _groups(remote, f"login check failed; {a}= uid={uid + 1} {b}= {c}={other}") == 1


@settings(max_examples=80, deadline=None)
@given(prog=_name, other=_name, uid=st.integers(0, 9999), user=_name)
def test_a_value_with_and_without_a_program_name_are_two_events(prog: str, other: str, uid: int, user: str) -> None:
    assume(prog != other)
    bare = f"pam session opened for account {user} by (uid={uid})"
    named = f"pam session opened for account {user} by {prog.upper()}(uid={uid})"
    assert _groups(bare, named) == 2
    assert _groups(named, bare) == 2
    # another program in the same place is a value
    assert _groups(named, f"pam session opened for account {user} by {other.upper()}(uid={uid + 7})") == 1


def test_absent_part_is_only_presence_against_absence() -> None:
    assert absent_part("rhost=", "rhost=<*>") and absent_part("rhost=<*>", "rhost=")
    assert absent_part("(uid=<*>)", "LOGIN(uid=<*>)") and absent_part("[<*>]", "sshd[<*>]")
    assert not absent_part("rhost=a", "rhost=b")  # two values
    assert not absent_part("sshd[<*>]", "cron[<*>]")  # two names
    assert not absent_part("=", "=x")  # no key
    assert not absent_part("(x)", "a b(x)")  # not a name glued to the bracket
    assert not absent_part("(x)", "-(x)")
    assert not absent_part("(", "a(")  # nothing inside the brackets


# Protocol names as RFC 9110 2.5 / RTSP (RFC 7826) / SIP (RFC 3261) print them with a version, and product tokens
# (RFC 9110 10.1.5 `product/version`); the frames are generated, not from a benchmark.
_PROTOCOLS = ("HTTP", "RTSP", "SIP", "SPDY", "curl", "Mozilla", "grpc-go")
_FRAMES = ("{peer} - {proto} connection made", "{peer} - {proto} connection lost",
           "upgrade to {proto} refused by {peer}", "{proto} stream reset by peer {peer}")


@settings(max_examples=40, deadline=None)
@given(proto=st.sampled_from(_PROTOCOLS), frame=st.sampled_from(_FRAMES), major=st.integers(1, 3),
       minor=st.integers(0, 9), a=st.integers(1, 254), b=st.integers(1, 254), port=st.integers(1024, 65535))
def test_a_name_with_its_version_and_the_bare_name_are_two_events(proto: str, frame: str, major: int, minor: int,
                                                                   a: int, b: int, port: int) -> None:
    peer, other = f"10.0.{a}.{b}:{port}", f"10.1.{b}.{a}:{port - 1}"
    versioned = [frame.format(peer=peer, proto=f"{proto}/{major}"), frame.format(peer=other, proto=f"{proto}/{major}.{minor}")]
    bare = [frame.format(peer=peer, proto=proto), frame.format(peer=other, proto=proto)]
    assert _groups(*versioned) == 1  # the version is a value
    assert _groups(*bare) == 1
    assert _groups(versioned[0], bare[0]) == 2  # present or absent: two statements
    assert _groups(bare[0], versioned[0]) == 2
    assert absent_part(proto, f"{proto}/<*>")
