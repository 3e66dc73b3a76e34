"""Where the learner files a template: its bucket, shelf and head (keys only, no learning).

A template lives in the BUCKET of its logger, level class and token count; within it, on the SHELF
of its first token (Drain's first tree level: two different plain words at the start are never one
template, so only templates with the same first word, or with a value there, are compared). The HEAD
is the shelf without the count: where a form of another count may find its template (`spans.py`).
Keys are strings joined by `\x1f`, so a stored bucket is re-counted by string surgery (`rebucket`).
"""

from __future__ import annotations

import re

from .masking_rules import PLACEHOLDER
from .slots import MIN_TOKENS_TO_LEARN
from .token_forms import variable_like

__all__ = ["rebucket", "shelf_of", "head_of_tokens", "head_of", "learnable", "bracketed_slot"]

# A word of letters (sentence punctuation after it allowed: `started.`, `exiting:`): what names an event.
_PLAIN_WORD = re.compile(r"[A-Za-z][A-Za-z_'-]*[.:!,;]?")


def rebucket(bucket: str, tokens: list[str]) -> str:
    """A stored bucket re-counted for `tokenize` (templates stored before quoted values were one token)."""
    head, _, count = bucket.rpartition("\x1f")
    return bucket if count == str(len(tokens)) or not head else f"{head}\x1f{len(tokens)}"


def shelf_of(bucket: str, tokens: list[str]) -> str:
    """The bucket narrowed by the first token (Drain's first tree level): two different plain
    words at the start are never one template (`similarity`), so only templates starting with the
    same word, or both with a value, need comparing. Keeps a flood of distinct lines linear."""
    first = tokens[0] if tokens else ""
    if len(tokens) == 2 and _bracketed(first):
        # `[%s] started` (`learnable`'s two-token case) has a shelf per bracket pair, `[<*>]`: compared only with
        # forms the same writer's brackets open. On the `<*>` shelf, `(main) ready` joined `276 ready`'s `<*> ready`
        # when that came first and not when it came later (grouping by arrival order; a restart reloaded the two
        # identical `<*> ready` templates in another order and moved forms between them).
        return bucket + "\x1f" + first[0] + PLACEHOLDER + first[-1]
    return bucket + "\x1f" + ("<*>" if variable_like(first) or _bracketed(first) else first)


def head_of_tokens(bucket: str, tokens: list[str]) -> str:
    """The shelf without the token count: where a form of another count may find its template
    (`spans.py`: a value spanning several tokens)."""
    return head_of(shelf_of(bucket, tokens))


def head_of(shelf: str) -> str:
    """`head_of_tokens` from the shelf already computed (string surgery, not the first token's class again)."""
    rest, _, first = shelf.rpartition("\x1f")
    return rest.rpartition("\x1f")[0] + "\x1f" + first


def learnable(tokens: list[str], shelf: str) -> bool:
    """Whether a form is compared with templates at all: `MIN_TOKENS_TO_LEARN` tokens, or two whose
    first is a plain word (its own shelf): `generating core.<id>`, where only the second token can
    vary, and only as a value by its form (a positional word needs `WORD_FROM`). Two tokens that
    both may vary (`mapResourceRequest:<..>` / `reduceResourceRequest:<..>`) are too little text.

    Except a whole bracketed first token before one plain word (`[worker-3] started`, `[main] started`,
    `(12345) exiting`): the writer's `[%s] started` delimits its value itself (a thread, process or task
    name), so only that token may vary and the word after it, equal on both sides, names the event
    (`announced_slots.same_delimiters` still decides whether two bracketed items are one slot: `[preauth]` / `[<*>/<*>]`
    and `(main)` / `[main]` stay apart). A second token that is a value by its form is still too little.
    Such a form sits on its bracket pair's shelf (`shelf_of`) and widens keeping them (`bracketed_slot`), so it
    meets neither a bare value's `<*> started` nor another bracket style, whichever came first."""
    n = len(tokens)
    if n >= MIN_TOKENS_TO_LEARN:
        return True
    if n != 2:
        return False
    first, second = tokens
    if _bracketed(first):
        return _PLAIN_WORD.fullmatch(second) is not None and not variable_like(second)
    return not shelf.endswith("\x1f" + PLACEHOLDER)


def _bracketed(token: str) -> bool:
    """A whole token in brackets (`[main]`, `(worker-3)`, `<svc>`): a thread, process or component
    name that leads the message is a value, so messages that differ only there are compared.

    The placeholder itself (`<*> read`: masking took a whole value, `113 bytes`) is no writer's bracket:
    counted as one, it made every masked-value-then-word form comparable with any two-token template (`learnable`),
    filed it on a `<<*>>` shelf (`shelf_of`) and widened it as a bracket pair (`bracketed_slot`)."""
    return (len(token) > 2 and token != PLACEHOLDER and token[0] in "[(<"
            and token[-1] == {"[": "]", "(": ")", "<": ">"}[token[0]])


def bracketed_slot(t: str, m: str) -> str | None:
    """What the first token of a two-token `[%s] started` template widens to: the writer's brackets around
    the slot (`(main)` / `(db)` -> `(<*>)`), so the widened template stays on its brackets' shelf (`shelf_of`)
    and takes no other bracket style or bare value later. None when the two are not one bracket pair."""
    if t[:1] == m[:1] and t[-1:] == m[-1:] and _bracketed(t) and _bracketed(m):
        return t[0] + PLACEHOLDER + t[-1]
    return None
