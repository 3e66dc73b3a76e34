"""The digit shape of a message, the key of the grouper's memo (`grouper.MessageGrouper`).

A never-seen line usually differs from a seen one only in its numbers (a new id, count, address).
Its digit shape (every ASCII digit a `0`) is one C-speed `bytes.translate`; `normalize_shaped` says
when masking PROVES that every message of one shape has the same template, so the grouper may answer
the whole shape from one masked message (the proof is in its docstring; tests/errors/test_shape_memo.py
checks it with generated messages whose digit values decide).
"""

from __future__ import annotations

from functools import lru_cache

from .fingerprint import register_cache
from .keep_spans import may_keep
from .masking import _ANY_DIGIT, CACHEABLE, MAX_CHARS, keeps_shaped, mask_numbers
from .masking import _DOTS as DOTS
from .masking import _finish as finish

__all__ = ["ZERO_DIGITS", "digit_shape", "normalize_shaped"]

# ASCII digits to `0`, on UTF-8 bytes (a C-speed pass; UTF-8 never puts an ASCII byte inside a
# multi-byte character): the *digit shape* of a message.
ZERO_DIGITS = bytes.maketrans(b"0123456789", b"0000000000")


def digit_shape(message: str) -> bytes:
    """The message with every ASCII digit replaced by `0` (the key of `normalize_shaped`'s memo)."""
    return message.encode("utf-8", "surrogatepass").translate(ZERO_DIGITS)


def normalize_shaped(message: str) -> tuple[str, bool]:
    r"""`normalize_message(message)`, and whether every message of the same `digit_shape` has the
    same template (so a caller may memoise the template under the shape).

    True only when no keep rule can apply (their triggers are words, judged on the digit-masked
    text) and `number_token` masked every digit: that regex decides by character classes (`\d`,
    `[A-Z]`, `[\w.+-]`), never by a digit's value, so two messages of one shape are masked at the
    same spans into the same digit-masked text, and everything after it sees identical input.
    A digit that survives (an error code `PGRST204`) or a keep rule (`HTTP 429`, `code=23505`,
    whose VALUE decides) makes it False: such messages are memoised by their exact text only.
    """
    text = message[:MAX_CHARS]
    t = DOTS.sub(" ... ", text) if "..." in text else text
    t = mask_numbers(t)
    if len(t) <= CACHEABLE:
        shaped = _finish_shaped(t)
        if shaped is not None:
            return shaped
    elif not may_keep(t):
        return finish(t), _ANY_DIGIT.search(t) is None
    return keeps_shaped(text, t)


@lru_cache(maxsize=4096)
def _finish_shaped(t: str) -> tuple[str, bool] | None:
    # `_finish_unless_keep` and whether a digit survived, both pure in the digit-masked text: one
    # memo lookup for the many messages that differ only in the length of a number.
    return None if may_keep(t) else (finish(t), _ANY_DIGIT.search(t) is None)


register_cache(_finish_shaped)  # `fingerprint.clear_caches` (benchmarks' cold start) clears it too
