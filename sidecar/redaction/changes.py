"""The new value of a field whose old value was just redacted (CLASSES12.md A37, change, diff and plan output).

A change printer writes the old and the new value of ONE field side by side, and names the field once: terraform plan
(`~ password = "old" -> "new"`, Terraform docs "plan" output; only attributes marked sensitive print `(sensitive
value)`) and `git diff --word-diff` (`[-old-]{+new+}`, git-diff(1)). When a rule
has already found the old value a secret (it is a mark now), the new value beside it is the same field's: it goes too.
Runs after the name rules, so the mark is there; a `->` after anything else is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Both sides QUOTED, as terraform prints a string change: an unquoted `-> 401` / `-> WRONGPASS` after a redacted value
# is a log line's result, which the diagnosis needs (bench/redaction_identity.py showed 51 such texts in sets 1-10)
_ARROW = re.compile(r"(?P<pre>\[REDACTED:[a-z0-9_]+\](?P<q>\\{0,3}[\"'])[ \t]+->[ \t]+(?P=q))"
                    r"(?!\[REDACTED:)(?!\(sensitive)(?P<val>[^\s\"'\\]{1,512})(?=(?P=q))")
_WORD_DIFF = re.compile(r"(?P<pre>\[REDACTED:[a-z0-9_]+\](?:-\])?\]?\{\+)(?!\[REDACTED:)(?P<val>[^\n]{1,512}?)(?=\+\})")
HINTS = ("->", "{+")


def changes_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        if "[REDACTED:" not in text:
            return text
        text = _ARROW.sub(lambda m: m.group("pre") + mark, text) if "->" in text else text
        return _WORD_DIFF.sub(lambda m: m.group("pre") + mark, text) if "{+" in text else text
    return sub
