"""A count of a bounded resource's slots in use against its bound, as status and metric lines print it: ONE grammar
for the readers of such a figure - held_slots (the waited primitive at its bound: load or a leak) and value_denials (a
figure well below its bound denies running out, left out of a quote). Review r18: each had its own spelling.

The spellings (numbers are the record's own, the bound its own size):
- used/bound then what the used ones are doing: `10/10 in use`, `3 of 20 busy`, `8/8 acquired`, `20/20 checked out`,
  `3/20 connections` (a pool's connections checked out), `8/8 held|taken|used|active`;
- the word then used/bound: `in_use=3/20`, `busy: 3 of 20`, `checked_out=20/20`;
- an in-use field and the bound's field on one line: `in_use=20 max=20`, `in use: 7, limit: 8`, `in_use=5 size=5`
  (psycopg_pool's get_stats() prints pool_size/pool_available, aiohttp and our semaphores in_use/max).
"""

from __future__ import annotations

import re

IN_USE_OF_BOUND = (
    r"(?P<a>\d{1,6})\s*(?:/|of)\s*(?P<b>\d{1,6})\s*(?:in use|used|busy|active|acquired|held|taken|checked out|"
    r"connections?(?: in use)?)\b|"
    r"\b(?:in[_ ]use|used|busy|active|checked[_ ]out)\s*[=:]?\s*(?P<a2>\d{1,6})\s*(?:/|of)\s*(?P<b2>\d{1,6})\b|"
    r"\bin[_ ]use\s*[=:]\s*(?P<a3>\d{1,6})[^\n]{0,40}?\b(?:max|limit|size|max_size)\s*[=:]\s*(?P<b3>\d{1,6})\b")


def used_and_bound(m: re.Match[str]) -> tuple[int, int]:
    """(slots in use, the bound) of a match of IN_USE_OF_BOUND."""
    for used, bound in (("a", "b"), ("a2", "b2"), ("a3", "b3")):
        if m.group(used) is not None:
            return int(m.group(used)), int(m.group(bound))
    raise ValueError("not a match of IN_USE_OF_BOUND")
