"""A grammar of texts made of what the keep rules look for, for property tests of the masking memo
and prefilters (tests/errors/test_masking.py, test_shape_memo.py)."""

from __future__ import annotations

from hypothesis import strategies as st

# Texts made of what keep rules look for: a keyword (each rule's, their spellings, the look-alikes `(?i)`
# reaches, and words that only contain one: `EventType`), then a separator and a value, in any number
# and order, with noise between (`message code 0`, `type 57`, `status 429`, `sent 1011 (x)`).
KEEP_KEYWORDS = [
    "code", "Code", "STATUS", "status", "type", "Type", "error_type", "err_code", "error code", "return_code",
    "exit status", "exit_code", "http status", "status_code", "errno", "Errno", "reason", "sqlstate", "close code",
    "EventType", "xcode", "sent", "received", "HTTP", "HTTP/1.1", "Request", "https://", "has no attribute",
    "No module named", "KeyError:", "column", "statu\u017f", "\u212aode", "code\u00e9"]
KEEP_SEPARATORS = ["", " ", "  ", ":", ": ", "=", " = ", "'", "':", '"=', " is ", "\t", "-", "_", "\n"]
KEEP_VALUES = ["0", "42", "429", "199", "600", "1011", "0x1f", "abc", "x.y", "'get'", "(going away)",
               "Too Many Requests", "\u0663", ""]
KEEP_NOISE = ["", " ", "x ", "ok: ", "'", "a.io/", "1.5-"]
keep_texts = st.lists(st.tuples(*(st.sampled_from(p) for p in (KEEP_NOISE, KEEP_KEYWORDS, KEEP_SEPARATORS,
                                                               KEEP_VALUES))).map("".join),
                      min_size=1, max_size=4).map("".join)
