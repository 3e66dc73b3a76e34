"""Value spellings of binaries' format strings (bench/GROUPING_CLASSES2.md S16, S18, S20; round 10).

Classes, each from the writer's own source:
- S16: a MAC printed by `ether_ntoa(3)` / iproute2 as six `%02x` pairs may hold NO digit (every pair a
  hex letter pair) or one digit in its last pair. Masking leaves it (number_token finds no digit, or
  only one); the learner makes it a slot: pinned here, no change.
- S18: glibc's printf writes `(nil)` for a NULL `%p` and `(null)` for a NULL `%s`
  (stdio-common/vfprintf-process-arg.c); the same slot prints an address or a name otherwise. On
  the learner keeps `(nil)` apart from `0x7ff...` when the NULL spelling comes first (values are fed in
  sorted order, so it does: 3 of 5 seeds split): strict xfail. A masking
  rule (da3c94f) fixed it but was reverted: it moves every stored `(nil)` group's new events to another
  fingerprint with no re-map from the old id (issue 15: a re-grouping needs FINGERPRINT_VERSION and old
  groups kept reachable), and the lead's blind benches showed no gain from it (C/Python/ELF content
  GA identical to 3 decimals). To land it: a legacy message form (the template without the rule) merged
  into the new group, as `legacy_fingerprint` does for v1 tracebacks.
- S20: GLib's `g_format_size` puts a NO-BREAK SPACE (U+00A0) between the number and a unit that changes
  with the magnitude (`B`, `kB`, `MB`, `GB`). Masking leaves the unit; the learner makes it a slot:
  pinned here, no change (masking it too cost twin pairs in bench/grouping_classes.py: see RESULTS.md).

Each test draws values by the class's grammar over several seeds and checks one event per template on a
fresh grouper, and the twins that must stay apart: another constant word in the same frame, and near
misses of each spelling that masking must keep as words.
"""

from __future__ import annotations

import random

import pytest

from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.masking import normalize_message

HEX_LETTERS = "abcdef"
TEMPLATES = (
    "dhcp lease renewal for {v} was rejected by the relay",
    "neighbour table entry {v} went stale on the bridge",
    "spool {v} could not be reclaimed after the flush",
)


def _mac(rng: random.Random) -> str:
    """Six pairs; most seeds draw pairs of hex letters only, some put one digit in the last pair."""
    pairs = ["".join(rng.choice(HEX_LETTERS) for _ in range(2)) for _ in range(6)]
    if rng.random() < 0.3:
        pairs[-1] = pairs[-1][0] + str(rng.randint(0, 9))
    sep = ":"
    text = sep.join(pairs)
    return text.upper() if rng.random() < 0.5 else text


def _nil(rng: random.Random) -> str:
    return rng.choice(("(nil)", "(null)", f"0x7ff{rng.getrandbits(36):09x}", f"0x{rng.getrandbits(32):08x}"))


def _glib_size(rng: random.Random) -> str:
    unit = rng.choice(("bytes", "kB", "MB", "GB", "KiB", "MiB"))
    value = str(rng.randint(2, 1023)) if unit == "bytes" else f"{rng.randint(1, 999)}.{rng.randint(0, 9)}"
    return f"{value}\u00a0{unit}"


MAKERS = {"S16_mac_letters": _mac, "S18_null_pointer": _nil, "S20_nbsp_size": _glib_size}


_NIL_SPLIT = pytest.mark.xfail(strict=True, reason="the learner keeps (nil)/(null) apart from an address seen "
                               "after it: no masking rule since the revert of da3c94f (see the docstring)")
_CASES = [pytest.param(cls, seed, marks=_NIL_SPLIT) if cls == "S18_null_pointer" and seed in (0, 2, 3) else (cls, seed)
          for cls in sorted(MAKERS) for seed in range(5)]


@pytest.mark.parametrize(("cls", "seed"), _CASES)
def test_values_of_the_class_make_one_event_per_template(cls: str, seed: int) -> None:
    rng = random.Random(f"{cls}-{seed}")
    for template in TEMPLATES:
        values = {MAKERS[cls](rng) for _ in range(6)}
        grouper = MessageGrouper()
        fingerprints = {grouper.fingerprint(template.format(v=v), "svc") for v in sorted(values)}
        assert len(fingerprints) == 1, (cls, sorted(values))


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("cls", sorted(MAKERS))
def test_another_constant_word_stays_another_event(cls: str, seed: int) -> None:
    """T1/T9 twin: the same value class in two format strings that differ in one constant word."""
    rng = random.Random(f"twin-{cls}-{seed}")
    grouper = MessageGrouper()
    a = grouper.fingerprint(TEMPLATES[0].format(v=MAKERS[cls](rng)), "svc")
    b = grouper.fingerprint(TEMPLATES[0].replace("rejected", "accepted").format(v=MAKERS[cls](rng)), "svc")
    assert a != b


@pytest.mark.parametrize(
    "text",
    [
        "mode ab:cd selected for the bridge",  # two pairs: a ratio or a label, not a MAC
        "value (nullable) kept for the column",  # a word in brackets that starts like null
        "f((null)) is a call written in the source",  # a bracketed call, not a printed NULL
        "size of the cache in MB\u00a0reported",  # a unit word after a word, no number
    ],
)
def test_near_misses_keep_their_words(text: str) -> None:
    assert "<*>" not in normalize_message(text), normalize_message(text)
