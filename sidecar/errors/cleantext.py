"""One cleaning rule for every text the errors stage stores (groups, samples, learned templates)."""

from __future__ import annotations

import re

__all__ = ["clean_text"]


def clean_text(text: str) -> str:
    """Text every store accepts: NUL bytes and lone surrogates (from a JSON log's `\\ud800`)
    become U+FFFD. PostgreSQL rejects both in TEXT and JSONB; a log line must never wedge the
    pipeline on a batch the store refuses forever."""
    if text.isascii():  # a flag of the string (no scan): ASCII holds no surrogate, only NUL can be wrong
        return text.replace("\x00", "\ufffd") if "\x00" in text else text
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = _SURROGATE.sub("\ufffd", text)
    return text


_SURROGATE = re.compile("[\ud800-\udfff]")
