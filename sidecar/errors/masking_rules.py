"""The masking rules: what `normalize_message` keeps and what it replaces with `<*>`, and why.

Each rule carries examples (input, normalize_message(input)) and the reason it exists; the
examples are checked by tests/errors/test_masking.py, so this table is executable documentation.
The engine that applies them (order, guards, memoisation) is `masking.py`.

* "keep" rules find what names the error (HTTP statuses, keyed error codes, errno, WebSocket
  close codes); their spans are protected from every mask rule.
* "protect" rules (URLs) are replaced by their own logic, then protected.
* "mask" rules replace what varies between occurrences of the same error.

Split by idea (round 20): rule_table.py (the record), keep_rules.py, mask_rules.py, calendar_words.py.
"""

from __future__ import annotations

from .keep_rules import ERROR_TOKEN, KEEP_RULES
from .mask_rules import MASK_RULES, TLDS, USER_KEYS, USER_TAIL
from .rule_table import MAX_CHARS, PLACEHOLDER, Replacement, Rule

__all__ = ["BY_NAME", "ERROR_TOKEN", "KEEP_RULES", "MASK_RULES", "MAX_CHARS", "PLACEHOLDER", "RULES", "Replacement",
           "Rule", "TLDS", "USER_KEYS", "USER_TAIL"]

RULES: tuple[Rule, ...] = KEEP_RULES + MASK_RULES
BY_NAME = {r.name: r for r in RULES}
