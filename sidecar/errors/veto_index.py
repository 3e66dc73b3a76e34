"""`slots.fixed_veto` split into its template half and its message half, so the learner's candidate scan
asks each token once instead of once per (template, message) pair.

`fixed_veto(template, tokens, word_from)` is true when, at some position i where the two differ, (a) the
template's token is a `fixed_word` that no context rescues (the token before cannot introduce a value,
the one after is not `...`) and (b) the message's token is a `_WORDS` token that `_positional` refuses
there (before `word_from`, a failure word or a verb form, or ALL-CAPS against an ALL-CAPS template
word; or any `_WORDS` token against a template word flagged `EVENT`). (a) depends on the template only,
(b) on the message token, its position and what (a) found, so:

* `veto_positions(template)`: the positions where (a) holds, each with the message CODE bits that make
  (b) true against that template word (`need`); kept on the `Template` from its second scan with the
  same tokens list object (the learner replaces the list when a template widens, never edits it in
  place; its first scan asks `fixed_veto` itself: most templates of a never-seen stream are scanned
  once or twice, where keeping the half costs more than it saves);
* `token_code(token, i, word_from)`: which of (b)'s conditions the message token at i meets, asked by
  `vetoed` the first time a template differs there and kept in the message's `message_codes` list;
* `vetoed(positions, tokens, codes, word_from)`: `fixed_veto` from the two, one comparison (and, where
  the tokens differ, one bit test) per position of (a).

Why: on lines behind a syslog/journald/PostgreSQL header every line of a token count shares the `<*>`
shelf, so the scan compares each new form with hundreds of templates; `fixed_veto` took 69% of the
time there (bench/grouping_speed_classes.py --headers mixed --profile). The verdict is the same
function (tests/errors/test_veto_index.py checks equality with `fixed_veto` on generated pairs under
every `word_from`), so no grouping changes.
"""

from __future__ import annotations

from .fixed_veto import EVENT, UPPER, fixed_word, rescued
from .slots import WORD_FROM
from .to_phrases import VERB_FORM as _VERB_FORM
from .token_forms import _WORDS, names_failure

__all__ = ["veto_positions", "message_codes", "token_code", "vetoed"]

# Message-token code bits (`message_codes`); a position's code is 0 when its token is not `_WORDS`.
WORD = 1  # a `_WORDS` token
STRONG = 2  # ... `_positional` refuses against any fixed word: before `word_from`, failure word, verb form
CAPS = 4  # ... in capitals (refused against an ALL-CAPS template word)
UNASKED = -1  # not computed yet (`vetoed` fills it)

Positions = tuple[tuple[int, str, int], ...]


def veto_positions(template: list[str]) -> Positions:
    """(position, template token, code bits of a message token that veto there) for every position
    where the template holds a `fixed_word` no context rescues (`fixed_veto`'s template half)."""
    last = len(template) - 1
    out = []
    for i, t in enumerate(template):
        flags = fixed_word(t)
        if not flags or rescued(template, i, flags) or (i < last and template[i + 1] == "..."):
            continue
        # EVENT: any `_WORDS` token vetoes; UPPER: a STRONG or an ALL-CAPS one; otherwise a STRONG one.
        need = WORD if flags & EVENT else (STRONG | CAPS) if flags & UPPER else STRONG
        out.append((i, t, need))
    return tuple(out)


def message_codes(tokens: list[str]) -> list[int]:
    """The message half, unfilled: one `UNASKED` per position; `vetoed` fills a position the first time
    some template differs there, so a message compared with few templates asks only what they differ
    in (as `fixed_veto` did), and one compared with hundreds asks each token once."""
    return [UNASKED] * len(tokens)


def token_code(token: str, i: int, word_from: int = WORD_FROM) -> int:
    """The code bits of the message's token at position `i` (`fixed_veto`'s test of the message token)."""
    if not _WORDS.fullmatch(token):
        return 0
    code = WORD
    if i < word_from or names_failure(token) or _VERB_FORM.search(token):
        code |= STRONG
    if token.isupper():
        code |= CAPS
    return code


def vetoed(positions: Positions, tokens: list[str], codes: list[int], word_from: int = WORD_FROM) -> bool:
    """`fixed_veto(template, tokens, word_from)` for the template of `positions`; `codes` is the
    message's `message_codes(tokens)`, filled here as positions are asked (the same `word_from` for
    every call with one `codes` list). The template and the message have the same length."""
    for i, t, need in positions:
        m = tokens[i]
        if m != t:
            code = codes[i]
            if code < 0:
                code = codes[i] = token_code(m, i, word_from)
            if code & need:
                return True
    return False
