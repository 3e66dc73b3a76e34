"""App passwords printed in groups to be typed: the vendors' documented formats, and the English prose that shares them.

The class (round 20, from the vendors' own formats; CLASSES19 A145/A148 named Apple's and Bluesky's):
- Apple app-specific passwords: sixteen lowercase letters shown as four groups of four joined by `-`
  (`xxxx-xxxx-xxxx-xxxx`, support.apple.com HT204397; fastlane's `FASTLANE_APPLE_APPLICATION_SPECIFIC_PASSWORD`).
- Bluesky app passwords: the same grammar, lowercase letters and digits.
- Google (and Yahoo) app passwords: "the 16-character code" of lowercase letters, shown as four groups of four
  separated by SPACES in the yellow bar (support.google.com/accounts/answer/185833), pasted with or without them.
No vendor joins the groups with `_` or `.`, or groups five letters: those stay the prose reading of names.py (words
joined by a path, a dot or an underscore are a name). Four or more dash-joined groups are read (a longer generated run
is no less a value); the space-joined reading takes exactly four, the documented count.

English prose has the same shape (`token: with-spec-name-list`, `password: must have been` are words): the groups
are prose when EVERY group reads as an English word by its letter pairs - a vowel (`aeiouy`) and every bigram, with
the word's start and end, one that occurs in the BIP-39 English word list (data/bip39_english.txt: 2,048 common
English words, already the mnemonic rule's list), a plural `s` allowed after any ending. A random group passes that
test about one time in five, so four random groups pass together about 0.2% of the time (measured on 50,000 random
Apple-format values: 0.18%); Bluesky's digits never read as words. Generated both ways: tests/security/
test_grouped_app_passwords.py.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from importlib import resources

_DASHED = re.compile(r"[a-z0-9]{4}(?:-[a-z0-9]{4}){3,}")
_VOWELS = frozenset("aeiouy")


@functools.lru_cache(maxsize=1)
def _bigrams() -> frozenset[str]:
    words = resources.files(__package__).joinpath("data", "bip39_english.txt").read_text().split()
    return frozenset(w2[i:i + 2] for w in words for w2 in ("^" + w + "$",) for i in range(len(w2) - 1))


def _english(group: str) -> bool:
    if not group.isalpha() or _VOWELS.isdisjoint(group):
        return False
    pairs = _bigrams()
    word = "^" + (group[:-1] if group.endswith("s") and len(group) > 3 else group) + "$"
    return all(word[i:i + 2] in pairs for i in range(len(word) - 1))


def reads_english(groups: list[str]) -> bool:
    return all(_english(g) for g in groups)


def dashed_app_password(val: str) -> bool:
    """Four or more dash-joined groups of exactly four lowercase letters or digits that are not English words."""
    return _DASHED.fullmatch(val) is not None and not reads_english(val.split("-"))


# Google's display: a password-like name, then exactly four space-joined groups of four lowercase letters (not a fifth
# group, not a longer word after the fourth). Before the name rule, which takes only a value's first blank-free run.
# Its siblings (round 20): the groups QUOTED as a command-line flag's value (`--password 'wxqz kvpt mbrj hdfn'`: the
# shell needs the quotes, the name already has its `:`/`=`-less space form), and in CAPITALS (`WXQZ KVPT MBRJ HDFN`:
# retyped or shouted; one case throughout, the English test reads them lowercased so `MUST HAVE BEEN SENT` is prose).
HINTS = ("pass", "pwd", "secret", "token")
SPACED = re.compile(
    r"(?P<pre>(?<![A-Za-z0-9])(?i:(?:[a-z0-9]+[ _.-]){0,3}(?:password|passwd|pass|pwd|secret|token))"
    r"(?:(?:\\{0,3}[\"'])?[ \t]*[:=][ \t]*(?:\\{0,3}[\"'])?|[ \t]+(?:is[ \t]+)?(?:\\{0,3}[\"'])?))"
    r"(?P<val>[a-z]{4}(?: [a-z]{4}){3}|[A-Z]{4}(?: [A-Z]{4}){3})(?![A-Za-z0-9]| [A-Za-z]{4}(?![A-Za-z0-9]))")


# Every SPACED match holds four space-joined four-letter runs: searched first (engine.Rule's seam), a charset-led pattern
# sre scans in C, so the name alternation (IGNORECASE, no literal start: tried at every position) runs only on texts
# that have the shape (none of bench/redaction.py's 7,588 lines; 0.0135 -> 0.0024 s CPU a pass on its 1,079 hinted).
SPACED_SEAM = re.compile(r"[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}|[A-Z]{4} [A-Z]{4} [A-Z]{4} [A-Z]{4}")


def spaced(mark: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        return m.group(0) if reads_english(m.group("val").lower().split(" ")) else m.group("pre") + mark
    return repl
