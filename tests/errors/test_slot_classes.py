"""Generated values of every class in sidecar/errors/TAXONOMY.md: one error with two values is one group,
two errors sharing their wording are two (hypothesis; the templates are not from the tuning data)."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sidecar.errors.calendar_words import TZ_ABBREVIATIONS as _TZ_ABBREVIATIONS
from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.masking import normalize_message

_HEX = "0123456789abcdef"
_LOWER = string.ascii_lowercase


def _text(alphabet: str, lo: int, hi: int) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=lo, max_size=hi)


_label = st.builds(lambda a, b: a + ("-" + b if b else ""), _text(_LOWER, 3, 8), _text(_LOWER, 0, 4))
_ipv4 = st.tuples(*[st.integers(0, 255)] * 4).map(lambda t: ".".join(map(str, t)))

CLASSES: dict[str, st.SearchStrategy[str]] = {
    # hex that happens to hold no digit (`eedd`): the `key ending eedd` split of the issue
    "hex_letters": _text("abcdef", 4, 12),
    "hex_any": _text(_HEX, 4, 16).filter(lambda s: len(set(s)) > 1),
    "uuid": st.uuids().map(str),
    "ipv4": _ipv4,
    "ipv4_port": st.builds(lambda ip, p: f"{ip}:{p}", _ipv4, st.integers(1, 65535)),
    "ipv6": st.ip_addresses(v=6).map(str),
    "host_port": st.builds(lambda a, b, p: f"{a}.{b}.internal:{p}", _label, _label, st.integers(1, 65535)),
    "mac": st.lists(st.integers(0, 255), min_size=6, max_size=6).map(lambda b: ":".join(f"{x:02X}" for x in b)),
    "posix_path": st.lists(_text(_LOWER + "_", 1, 8), min_size=2, max_size=5).map(lambda p: "/" + "/".join(p)),
    "windows_path": st.lists(_text(_LOWER, 1, 8), min_size=1, max_size=4).map(lambda p: "C:\\" + "\\".join(p)),
    "jvm_ref": st.builds(lambda c, h: f"org.pool.{c.capitalize()}@{h:x}", _text(_LOWER, 3, 9),
                         st.integers(0x1000, 2**31)),
    "iso_time": st.datetimes().map(lambda d: d.isoformat()),
    "prefixed_id": st.builds(lambda p, n: f"{p}_{n}", st.sampled_from(["blk", "job", "container", "attempt"]),
                             st.integers(1, 10**12)),
    "prefixed_hex": st.builds(lambda p, h: f"{p}_{h}", st.sampled_from(["blk", "req", "key"]), _text("abcdef", 5, 10)),
    # Uniformly random (an id is random, not searched for): a string shaped exactly like CamelCase
    # words (`AaaAaaaAag`) is a name by form, so an adversarial search would only find that rule.
    "mixed_case_id": st.randoms(use_true_random=False).map(
        lambda r: "".join(r.choice(string.ascii_letters) for _ in range(r.randint(12, 24)))).filter(
        lambda s: any(c.isupper() for c in s[1:]) and any(c.islower() for c in s)),
    "aws_key_id": _text(string.ascii_uppercase, 16, 16).map(lambda s: "AKIA" + s),
    "email": st.builds(lambda a, b: f"{a}@{b}.com", _text(_LOWER, 2, 8), _text(_LOWER, 3, 8)),
    "dotted_host": st.builds(lambda a, b: f"{a}.{b}.net", _label, _label),
    "number_unit": st.builds(lambda n, u: f"{n}{u}", st.integers(0, 10**6), st.sampled_from(["ms", "s", "KB", "MiB"])),
    "url_same_service": st.builds(lambda n, q: f"https://api.example.com/v1/files/{n}?purpose={q}",
                                  st.integers(1, 10**9), _text(_LOWER, 1, 6)),
}

# The slot is announced by nothing: its form alone must make it a value.
TEMPLATES = (
    "checksum of {} rejected by the storage backend, retry scheduled",
    "cache entry {} expired before the refresh finished",
    "upstream handshake with {} produced an empty body",
)


def _one_group(template: str, a: str, b: str) -> bool:
    grouper = MessageGrouper()
    return grouper.fingerprint(template.format(a)) == grouper.fingerprint(template.format(b))


def _class_test(name: str):  # type: ignore[no-untyped-def]
    values = CLASSES[name]

    @settings(max_examples=40, deadline=None)
    @given(a=values, b=values, template=st.sampled_from(TEMPLATES))
    def test(a: str, b: str, template: str) -> None:
        assert _one_group(template, a, b), (template.format(a), template.format(b))

    test.__name__ = f"test_two_{name}_values_in_one_slot_are_one_group"
    return test


for _name in CLASSES:
    globals()[f"test_two_{_name}_values_in_one_slot_are_one_group"] = _class_test(_name)


@settings(max_examples=60, deadline=None)
@given(a=_text(_HEX, 4, 4), b=_text(_HEX, 4, 4))
def test_key_ending_any_four_hex_is_one_group(a: str, b: str) -> None:
    """`eedd` (no digit), `259e`, `0000`: every 4-hex key suffix is one quota error."""
    msg = "Kimi API error 429 exceeded_current_quota_error for key ending {}"
    assert _one_group(msg, a, b)


@settings(max_examples=40, deadline=None)
@given(value=st.one_of(*CLASSES.values()))
def test_different_verbs_with_the_same_value_are_different_groups(value: str) -> None:
    """`Failed to connect` / `Failed to bind`: the verb names the event, whatever value follows."""
    grouper = MessageGrouper()
    ids = {grouper.fingerprint(f"Failed to {verb} to {value} after retries")
           for verb in ("connect", "bind", "resolve", "authenticate")}
    assert len(ids) == 4


@settings(max_examples=30, deadline=None)
@given(a=st.one_of(*CLASSES.values()), b=st.one_of(*CLASSES.values()))
def test_a_value_never_bridges_two_different_events(a: str, b: str) -> None:
    """Two events sharing most words and a slot stay apart whatever values they carry."""
    grouper = MessageGrouper()
    upload = grouper.fingerprint(f"upload of {a} to the object store failed: quota exceeded")
    download = grouper.fingerprint(f"download of {b} to the object store failed: quota exceeded")
    assert upload != download


def test_statuses_and_codes_in_one_slot_stay_apart() -> None:
    """A value that names the failure is kept: 429 and 500, PGRST204 and PGRST205."""
    grouper = MessageGrouper()
    assert grouper.fingerprint("upstream returned HTTP 429 for chat") != grouper.fingerprint(
        "upstream returned HTTP 500 for chat")
    assert grouper.fingerprint("query failed: PGRST204 on table jobs") != grouper.fingerprint(
        "query failed: PGRST205 on table jobs")


_ZONES = ("UTC", "GMT", "CET", "CEST", "EET", "EST", "EDT", "CST", "PST", "PDT", "JST", "IST", "MSK", "AEDT", "NZST")


@settings(max_examples=40, deadline=None)
@given(a=st.datetimes(), b=st.datetimes(), za=st.sampled_from(_ZONES), zb=st.sampled_from(_ZONES))
def test_dates_spelled_with_month_and_day_names_are_one_group(a, b, za, zb) -> None:  # type: ignore[no-untyped-def]
    """syslog (`Jul 10 03:04:05`) and asctime (`Sun Jul 10 03:04:05 2005`) dates inside a message, and
    java.util.Date.toString / date(1) with the host's zone (`Mon Dec 10 10:49:14 CET 2026`)."""
    for fmt in ("%b %d %H:%M:%S", "%a %b %d %H:%M:%S %Y", "%d %B %Y"):
        assert _one_group("lease renewal scheduled at {} was skipped by the agent", a.strftime(fmt), b.strftime(fmt))
    zoned = "%a %b %d %H:%M:%S {} %Y"
    assert _one_group("lease renewal scheduled at {} was skipped by the agent", a.strftime(zoned.format(za)),
                      b.strftime(zoned.format(zb)))
    # Twin: capitals that are no zone abbreviation after the time stay words of the statement.
    assert "FAILED" in normalize_message(a.strftime("job at %a %b %d %H:%M:%S FAILED %Y retrying"))


_UNIT_FAMILIES = (("B", "KB", "MiB", "GB", "bytes"), ("Hz", "kHz", "MHz", "GHz"), ("bps", "kbps", "Mbps", "Gbps"),
                  ("ns", "us", "ms", "sec", "min"), ("W", "kW", "MW"))
# Not here: a bare `s` beside units masking absorbs (`3 s` / `3 ns`): masking keeps `<*> s` (two
# tokens) and makes `<*>` of `3 ns`, so the two forms fall in different token-count buckets
# (TAXONOMY.md, known limits).


@settings(max_examples=60, deadline=None)
@given(a=st.integers(0, 10**6), b=st.integers(0, 10**6), family=st.sampled_from(_UNIT_FAMILIES), data=st.data())
def test_a_number_with_any_unit_of_its_quantity_is_one_slot(a: int, b: int, family: tuple[str, ...],
                                                            data: st.DataObject) -> None:
    """`300 KB` / `3 GB`, `3 kHz` / `2 GHz`: the unit goes with the value (SI/IEC prefixes, time units),
    whether masking knows the unit or the learner learns it."""
    u, v = data.draw(st.sampled_from(family)), data.draw(st.sampled_from(family))
    assert _one_group("probe measured {} on the uplink interface", f"{a} {u}", f"{b} {v}")


def test_a_count_of_different_things_stays_apart() -> None:
    """A word after a number that is not a unit names what was counted: two events."""
    grouper = MessageGrouper()
    assert grouper.fingerprint("dropped 3 packets on the uplink interface") != grouper.fingerprint(
        "dropped 3 sessions on the uplink interface")


_words = st.lists(st.text(_LOWER + "*_", min_size=1, max_size=8), min_size=1, max_size=4).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(a=_words, b=_words)
def test_a_quoted_value_of_any_length_after_a_key_is_one_slot(a: str, b: str) -> None:
    """Android's wake lock line (`tag="View Lock"` / `tag="*launch*"`): a quoted value after `key=` is one
    value however many words it holds, not a different token count."""
    line = "acquire lock=233570404, flags=0x1, tag=\"{}\", name=android, ws=null, uid=1000, pid=1494"
    assert _one_group(line, a, b)


def test_a_template_stored_before_quoted_values_were_one_token_still_takes_its_messages() -> None:
    """A restart on a store written by the previous tokenizer: the stored bucket counted the words of
    the quoted value; the template is re-counted on load and keeps its id."""
    from sidecar.errors.templates import TemplateLearner

    learner = TemplateLearner()
    old_text = 'acquire lock=<*>, tag="View Lock", name=android, ws=null, uid=<*>, pid=<*>'
    learner.load([("f" * 32, TemplateLearner.bucket("gw", "error", len(old_text.split(" "))), old_text)])
    grouper = MessageGrouper(learner)
    assert grouper.fingerprint('acquire lock=7, tag="AudioMix", name=android, ws=null, uid=1, pid=2', "gw") == "f" * 32


@settings(max_examples=40, deadline=None)
@given(a=_text(_LOWER + "-", 2, 12).filter(lambda s: s.strip("-")), b=_text(_LOWER + "-", 2, 12).filter(
    lambda s: s.strip("-")), brackets=st.sampled_from(["[]", "()", "<>"]))
def test_a_bracketed_thread_or_component_name_leading_the_message_is_a_value(a: str, b: str, brackets: str) -> None:
    """`[main] Starting ...` / `[worker] Starting ...`: the leading name is a value; the event is the rest."""
    grouper = MessageGrouper()
    lead = brackets[0] + "{}" + brackets[1]
    first = grouper.fingerprint((lead + " Starting the flush of the write-ahead log").format(a))
    assert grouper.fingerprint((lead + " Starting the flush of the write-ahead log").format(b)) == first
    assert grouper.fingerprint((lead + " Finished the flush of the write-ahead log").format(b)) != first


_NON_ZONE_CAPITALS = ("START", "ALERT", "RESET", "EXIT", "POST", "HOST", "LAST", "TEST", "ABORT", "REJECT")


@pytest.mark.parametrize("seed", range(1620, 1623))
def test_a_capital_word_after_a_spelled_date_is_a_zone_only_when_it_names_one(seed: int) -> None:
    """Review r16: `[A-Z]{2,4}T` took START, ALERT, POST, HOST for a zone, so `alarm Mon Dec 10 10:49:14 START
    2026 ok` became `alarm <*> ok`. A tz abbreviation goes with the date (twin); any other capital stays."""
    r = random.Random(seed)
    for _ in range(6):
        word = r.choice(_NON_ZONE_CAPITALS + tuple(
            "".join(r.choice(string.ascii_uppercase) for _ in range(r.randint(1, 3))) + "ET" for _ in range(2)))
        lead, tail = "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(4, 8))), r.choice(["ok", "done"])
        stamp = (f"{r.choice(['Mon', 'Tue', 'Sun'])} {r.choice(['Dec', 'Jul'])} {r.randint(1, 28)} "
                 f"{r.randint(10, 23)}:{r.randint(10, 59)}:{r.randint(10, 59)}")
        year = r.randint(2000, 2030)
        if word not in _TZ_ABBREVIATIONS:
            assert word in normalize_message(f"{lead} {stamp} {word} {year} {tail}").split(), word
        zone = r.choice(_ZONES + ("WEST", "SGT", "ChST"))
        assert normalize_message(f"{lead} {stamp} {zone} {year} {tail}") == f"{lead} <*> {tail}", zone
