"""What one token of a masked message is, by its form alone: the learner's tokens and their classes.

`slots.py` compares two messages position by position; everything it asks of a SINGLE token is here:
how a masked message splits into tokens (`tokenize`: a quoted `key="..."` value is one token), whether
a token's form says it is a value (`variable_like`: punctuation inside, hex letters, mixed case, 24+
characters), whether a word names a failure (`names_failure`: the error type is the identity, never a
value), and the key of a `key=value` token (`same_key`; none when the key or the value names the
failure). Each is pure and memoised where tokens repeat; the value classes are listed in TAXONOMY.md.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .errno_texts import bracketed_errno, errno_tail
from .masking_rules import ERROR_TOKEN, PLACEHOLDER

__all__ = ["variable_like", "names_failure", "same_key", "tokenize", "MAX_VALUE_TOKENS"]

# Stems of the words that name a failure (`exceeded_current_quota_error`, `invalid_authentication_error`,
# `permission_denied`, `timeout`, `refused`): the error type a message gives is its identity, never a
# value. Matched at the start of a word part (split on `_ - .`), so `sherry` or `deferred` is no `err`.
_FAILURE_STEMS = (
    "err", "fail", "exception", "invalid", "denied", "refus", "reset", "timeout", "timed", "exceed", "unavailable",
    "forbidden", "unauthori", "notfound", "abort", "reject", "overload", "quota", "limit", "conflict", "missing",
    "unknown", "illegal", "corrupt", "expir", "revok", "insufficient", "unreachable", "broken", "fatal", "panic")
# A part (split on `_ . -`) starts with a stem exactly where a stem follows the text's start or one of those
# separators (no stem holds one): one C-speed search instead of a split and a test per part (round 20, speed).
_FAILURE_PART = re.compile(r"(?:^|[_.\-])(?:" + "|".join(_FAILURE_STEMS) + ")")


@lru_cache(maxsize=16384)  # pure; asked twice per differing position of every comparison
def names_failure(token: str) -> bool:
    """Whether a word or identifier names a failure (one of its parts starts with a `_FAILURE_STEMS` stem)."""
    return _FAILURE_PART.search(token.strip(_STRIP).lower()) is not None


# Keys whose value names the failure (masking's keep rules protect them too): never a slot.
_NAMING_KEYS = frozenset(("code=", "status=", "type=", "errno=", "reason=", "sqlstate=", "error=", "error_code="))
_CODE = re.compile(rf"(?:\d+|{ERROR_TOKEN})")
_WORDS = re.compile(r"[A-Za-z]+(?:[_-][A-Za-z]+)*")
_DIGIT = re.compile(r"\d")


def _key(token: str) -> str | None:
    """`state=` of `state=RUNNING` (the key of a key=value token), else None.

    None as well when the key or the value names the failure (`code=23505`, `status=429`,
    `reason=PGRST204`): what masking kept on purpose is never learned away.
    """
    i = token.find("=")
    if 0 < i < len(token) - 1:
        key = token[: i + 1]
        if key.lower() in _NAMING_KEYS or _CODE.fullmatch(token[i + 1:].strip("'\",;)")):
            return None
        return key
    return None


def same_key(t: str, m: str) -> str | None:
    k = _key(t)
    if k is not None and m.startswith(k) and _key(m) == k:
        return k
    return None


_PUNCT = frozenset("./:@$#\\+~")
_PUNCT_CHAR = re.compile("[" + re.escape("".join(sorted(_PUNCT))) + "]")
# Day and month names of the C locale (`%a`, `%A`, `%b`, `%B`: syslog, asctime, RFC 5322 dates).
_CALENDAR = frozenset(
    "Mon Tue Wed Thu Fri Sat Sun Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec January February March April June July August "
    "September October November December".split())
# A unit after a number (SI and IEC prefixes on bytes, bits, hertz, watts; time units): `<*> KB`
# and `<*> B` are one size. Masking knows the common spaced units; this is the class.
_UNIT = re.compile(r"(?:[kKMGTPE]i?)?(?:B|b|bps|Bps|Hz|W|bytes?)|[mun\u00b5]?s|secs?|mins?|h|hrs?|days?|%")
_HEX_CHARS = "0123456789abcdefABCDEF"
# CamelCase / camelCase identifiers with humps of 3+ letters (`WindowsUpdateAgent`, `onStandStepChanged`)
_CAMEL_WORD = re.compile(r"(?:[A-Z][a-z]{2,})+|[a-z]{2,}(?:[A-Z][a-z]{2,})+")
# sentence punctuation around a word is not inside it; with the other quoting styles (GNU `...',
# typographic ‘...’ “...”, guillemets «...»: GROUPING_CLASSES.md S4, round 9)
_STRIP = "()[]{}<>'\",;!?:.`\u2018\u2019\u201c\u201d\u00ab\u00bb"


def _printed_collection(token: str) -> bool:
    """A struct, map or record as a language prints it, in one token (GROUPING_CLASSES3 S30, S33, V2):
    Go's `%v` of a pointer to a struct `&{a b}` and of a map `map[k:v]` (go doc `fmt`: the `&` and
    `map[` spellings are fmt's own), and a bracket group holding pairs, `{Name:a}` (Go `%+v`),
    `{k=v}` (Java `AbstractMap.toString`), `Endpoint[host=a]` (a Java record's `toString`). Its twin: a
    bracket group of plain words (`[preauth]`, `{name}`), which stays a word of the statement.

    A TYPE NAME glued to the bracket group is a printed object too, whatever its items (JDK API docs:
    `Optional.toString` `Optional[v]`, `OptionalInt[5]`; `Thread.toString` `Thread[name,5,main]`;
    `AbstractMap.SimpleEntry`/records `Name[...]`; Jetty's `QueuedThreadPool[qtp12]@hash{...}`): a
    Java class name starts with a capital (JLS naming conventions, 6.1), and a statement does not glue
    a word to a bracket. Its twin keeps no capitalised type before the bracket (`[preauth]`, `sshd[pid]`).
    Lombok's parenthesised form counts only with a `field=` inside."""
    end = token.rstrip(",;.")
    if end[-1:] not in ("]", "}", ")"):
        return False
    if end[-1] == ")":
        # Lombok `@ToString` (projectlombok.org, "@ToString"): `Name(field=value, ...)`; a call `Foo(x)`
        # or a clause `(spawning)` has no `field=` and stays
        if "=" not in end:
            return False
        opened = end.find("(")
        return opened > 1 and end[0].isupper() and end[1:opened].isalnum() and "=" in end[opened:]
    if end.startswith(("&{", "map[")):
        return True
    opened = end.find("{" if end[-1] == "}" else "[")
    if opened > 1 and end[0].isupper() and end[1:opened].isalnum():
        return True
    return opened >= 0 and ("=" in end[opened:] or ":" in end[opened:])


@lru_cache(maxsize=16384)  # pure; tokens repeat far more than messages
def variable_like(token: str) -> bool:
    """Whether a token's form alone says it is a value, not a word that names the event.

    Token classes that carry over between systems: punctuation inside (host names, dotted
    class names, paths, addresses), mixed case after the first letter (`mKeyId`, base64) unless
    it is CamelCase words (`WindowsUpdateAgent`, `onStandStepChanged`: a class or function that
    names the event; humps of 3+ letters, which random ids rarely have),
    hex-like letters (`eedd`: four or more hex characters), or long (24+ characters: keys,
    tokens). Plain words (`Failed`), numbers and codes masking kept (`429`, `PGRST204`) and
    `snake_case`/`kebab-case` identifiers (`exceeded_current_quota_error`) are not: they are
    values only in a slot a name-introducing word opens (`for tenant acme_corp`).
    """
    if PLACEHOLDER in token:
        return True  # masked already (`<*>:`, `'<*>'`, `id=<*>`): a value whatever surrounds it
    if " " in token:
        return True  # a bracket group or quoted value `tokenize` joined: a value written with spaces
    if _printed_collection(token):
        return True
    inner = token.strip(_STRIP)
    if not inner:
        # the IPv6 unspecified address (RFC 4291 s.2.5.2), e.g. `listening on ::`; an empty list, tuple
        # or dict (`[]`, `()`, `{}`), the empty form of a value that is a bracket group when it holds items
        return token == "::" or token.rstrip(",;.:") in ("[]", "()", "{}")
    if inner in _CALENDAR:
        return True  # a date spelled with names (syslog `Jul 10`, asctime `Sun Jul 10`): it changes daily
    if _CODE.fullmatch(inner):
        return False
    n = len(inner)
    if n >= 24 and not _WORDS.fullmatch(inner):
        return True  # a key or token; a long snake_case name (`exceeded_current_quota_error`) is a word
    if n >= 16 and inner.isalpha() and inner.isupper():
        return True  # an access key id (`AKIAIOSFODNNEXAMPLE`); capitalised words are shorter
    # The character tests below are C-speed forms of per-character loops (every new token of a
    # never-seen line comes here): `strip` leaves nothing when every character is hex; an
    # alphanumeric token has no punctuation; on ASCII, a character is upper (lower) case exactly
    # when lower() (upper()) changes it.
    if n >= 4 and not inner.strip(_HEX_CHARS):
        return True
    # A prefixed id (`blk_eedd`, `req-bcfae`, `job_AbXk`): an identifier prefix, then a value.
    cut = max(inner.rfind("_"), inner.rfind("-"))
    if 0 < cut < n - 4 and variable_like(inner[cut + 1:]):
        return True
    if not inner.isalnum() and _PUNCT_CHAR.search(inner):
        return True
    if inner.isascii():
        tail = inner[1:]
        mixed = tail != tail.lower() and inner != inner.upper()
    else:
        mixed = any(c.isupper() for c in inner[1:]) and any(c.islower() for c in inner)
    return mixed and not _CAMEL_WORD.fullmatch(inner)


def tokenize(text: str) -> list[str]:
    """The learner's tokens of a masked message: split on spaces, except that ONE value written with
    spaces is one token, however many words it holds: a quoted value after `key=` or `key:`
    (`tag="View Lock",`), and a bracketed group opened in one token and closed in a later one (a list
    `['<*>', '<*>']`, a tuple, a call repr `Foo(a=<*>, b='x')`, `<app.Foo object at <*>>`, `(TID <*>)`).
    A value of varying length must not put one event into several token-count buckets, nor line up
    its pieces with another event's slots. A trailing errno text (`...: No space left on device`,
    `errno_texts.py`; nginx's `(13: Permission denied)`) is one token too: the value of `%m`."""
    tokens = text.split(" ")
    if "(<*>: " in text:
        first, count = bracketed_errno(text)
        if count:
            tokens[first:first + count] = [" ".join(tokens[first:first + count])]
    if ": " in text:
        count, after = errno_tail(text)
        if count:
            stop = len(tokens) - after
            tokens[stop - count:stop] = [" ".join(tokens[stop - count:stop])]
        elif ", " in text:
            start = _joined_list(tokens)
            if start is not None:
                tokens[start:] = [" ".join(tokens[start:])]
    quoted = '="' in text or "='" in text or ':"' in text or ":'" in text
    if not quoted and _ANGLE_SPANNING.search(text) is None and not (
            ("(" in text or "[" in text or "{" in text) and _SPANNING.search(text) is not None):
        return tokens
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        end = _quote_end(tokens, i) if quoted else None
        if end is None and ("(" in tok or "[" in tok or "{" in tok or "<" in tok):
            end = _bracket_end(tokens, i)
        if end is not None:
            out.append(" ".join(tokens[i:end + 1]))
            i = end + 1
            continue
        out.append(tok)
        i += 1
    return out


# One item of a `", ".join(names)` list: a single token, no quote or bracket (those are joined already).
_ITEM = re.compile(r"[\w.\-/@+=:<>*]+")


def _joined_list(tokens: list[str]) -> int | None:
    """Where a message's tail is a list joined with `", "` after a `key:` (`collected packages: a, b, c`,
    `Ignoring indexes: x, y`): every token after the last token ending in `:` is one item, each but the last
    ending in `,`, 2+ items, none naming a failure (`error: timeout, retrying` stays words). The index of the
    first item, or None. Class: Python's `", ".join(...)`, Go's `strings.Join(xs, ", ")`: one call site
    prints any number of items, one value (round 12)."""
    n = len(tokens)
    j = n - 2
    while j >= 0 and not tokens[j].endswith(":"):
        j -= 1
    if j < 1 or n - j - 1 < 2 or n - j - 1 > 4 * MAX_VALUE_TOKENS:
        return None
    for k in range(j + 1, n):
        item = tokens[k][:-1] if k < n - 1 else tokens[k].rstrip(".")
        if (k < n - 1) != tokens[k].endswith(",") or not item or not _ITEM.fullmatch(item) or names_failure(item):
            return None
    return j + 1


def _quote_end(tokens: list[str], i: int) -> int | None:
    """The token closing a quoted `key="...` value opened in token i."""
    m = _OPEN_VALUE.search(tokens[i])
    if m is None:
        return None
    quote = m.group(1)
    return next((j for j in range(i + 1, min(len(tokens), i + MAX_VALUE_TOKENS)) if quote in tokens[j]), None)


def _bracket_end(tokens: list[str], i: int) -> int | None:
    """The token where a bracket group opened (and left open) in token i closes, within
    `MAX_VALUE_TOKENS` tokens, or within `MAX_LIST_TOKENS` when every token past the first
    `MAX_VALUE_TOKENS` is an item of a printed collection (`_listed`); None when token i leaves nothing
    open or the group never closes.

    Why a collection may be longer (GROUPING_CLASSES3 V1/V2, S30/S33/S36): a list, a map or an object
    printed by the language is ONE value whose item count varies per line (0 to tens of items), and
    its items are spelled as items: Java `AbstractCollection.toString` and `AbstractMap.toString` end
    each but the last with `, ` (`[a, b, c]`, `{k=v, k2=v2}`), Node's `util.inspect` writes `{ k: v,
    ... }`, `[ 1, 'x' ]` and `Map(2) { 'k' => 1 }`, Go's `%v` of a map or a `%+v` struct glues each
    pair (`map[k:v k2:v2]`, `{Name:a Count:3}`). A parenthesised clause of plain words is not spelled
    so, and keeps the short reach (its words stay the statement's)."""
    depth = _depth(tokens[i])
    if depth <= 0:
        return None
    n = len(tokens)
    for j in range(i + 1, min(n, i + MAX_LIST_TOKENS)):
        depth += _depth(tokens[j])
        if depth <= 0:
            return j if depth == 0 else None
        if j - i >= MAX_VALUE_TOKENS - 1 and not _listed(tokens[j]) and not (
                j + 1 < n and (depth + _depth(tokens[j + 1]) <= 0 or tokens[j + 1] == "=>")):
            return None  # past the short reach, only a collection's items (or its last one) go on
    return None


def _listed(token: str) -> bool:
    """An item of a printed collection by its spelling: `a,` `k:` `=>` `k=v` `k:v` (see `_bracket_end`)."""
    return token.endswith((",", ":")) or ("=" in token or ":" in token.strip(":"))


def _depth(token: str) -> int:
    """Brackets a token opens minus those it closes (`<` only as `<Name`, `<*>` is a placeholder)."""
    d = token.count("(") + token.count("[") + token.count("{") - token.count(")") - token.count("]") - token.count("}")
    if "<" in token:
        plain = token.replace(PLACEHOLDER, "")
        d += len(_ANGLE_OPEN.findall(plain)) - plain.count(">")
    elif ">" in token:
        close = _ANGLE_CLOSE.search(token)  # `pending>` closes `<Task pending>` (round 12)
        if close is not None:
            d -= close.end() - close.start()
    return d


# An opening bracket whose group goes on past a space (`['<*>', '<*>']`, `Foo(a=<*>, b=<*>)`, `<app.Foo
# object`): only then can a bracketed value span tokens. One C-speed search per message.
_SPANNING = re.compile(r"[(\[{][^)\]}]* ")
_ANGLE_SPANNING = re.compile(r"<[A-Za-z][^>]* ")
_ANGLE_OPEN = re.compile(r"<[A-Za-z]")
# The `>` that closes a `<Name ...>` repr in a token without a `<`: after a word character, a bracket or a
# quote, at the token's end (punctuation may follow). Python's `object.__repr__` convention: "a string of
# the form <...some useful description...>" (Python Language Reference 3.3.1, `object.__repr__`), e.g.
# asyncio's `<Task pending name='Task-1' coro=<main() running>>`, `<_SelectorSocketTransport fd=6
# read=polling>`; before round 12 only a last token holding `<*>` (`<Foo object at <*>>`) closed one.
# Not an arrow (`->`, `=>`) nor a comparison (`a > b`).
_ANGLE_CLOSE = re.compile(r"(?<=[\w)\]'\"])>+(?=[,.;:)\]]*$)")


# A token that opens a quoted value and does not close it (`tag="View`).
_OPEN_VALUE = re.compile(r"""^[^"'\s]*[=:](["'])[^"']*$""")
MAX_VALUE_TOKENS = 8
MAX_LIST_TOKENS = 64  # a printed collection's reach (`_bracket_end`): up to ~30 items
