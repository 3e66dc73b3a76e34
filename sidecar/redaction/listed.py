"""Several secrets after one secret name (taxonomy class c, carriers): `{"api_keys": ["<v1>", "<v2>"]}`.

A service that rotates keys or falls back between them holds them in a list, and prints the list as its carrier
writes one: JSON and Python reprs (`["a", "b"]`, `('a', 'b')`, urllib.parse.parse_qs's `{'k': ['v']}`), a bash
array (`KEYS=('a' 'b')`), a comma-separated environment value (`API_KEYS=a,b`), a YAML block sequence
(`api_keys:` then `- a` lines, as PyYAML's safe_dump writes it), and a BIP-39 mnemonic: 12-24 lowercase words
after its name (`MNEMONIC=abandon ability ...`, `seed phrase: ...`), which are the wallet's private key. The name rule (names.py) reads one value after
its name; here every element of the list goes. An element stays when it is no value: a number, an env var NAME
(`secret_keys: ["OPENAI_API_KEY"]`), a word of prose, a reference, or what keep.py keeps (masked, public, ids).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from .keep import is_masked, keeps_value
from .providers import generated
from .secret_names import is_secret_name, random_value
from .spans import mark_spans
from .textstats import password_like
from .values import looks_like_value

# A name, its quotes, an assignment, then a list opening, a YAML block sequence, or a comma-separated run.
_LISTED = re.compile(
    r"(?<![A-Za-z0-9_])(?P<name>[A-Za-z_][\w.\-]{0,80})(?P<q>\\{0,3}[\"'])?[ \t]*(?P<sep>=>|:=|[:=])[ \t]*"
    r"(?:(?P<open>[\[(])|(?P<block>(?:\r?\n[ \t]*-[ \t]+[^\n]+)+)"
    r"|(?P<csv>[^\s,;:<>\"'\[\](){}=]{4,}(?:,[^\s,;:<>\"'\[\](){}=]{4,})*)(?=$|[\s;]))")
_QUOTED = re.compile(r"(?P<q>\\{0,3}[\"'])(?P<v>(?:(?!(?P=q))[^\n]){1,512}?)(?P=q)")
_BARE = re.compile(r"[^\s,'\"\[\]()]+")
_BLOCK_ITEM = re.compile(r"(?m)^[ \t]*-[ \t]+[\"']?(?P<v>[^\n\"']+?)[\"']?[ \t]*$")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]{2,}")
_MAX_LIST = 4096


def _list_name(name: str) -> int:
    """2: a secret name; 1: its plural (`API_KEYS`, `accessTokens`, also a bare `keys`/`tokens`, which is a dict's
    keys or a tokenizer's output as often: its elements must look like values, not words); 0: neither."""
    if is_secret_name(name):
        return 2
    if name[-1:] in "sS" and (name.lower() in ("keys", "tokens") or is_secret_name(name[:-1])):
        return 1
    return 0


def _secret_element(text: str, pos: int, v: str, plural: bool) -> bool:
    if len(v) < 4 or v.startswith("[REDACTED:") or v.isdigit() or _ENV_NAME.fullmatch(v) and is_secret_name(v):
        return False
    if not (password_like(v) or random_value(v) or generated(v) or looks_like_value(v, False, False)
            or not plural and len(v) >= 8 and not any(c.isspace() for c in v)):
        return False
    return not keeps_value(text, pos, v)


# Where a list can start after an assignment: an opening bracket, a YAML `- ` item on the next line, a comma-separated
# environment value, or `=` right after a plural name's `s` (led by `[:=]`: the scan skips to those characters). Found first (a literal-led scan), then the name before it is
# read back: _LISTED tried at every position of a long line cost a sixth of the redactor's time.
_OPENING = re.compile(r"[:=]>?=?[ \t]*(?:[\[(]|\r?\n[ \t]*-[ \t])|=(?:[^\s,;:<>\"'\[\](){}=]{4,},|(?<=[sS]=))")


_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")


def _name_start(text: str, end: int, floor: int) -> int:
    """Where the name before an assignment at `end` starts (its quotes and blanks skipped back), or -1."""
    i = end
    while i > floor and text[i - 1] in " \t":
        i -= 1
    while i > floor and text[i - 1] in "\"'\\" and end - i < 8:
        i -= 1
    stop = i
    while i > floor and stop - i <= 81 and text[i - 1] in _NAME_CHARS:
        i -= 1
    while i < stop and not (text[i].isalpha() or text[i] == "_"):
        i += 1
    return i if i < stop else -1


def _candidates(text: str) -> list[re.Match[str]]:
    found: list[re.Match[str]] = []
    after = 0
    for o in _OPENING.finditer(text):
        start = _name_start(text, o.start(), after)
        if start < 0:
            continue
        m = _LISTED.match(text, start)
        if m is not None:
            found.append(m)
            after = m.end()
    return found


def listed_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        edits: list[tuple[int, int]] = []
        for m in _candidates(text):
            kind = _list_name(m.group("name"))
            if not kind:
                continue
            if m.group("open") is not None:
                close = text.find("]" if m.group("open") == "[" else ")", m.end(), m.end() + _MAX_LIST)
                if close < 0 or "{" in text[m.end():close] or "[" in text[m.end():close] or "REDACTED:" in text[
                        m.end():close + 1] or text.startswith("[REDACTED:", m.start("open")) or \
                        is_masked(text[m.start("open"):close + 1]):
                    continue  # a list of objects (each member is judged by its own name), a mark, `(sensitive)`
                items = list(_QUOTED.finditer(text, m.end(), close))
                if not items and m.group("open") == "(":
                    continue  # a bare `(...)` after a name is prose or a call, not a tuple or a bash array
                if not items:
                    items = list(_BARE.finditer(text, m.end(), close))
                    spans = [(i.start(), i.end()) for i in items]
                else:
                    spans = [(i.start("v"), i.end("v")) for i in items]
            elif m.group("block") is not None:
                spans = [(i.start("v"), i.end("v")) for i in _BLOCK_ITEM.finditer(text, m.start("block"),
                                                                                  m.end("block"))]
            else:
                if m.group("sep") != "=" or kind == 2 and "," not in m.group("csv"):
                    continue  # an environment value only; one value after a secret name is the name rule's
                spans, at = [], m.start("csv")
                for part in m.group("csv").split(","):
                    spans.append((at, at + len(part)))
                    at += len(part) + 1
            edits.extend((a, b) for a, b in spans if _secret_element(text, a, text[a:b], kind == 1))
        if not edits:
            return text
        return mark_spans(text, edits, mark)
    return sub


# The label as wallet tools print it (round 10, set 12): Foundry's `cast wallet new-mnemonic` prints `Phrase:` and the
# words on the next line, `solana-keygen new` `Save this seed phrase and your BIP39 passphrase to recover your new
# keypair:`, Electrum `Your wallet generation seed is:` (the words quoted), ethers' Mnemonic repr `phrase: '<words>'`.
# So: a name (a mnemonic's, or `seed`/`phrase`), up to 80 more characters of its sentence, the assignment, at most one
# line break (raw, JSON-escaped, or the end of one Docker json-file record and the start of the next), then the words. The words' shape is the guard (12-24 runs of 3-8 lowercase
# letters with nothing else between them): prose after such a label has short words and punctuation.
_MNEMONIC = re.compile(
    r"(?P<name>(?i:(?:[A-Za-z_][\w.\-]{0,40}[ _.\-])?(?:mnemonic|seed|phrase)))[^\n:=\\\"']{0,80}?"
    r"\\{0,3}[\"']?[ \t]*(?:=>|:=|[:=])[ \t]*(?:(?:\r?\n|\\n(?:\"[^\n]{0,160}\r?\n\{\"log\":\")?)[ \t]*)?\\{0,3}[\"']?"
    r"(?P<words>(?:[a-z]{3,8}[ \t]+){11,23}[a-z]{3,8})\b")
MNEMONIC_HINTS = ("mnemonic", "seed", "phrase")


def mnemonic_sub(mark: str) -> Callable[[str], str]:
    """A BIP-39 phrase (12, 15, 18, 21 or 24 words of its 3-8 letter word list) after a mnemonic's name."""
    def repl(m: re.Match[str]) -> str:
        return m.group(0)[:m.start("words") - m.start()] + mark
    return lambda text: _MNEMONIC.sub(repl, text)


# A BIP-39 phrase with no label in view (round 10, set 12: Foundry prints `Phrase:` and the words on the next line, and
# a Docker json-file record per line leaves the words' record alone). The words themselves are the evidence: 12, 15,
# 18, 21 or 24 consecutive words of the BIP-39 English list (bitcoin/bips bip-0039/english.txt, 2048 words, its
# SHA-256 2f5eed53...24dbda as BIP-39 states; data/bip39_english.txt). The list leaves out the words prose is made of
# (`the`, `a`, `of`, `to`, `is`, `and`, `for`), so twelve list words in a row is a phrase, not a sentence. A longer
# run (a label word that is itself in the list, `seed`, `secret`) keeps its last 24/21/18/15/12 words: labels come
# before. Read only in a per-line carrier (its hints, below); a phrase after its label is mnemonic_sub's.
_BIP39 = frozenset((Path(__file__).parent / "data" / "bip39_english.txt").read_text(encoding="ascii").split())
_WORD_RUN = re.compile(r"(?<![\w\-'])(?:[a-z]{3,8}+(?![\w\-'])[ \t]*+){12,}+")  # possessive: linear on any text
# Docker json-file (`{"log":"...`) and the CRI log format of Kubernetes nodes (`<time> stdout F <line>`): the carriers
# that put each printed line in its own record. In a raw or JSON text of several lines the label is in view
# (mnemonic_sub); scanning every traceback for twelve words cost 0.4% of the redactor (bench/redaction_callgrind.py).
LONE_MNEMONIC_HINTS = ('"log":', " stdout f ", " stderr f ", " stdout p ", " stderr p ")


def lone_mnemonic_sub(mark: str) -> Callable[[str], str]:
    """A BIP-39 phrase with no name in view (see above)."""
    def sub(text: str) -> str:
        edits: list[tuple[int, int]] = []
        for m in _WORD_RUN.finditer(text):
            run: list[re.Match[str]] = []
            for w in [*re.finditer(r"[a-z]+", m.group(0)), None]:
                if w is not None and w.group(0) in _BIP39:
                    run.append(w)
                    continue
                if len(run) >= 12:
                    n = min(24, len(run) // 3 * 3)
                    edits.append((m.start() + run[-n].start(), m.start() + run[-1].end()))
                run = []
        return mark_spans(text, edits, mark) if edits else text
    return sub
