"""Slots that span several tokens: one event whose value holds a varying number of words.

The learner (`templates.py`) compares messages of one token count position by position. A value that
spans several tokens puts messages of ONE event into buckets of different counts, or differs in
several adjacent positions at once; Drain has the same blind spot. A bracket group spanning spaces
(a list, a tuple, a repr) is one token already (`token_forms.tokenize`); what is left is here: a
quoted phrase, a path with spaces (what masking leaves of it, `<*> Files/report <*>`), a number and
its unit, a bracket group past `tokenize`'s reach. When a new form joins no template of its own
count, `align` lines it up with a template of the same logger, level class and first word by its
equal tokens (a common prefix and suffix, then literal anchor words found once in both middles,
grown until brackets balance), and accepts when every stretch that differs is a VALUE on both sides
by its form (`span_value`), one token against one is judged as `similarity` judges it (`slots._slot`),
and at least one stretch spans several tokens; a stretch of plain words on either side (`No child
processes` / `Bad file descriptor`, `by peer` / `by <*> port <*>`), a part present in one message
only, or a quoted phrase that names a failure is another text, never a slot. What agrees must be
mostly literal (`_enough`). The template keeps its id; each differing stretch becomes one `<*>`
(`widen`), which may change its count: it moves to that shelf.

Why it holds across restarts and replicas: the decision depends only on the template's text and
the message (no counts, no clock), the joined form is stored as a merge like any other, and a
template's bucket is re-counted from its text when loaded (`shelves.rebucket`).
"""

from __future__ import annotations

import re

from .kvlists import KV_SLOT, kv_lists
from .masking_rules import PLACEHOLDER
from .slots import _slot
from .token_forms import _UNIT, names_failure, variable_like

__all__ = ["align", "may_span", "span_value", "widen", "MAX_SPAN"]

MAX_SPAN = 12  # tokens one value may span (a long repr or list); longer stretches are text
_MAX_STRETCHES = 4
_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">", "'": "'", '"': '"',
          # the other quoting styles (announced_slots._OPENERS): GNU `...', typographic ‘...’ “...”, guillemets
          "`": "'", "\u2018": "\u2019", "\u201c": "\u201d", "\u00ab": "\u00bb"}
_QUOTES = "'\"`\u2018\u201c\u00ab"  # the openers of a quoted phrase
_TRAIL = ",;.:"
# `key=` / `Name(` before an opening bracket or quote: `uid=['a',`, `Foo(a=1,`, `error=ValueError('x')`.
_HEAD = re.compile(r"""[^\s(\[{<'"`\u2018\u201c\u00ab]*""")
_ROOT_OR_KEY = re.compile(r"[~.]?/|[A-Za-z]:\\|\\|[^/\\]*[:=]$")
_PATH_PART = re.compile(r"[/\\]|\w\.\w{1,5}$")
_PATH_START = re.compile(r"(?:[~.]?/|[A-Za-z]:\\|\\\\)\S*|\S*[/\\]\S*")


# `may_span`'s signs: a quote opened at a token's start (or after `key=`, `(`, `[`; not `Can't`) and not
# closed before the next space; a path separator inside a token that holds no placeholder
# (`Files/report`: what masking leaves of a path with spaces); a unit after a value (`<*> ms`). A
# bracket group is one token already (`tokenize`). Each is gated by a substring test (C speed).
_QUOTE_OPEN = re.compile(r"""(?<![^ =:(\[])['"`\u2018\u201c\u00ab][^'"\u2019\u201d\u00bb ]* """)
_UNIT_AFTER = re.compile(r"<\*>\S* (?:" + _UNIT.pattern + r")[,;.:]?(?: |$)")


def may_span(text: str) -> bool:
    """Cheap condition for `align` to look for a stretch of several tokens in a masked message or
    template text; bracket groups longer than `tokenize` joins are left to the per-position
    comparison."""
    if ("'" in text or '"' in text or "`" in text or "\u201c" in text or "\u2018" in text or "\u00ab" in text) \
            and _QUOTE_OPEN.search(text) is not None:
        return True
    if "/" in text or "\\" in text:
        for tok in text.split(" "):
            if ("/" in tok[1:] or "\\" in tok[1:]) and PLACEHOLDER not in tok:
                return True
    return "<*> " in text and _UNIT_AFTER.search(text) is not None


def _balanced(text: str) -> bool:
    depth = 0
    for c in text:
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def span_value(tokens: list[str]) -> bool:
    """Whether a stretch of tokens is ONE value by its form (see the module docstring)."""
    if not tokens or len(tokens) > MAX_SPAN:
        return False
    if len(tokens) == 1 and variable_like(tokens[0]):
        return True
    if len(tokens) == 2 and PLACEHOLDER in tokens[0] and _UNIT.fullmatch(tokens[1].rstrip(_TRAIL)):
        return True  # `<*> ms`: a number and its unit
    text = " ".join(tokens).rstrip(_TRAIL)
    head = _HEAD.match(text)
    body = text[head.end():] if head else text
    # (`<*>: bad message header ... total=<*>` is text between two values, not a `<...>`)
    if len(body) >= 2 and body[0] in _PAIRS and body[-1] == _PAIRS[body[0]] and not (
            body[0] == "<" and not body[1:2].isalpha()):
        if body[0] in _QUOTES:
            # a quoted phrase that names a failure (`'Connection reset by peer'`) is the error's text
            close = _PAIRS[body[0]]
            return (body[1:-1].count(close) == 0 or (close == body[0] and body[1:-1].count(close) % 2 == 0)) \
                and not any(map(names_failure, body[1:-1].split()))
        return _balanced(body)
    # a path with spaces in its names (`/srv/My Files/report 2.txt`, masked `<*> Files/report <*>`): it
    # opens as a path (or as what masking left of one), a later token holds a separator or ends a file
    # name, no token names a failure (`<*> not found` is text after a path), no two plain words in a
    # row, and it is ONE path: no later token opens another (`/a of size /b from /c` is text between
    # paths) or is a key (`src:`, `dest=`)
    return (len(tokens) > 1 and (PLACEHOLDER in tokens[0] or bool(_PATH_START.fullmatch(tokens[0])))
            and any(_PATH_PART.search(tok) for tok in tokens[1:]) and not any(map(names_failure, tokens))
            and not any(_ROOT_OR_KEY.match(tok) for tok in tokens[1:]) and _no_plain_run(tokens))


def _no_plain_run(tokens: list[str]) -> bool:
    """No two tokens in a row without a separator, extension or placeholder: a name with spaces in
    a path sits between separators (`/srv/My Files/a b.txt`), a phrase (`to delete`) does not."""
    plain = False
    for tok in tokens:
        if PLACEHOLDER in tok or _PATH_PART.search(tok):
            plain = False
        elif plain:
            return False
        else:
            plain = True
    return True


def _stretches(t: list[str], m: list[str], ta: int, tb: int, ma: int, mb: int,
               depth: int = 0) -> list[tuple[int, int, int, int]] | None:
    """The differing stretches of `t[ta:tb]` and `m[ma:mb]` as (t_start, t_end, m_start, m_end), aligning
    equal tokens: a common prefix and suffix, then a literal anchor word found once in each middle.
    A stretch empty on one side continues the value next to it (`<*>` / `<*> ms`); with no value
    there, a part is present in one message only: None, as when there are too many stretches."""
    while ta < tb and ma < mb and t[ta] == m[ma]:
        ta += 1
        ma += 1
    while tb > ta and mb > ma and t[tb - 1] == m[mb - 1]:
        tb -= 1
        mb -= 1
    if ta == tb and ma == mb:
        return []
    if ta == tb or ma == mb:
        if ta > 0 and ma > 0 and PLACEHOLDER in t[ta - 1]:
            ta -= 1
            ma -= 1
        elif tb < len(t) and mb < len(m) and PLACEHOLDER in t[tb]:
            tb += 1
            mb += 1
        else:
            return None
    if depth >= _MAX_STRETCHES:
        return None
    middle = m[ma:mb]
    for i in range(ta, tb):
        word = t[i]
        if PLACEHOLDER in word or variable_like(word) or middle.count(word) != 1 or t[ta:tb].count(word) != 1:
            continue
        j = ma + middle.index(word)
        left = _stretches(t, m, ta, i, ma, j, depth + 1)
        if left is None:
            continue
        right = _stretches(t, m, i, tb, j, mb, depth + 1)
        if right is None or len(left) + len(right) > _MAX_STRETCHES:
            continue
        return left + right
    return [(ta, tb, ma, mb)]


_BRACKET = re.compile(r"[][(){}]")


def _depth(tokens: list[str]) -> tuple[int, int]:
    """(closers without their opener, openers left open) of a stretch: `'<*>']` is (1, 0)."""
    text = "".join(tokens)
    if _BRACKET.search(text) is None:  # most stretches hold no bracket: one C-speed search
        return 0, 0
    depth = unopened = 0
    for c in text:
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth:
                depth -= 1
            else:
                unopened += 1
    return unopened, depth


def _grown(t: list[str], m: list[str], found: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The stretches grown over equal tokens until their brackets balance on both sides, merged where
    they meet: equal tokens inside a list (`'<*>',`) were aligned, but they belong to the value."""
    out: list[tuple[int, int, int, int]] = []
    for ta, tb, ma, mb in found:
        for _ in range(MAX_SPAN):
            (lt, rt), (lm, rm) = _depth(t[ta:tb]), _depth(m[ma:mb])
            if (lt or lm) and ta > 0 and ma > 0 and t[ta - 1] == m[ma - 1]:
                ta, ma = ta - 1, ma - 1
            elif (rt or rm) and tb < len(t) and mb < len(m) and t[tb] == m[mb]:
                tb, mb = tb + 1, mb + 1
            else:
                break
        if out and out[-1][1] >= ta:  # they meet: one value
            ta, ma = out[-1][0], out[-1][2]
            out.pop()
        out.append((ta, tb, ma, mb))
    return out


def _key_of(token: str) -> str:
    """`uid=` of `uid=['a',`: a key both sides keep (`key=<*>`)."""
    m = re.match(r"[\w.-]+[=:]", token)
    return m.group(0) if m else ""


def align(template: list[str], tokens: list[str]) -> list[tuple[int, int, int, int]] | None:
    """The stretches where `tokens` holds other values than `template` (see the module docstring),
    or None when the two are not one event by this rule."""
    found = _stretches(template, tokens, 0, len(template), 0, len(tokens))
    if not found:
        return None
    found = _grown(template, tokens, found)
    spanning = False
    for a, b, c, d in found:
        ts, ms = template[a:b], tokens[c:d]
        if kv_lists(ts, ms):
            spanning = True  # a list of pairs whose key set varies (kvlists.py): one value
            continue
        if len(ts) == 1 and len(ms) == 1:
            if _slot(ts[0], ms[0]) != 0.5:
                return None  # one token each: the per-position judgement (`slots._slot`) decides
            continue
        spanning = True
        key = _key_of(ts[0])
        if key and ms[0].startswith(key):
            ts, ms = [ts[0][len(key):], *ts[1:]], [ms[0][len(key):], *ms[1:]]
        if not ((ts == [PLACEHOLDER] or span_value(ts)) and span_value(ms)):
            # a path whose head masking took (`<*> Files/a.txt` / `<*> My/b c.txt`): the `<*>` before
            # the stretch is the same value's start
            if not (a and c and template[a - 1] == tokens[c - 1] and PLACEHOLDER in template[a - 1]
                    and span_value(template[a - 1:b]) and span_value(tokens[c - 1:d])):
                return None
    if not spanning or not _enough(template, found):
        return None  # without a stretch of several tokens, `similarity` has judged the pair already
    return found


def _enough(template: list[str], found: list[tuple[int, int, int, int]]) -> bool:
    """At least two literal tokens agree, and literals are at least half of what agrees."""
    inside: set[int] = set()
    for a, b, _, _ in found:
        inside.update(range(a, b))
    agree = [tok for i, tok in enumerate(template) if i not in inside]
    literal = sum(1 for tok in agree if PLACEHOLDER not in tok)
    return literal >= 2 and 2 * literal >= len(agree)


def widen(template: list[str], found: list[tuple[int, int, int, int]], tokens: list[str] | None = None) -> list[str]:
    """The template with each differing stretch one `<*>` (a key both sides keep stays: `uid=<*>`;
    a list of pairs of `tokens`' stretch is `<*>=<*>`, kvlists.py)."""
    out: list[str] = []
    prev = 0
    for a, b, c, d in found:
        out.extend(template[prev:a])
        if tokens is not None and kv_lists(template[a:b], tokens[c:d]):
            out.append(KV_SLOT)
        else:
            out.append(_key_of(template[a]) + PLACEHOLDER)
        prev = b
    out.extend(template[prev:])
    return out
