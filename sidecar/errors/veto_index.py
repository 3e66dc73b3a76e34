"""`slots.fixed_veto` split into its template half and its message half, so the learner's candidate scan
asks each token once instead of once per (template, message) pair.

`fixed_veto(template, tokens, word_from)` is true when, at some position i where the two differ, (a) the
template's token is a `fixed_word` that no context rescues (the token before cannot introduce a value,
the one after is not `...`) and (b) the message's token is a `_WORDS` token that `_positional` refuses
there (before `word_from`, a failure word or a verb form, or ALL-CAPS against an ALL-CAPS template
word; or any `_WORDS` token against a template word flagged `EVENT`). (a) depends on the template only,
(b) on the message token, its position and what (a) found, so:

* `veto_positions(template)`: the positions where (a) holds, each with the message CODE bits that make
  (b) true against that template word (`need`); kept on the `Template` while its tokens list is the
  same object (the learner replaces the list when a template widens, never edits it in place);
* `message_codes(tokens, word_from)`: per position, which of (b)'s conditions the message token meets;
* `vetoed(positions, tokens, codes)`: `fixed_veto` from the two, one bit test and one comparison per
  position of (a).

Why: on lines behind a syslog/journald/PostgreSQL header every line of a token count shares the `<*>`
shelf, so the scan compares each new form with hundreds of templates; `fixed_veto` took 69% of the
time there (bench/grouping_speed_classes.py --headers mixed --profile). The verdict is the same
function (tests/errors/test_veto_index.py checks equality with `fixed_veto` on generated pairs under
every `word_from`), so no grouping changes.
"""

from __future__ import annotations

from .slots import _VERB_FORM, EVENT, UPPER, WORD_FROM, _may_introduce, fixed_word
from .token_forms import _WORDS, names_failure

__all__ = ["veto_positions", "message_codes", "vetoed"]

# Message-token code bits (`message_codes`); a position's code is 0 when its token is not `_WORDS`.
WORD = 1  # a `_WORDS` token
STRONG = 2  # ... `_positional` refuses against any fixed word: before `word_from`, failure word, verb form
CAPS = 4  # ... in capitals (refused against an ALL-CAPS template word)

Positions = tuple[tuple[int, str, int], ...]


def veto_positions(template: list[str]) -> Positions:
    """(position, template token, code bits of a message token that veto there) for every position
    where the template holds a `fixed_word` no context rescues (`fixed_veto`'s template half)."""
    last = len(template) - 1
    out = []
    for i, t in enumerate(template):
        flags = fixed_word(t)
        if not flags or (i and _may_introduce(template[i - 1])) or (i < last and template[i + 1] == "..."):
            continue
        # EVENT: any `_WORDS` token vetoes; UPPER: a STRONG or an ALL-CAPS one; otherwise a STRONG one.
        need = WORD if flags & EVENT else (STRONG | CAPS) if flags & UPPER else STRONG
        out.append((i, t, need))
    return tuple(out)


def message_codes(tokens: list[str], word_from: int = WORD_FROM) -> list[int]:
    """Per position, the code bits of the message's token (`fixed_veto`'s message half)."""
    codes = []
    for i, m in enumerate(tokens):
        if not _WORDS.fullmatch(m):
            codes.append(0)
            continue
        code = WORD
        if i < word_from or names_failure(m) or _VERB_FORM.search(m):
            code |= STRONG
        if m.isupper():
            code |= CAPS
        codes.append(code)
    return codes


def vetoed(positions: Positions, tokens: list[str], codes: list[int]) -> bool:
    """`fixed_veto(template, tokens, word_from)` for the template of `positions` and the message of
    `codes` (computed with that `word_from`); the template and the message have the same length."""
    for i, t, need in positions:
        if codes[i] & need and tokens[i] != t:
            return True
    return False
