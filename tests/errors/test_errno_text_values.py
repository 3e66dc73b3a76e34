"""An errno text at the end of a message is the value of `%m` (bench/GROUPING_CLASSES.md S12, round 11).

The class (sidecar/errors/errno_texts.py): printf's `%m` and a trailing `: %s` filled by `strerror(errno)` print
one phrase of a closed set (glibc's table, 1-7 words) at the END of the message; one call site prints any of
them. Spellings varied here: glibc's own (the real `os.strerror` and the `strerror` of an OSError the real
`open` raised), Go's lower case (`syscall.Errno.Error()`), Rust's `... (os error N)`, a final period, Perl's
`die "...: $!"` location after it; places: `: %m` at the end, nginx's ` (%d: %s)`, Java's `path (text)`; frames
vary by seed (stdlib docstring words, an optional `unit:` subject, a number or path inside), and the values
are drawn in random order so the first member of a group holds any text.

Twins that must NOT change (each stays two events): an errno text that is not the message's last part, a
trailing phrase of plain words not in the table, two frames that differ in a constant word before the colon,
Python's `[Errno N] text` (the kept errno number), and a message that is only the text.
"""

from __future__ import annotations

import os
import random
import re

import pytest

from sidecar.errors.errno_texts import ERRNO_TEXTS
from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.token_forms import tokenize

TEXTS = sorted({os.strerror(n) for n in range(1, 134)} - {f"Unknown error {n}" for n in range(200)})
WORDS = sorted({w for w in re.findall(r"\b[a-z]{4,10}\b", (os.__doc__ or "") + (str.__doc__ or "") + (re.__doc__ or ""))
                if w.lower() not in {"error", "errors", "failed", "fail"}})
SUBJECTS = ("dev-sda{n}.device", "session-{n}.scope", "getty@tty{n}.service", "eth{n}")


def _real_strerror() -> str:
    """The text an OSError raised by the real `open` carries (`e.strerror`), the C library's own."""
    try:
        open("/nonexistent-dir-of-the-test/x", encoding="utf-8")
    except OSError as exc:
        return str(exc.strerror)
    raise AssertionError("open of a missing path succeeded")


def _spell(kind: int, rng: random.Random, text: str, n: int) -> str:
    """The text as one program (one call site's language) prints it."""
    if kind == 1:
        return text.lower()  # Go's syscall table
    if kind == 2:
        return f"{text} (os error {n})"  # Rust's io::Error Display
    if kind == 3:
        return text + "."
    if kind in (4, 5):  # Perl: `die "...: $!"` without a newline appends the location (perlfunc `die`)
        where = f" at /usr/share/perl5/App/{rng.choice(WORDS)}.pm line {rng.randint(1, 900)}"
        return text + where + (f", <STDIN> line {rng.randint(1, 99)}." if kind == 5 else ".")
    return text


# Where the text sits: `: %m` at the end (glibc, systemd, Go, Rust, Perl), nginx's ngx_log_errno ` (%d: %s)`
# before its appended context, Java's FileNotFoundException `path (text)`.
ENDINGS = (": {errno}", ": {errno}", ": {errno}", " ({n}: {errno}), client: 10.0.{n}.7", " {path} ({errno})")


def _frame(rng: random.Random) -> tuple[str, int]:
    """A format string with one errno text (3-8 constant words, maybe a `%s:` subject and a number inside)
    and the spelling of its program (`_spell`'s kind; only `: %m` endings vary it)."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(3, 8))]
    if rng.random() < 0.5:
        words.insert(rng.randint(1, len(words)), "{num}")
    head = "{subject}: " if rng.random() < 0.4 else ""
    ending = rng.choice(ENDINGS)
    return head + " ".join(words) + ending, rng.randrange(6) if ending == ": {errno}" else 0


def _messages(seed: int) -> tuple[list[str], list[int]]:
    rng = random.Random(f"errno-text-{seed}")
    frames = list(dict(_frame(rng) for _ in range(6)).items())
    lines, truth = [], []
    for _ in range(60):
        k = rng.randrange(len(frames))
        frame, kind = frames[k]
        n = rng.randint(1, 133)
        text = _spell(kind, rng, rng.choice(TEXTS + [_real_strerror()]), n)
        lines.append(frame.format(subject=rng.choice(SUBJECTS).format(n=rng.randint(0, 99)),
                                  num=rng.randint(0, 9999), errno=text, n=n,
                                  path=f"/srv/{rng.choice(WORDS)}/{rng.randint(0, 99)}.dat"))
        truth.append(k)
    return lines, truth


def test_the_class_is_the_c_librarys_table() -> None:
    assert len(TEXTS) >= 120 and {t.lower() for t in TEXTS} <= ERRNO_TEXTS
    assert _real_strerror().lower() in ERRNO_TEXTS


@pytest.mark.parametrize("seed", range(6))
def test_one_call_site_is_one_group_whatever_errno_text_it_ends_with(seed: int) -> None:
    lines, truth = _messages(seed)
    grouper = MessageGrouper()
    ids = [grouper.fingerprint(line, "pid1") for line in lines]
    groups: dict[int, set[str]] = {}
    for k, fp in zip(truth, ids, strict=True):
        groups.setdefault(k, set()).add(fp)
    split = {k: len(v) for k, v in groups.items() if len(v) > 1}
    assert not split, (split, lines[:4])
    owners: dict[str, set[int]] = {}
    for k, fp in zip(truth, ids, strict=True):
        owners.setdefault(fp, set()).add(k)
    assert all(len(v) == 1 for v in owners.values()), "two call sites merged"


def _two(rng: random.Random) -> tuple[str, str]:
    a, b = rng.sample(TEXTS, 2)
    return a, b


@pytest.mark.parametrize("seed", range(4))
def test_an_errno_text_that_is_not_the_last_part_stays_the_event(seed: int) -> None:
    rng = random.Random(f"errno-mid-{seed}")
    a, b = _two(rng)
    frame = " ".join(rng.choice(WORDS) for _ in range(4)) + " {} " + " ".join(rng.choice(WORDS) for _ in range(3))
    grouper = MessageGrouper()
    assert grouper.fingerprint(frame.format(a), "pid1") != grouper.fingerprint(frame.format(b), "pid1")


@pytest.mark.parametrize("seed", range(4))
def test_a_trailing_phrase_not_in_the_table_stays_the_event(seed: int) -> None:
    rng = random.Random(f"errno-phrase-{seed}")
    perl = f" at /usr/share/perl5/{rng.choice(WORDS)}.pm line {rng.randint(1, 99)}." if seed % 2 else ""
    frame = " ".join(rng.choice(WORDS) for _ in range(5)) + ": {}" + perl
    a, b = (" ".join(rng.sample(WORDS, rng.randint(2, 4))) for _ in range(2))
    assert a.lower() not in ERRNO_TEXTS and b.lower() not in ERRNO_TEXTS
    grouper = MessageGrouper()
    assert grouper.fingerprint(frame.format(a), "pid1") != grouper.fingerprint(frame.format(b), "pid1")


@pytest.mark.parametrize("seed", range(4))
def test_two_frames_that_differ_before_the_colon_stay_apart(seed: int) -> None:
    rng = random.Random(f"errno-frames-{seed}")
    words = [rng.choice(WORDS) for _ in range(4)]
    other = list(words)
    other[1] = next(w for w in rng.sample(WORDS, 10) if w != words[1])  # the verb: Drain's tree level
    a, b = _two(rng)
    grouper = MessageGrouper()
    assert (grouper.fingerprint(" ".join(words) + ": " + a, "pid1")
            != grouper.fingerprint(" ".join(other) + ": " + b, "pid1"))


def test_pythons_errno_number_and_a_bare_text_stay_the_event() -> None:
    grouper = MessageGrouper()
    assert (grouper.fingerprint("upload to the archive failed: [Errno 104] Connection reset by peer", "app")
            != grouper.fingerprint("upload to the archive failed: [Errno 111] Connection refused", "app"))
    assert grouper.fingerprint("Connection refused", "app") != grouper.fingerprint("Broken pipe", "app")
    assert tokenize("Connection reset by peer") == ["Connection", "reset", "by", "peer"]


def test_a_group_stored_before_the_rule_keeps_its_id() -> None:
    """A template stored with a literal errno text (its bucket counted word by word, as before this
    rule) is re-counted on load and the next text of the call site joins it: the old group is the
    group, nothing is orphaned, so form fingerprints and FINGERPRINT_VERSION are unchanged."""
    first = MessageGrouper()
    old = "Failed to set up the mount namespace for the unit: No space left on device"
    fp = first.fingerprint(old, "pid1")
    stored = [(t.fingerprint, t.bucket.rsplit("\x1f", 1)[0] + "\x1f" + str(len(old.split())), t.text)
              for t in first.learner.templates()]
    again = MessageGrouper()
    again.learner.load(stored)
    assert again.fingerprint("Failed to set up the mount namespace for the unit: Permission denied", "pid1") == fp
    assert again.fingerprint(old, "pid1") == fp
