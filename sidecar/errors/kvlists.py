"""A list of `key=value` pairs whose KEY SET varies between lines of one statement: one value.

Class: GROUPING_CLASSES2.md S23 (and CLASSES3's variable-length values). logfmt (brandur.org/logfmt:
`k=v k="v w" k=`), Go's log/slog and klog structured pairs (`logger.Info(msg, "k", v, ...)`: the
pairs are ARGUMENTS, their number and names come from the call), Linux audit records (auditd(8):
fields present per record type and event), Android `Intent { act=... cat=[...] flg=... }` (keys come
and go per instance). One statement prints `W W pid=1 comm=x W` and `W W uid=0 exe=/a res=1 W`:
a different token count, different keys in the same place.

Its twin that must stay apart (S6, T12): a format string with FIXED keys (pam_unix's `logname= uid=%d
euid=%d tty=%s ruser=%s rhost=%s`) prints the same key set on every line, or an optional trailing
clause (`... rhost=%s user=%s`), which only ADDS keys. So two runs of pairs are one value only when
each holds a key the other lacks and one of them holds two pairs at least (one key against another,
`uid=%d` / `gid=%d`, is another text): a key set that varies both ways is an argument list, not a
format string's constant keys. Once a template holds such a list it is written `<*>=<*>` (`KV_SLOT`),
and any run of pairs fills it; so is a position where two pairs of different keys met at the same
token count (`pair_slot`, `template_model.merge_tokens`: the same-count comparison had already made
that position a slot, and the spelling lets a longer list join it later).

Where it acts: `spans.align` (a form that joined no template of its own count) and `spans.may_span`
(two pairs in a row put a text among those compared across counts). Measured (bench/RESULTS.md):
bench/grouping_classes.py S23_kv_list 0.299 -> 0.863, S23_kv_set 0.190 -> 0.866 (seeds 1-5), every
other class and twin count unchanged; shared-8 and its leave-one-out unchanged.

Why it holds across restarts and replicas: the rule reads only the two token lists (no counts, no
order); the slot is part of the stored template text, so a reloaded template accepts what it did.
"""

from __future__ import annotations

import re

__all__ = ["KV_SLOT", "kv_run", "kv_lists", "may_hold_kv_list", "pair_slot"]

KV_SLOT = "<*>=<*>"
# logfmt's ident_byte (any byte > ' ' but not '=' or '"'), narrowed to what keys are written with in
# the sources above: a letter or `_` first, then word characters, dots and dashes (`log.level`, `k8s-app`).
_KV = re.compile(r"(?:[A-Za-z_][\w.\-]*|<\*>)=")
# Two pairs in a row separated by a space only (logfmt, audit, slog); `a=1, b=2` is a map's or a
# repr's inside (Java `AbstractMap.toString`, S25), which `token_forms.tokenize` keeps in one token.
_TWO_PAIRS = re.compile(r"(?:^| )[A-Za-z_][\w.\-]*=[^\s,]* [A-Za-z_][\w.\-]*=")


def kv_run(tokens: list[str]) -> bool:
    """Whether every token is a `key=value` pair (the value may be empty: logfmt `k=`)."""
    return bool(tokens) and all(_KV.match(tok) is not None for tok in tokens)


def _keys(tokens: list[str]) -> set[str]:
    return {tok.split("=", 1)[0] for tok in tokens}


def kv_lists(template: list[str], tokens: list[str]) -> bool:
    """Whether a differing stretch of a template and of a message is one list of pairs (see above)."""
    if not kv_run(tokens) or not kv_run(template):
        return False
    if KV_SLOT in template:
        return True
    if len(template) < 2 and len(tokens) < 2:
        return False  # `uid=%d` against `gid=%d`: one key for another is another text (T1), not a list
    mine, theirs = _keys(template), _keys(tokens)
    return bool(mine - theirs) and bool(theirs - mine)


def may_hold_kv_list(text: str) -> bool:
    """Cheap: two pairs in a row, or a list slot (what `spans.may_span` adds for this class)."""
    return KV_SLOT in text or (text.count("=") >= 2 and _TWO_PAIRS.search(text) is not None)


def pair_slot(template_token: str, token: str) -> bool:
    """Whether two disagreeing tokens at one position are pairs of different keys (`pid=<*>` /
    `uid=<*>`, or the list slot and a pair): the position is written `<*>=<*>`, so a longer or
    shorter list of pairs there later joins by `kv_lists` (same keys keep theirs: `uid=<*>`)."""
    return ("=" in token and "=" in template_token and _KV.match(template_token) is not None
            and _KV.match(token) is not None)
