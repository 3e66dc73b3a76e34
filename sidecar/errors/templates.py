"""Online template learning: masked messages that differ only in a variable slot share one group.

Masking (`masking.py`) removes what is variable by its *form* (digits, addresses, paths). What is
variable only by its *position* (a letters-only hex suffix `eedd`, a worker name, an enum value, a
host name in one slot) is learned here, online, the way Drain does (He et al., ICWS 2017):

* Messages are bucketed by (logger, level class, token count): only messages of one shape can be
  the same template, so a comparison never crosses loggers, levels or lengths. Tokens are split on
  spaces, except that a quoted value after `key=`/`key:` is one token (`tokenize`). The classes of
  values and which step handles each are in TAXONOMY.md.
* A masked message new to the bucket is compared with the bucket's templates position by position.
  When enough positions agree (`SIMILARITY`), it joins the most similar template, and every
  position where they disagree becomes `<*>` (a `key=value` token keeps its key: `state=<*>`).
  Otherwise it starts a template of its own.
* The group id of a template is the pure message fingerprint of the *first* masked message that
  created it (`fingerprint.fingerprint_message`). It never changes: later members only widen the
  template text; they map to the id that already exists.

Why this holds across restarts and replicas:
* Restart: a template's id and text are stored (table `error_templates`) and loaded at start;
  every masked form that joined a template is stored as a merge (`error_merges`: from the form's
  own pure fingerprint into the template's id). A message seen before a restart maps to the same
  group after it, because the merge is looked up before any learning happens.
* Replicas: they share the store. Before a replica creates a template it re-reads the templates
  others stored; the insert is `ON CONFLICT DO NOTHING` on the id, and a merge row, once written,
  is never rewritten (`from_hash` is the primary key, first writer wins). Two replicas that see the
  same events in different orders therefore converge on the same ids for the same masked forms.
* Two replicas that each start a template for the same kind of error in the same instant (both
  read the store before either wrote): template creation is serialised in the store (PostgreSQL
  advisory lock, SQLite's write lock), and the second to commit finds the first's template among
  the rows stored since its last read; when it is the same event (`same_event`), its own new
  template is not stored but merged into the older one (`absorb`; a merge row from its id). Its
  group row did not exist yet (groups are written after learning), so nothing is re-labelled
  (tests/errors/test_learning_replicas.py, SQLite and PostgreSQL, and two processes).
* `sidecar fingerprint` runs one learner over stdin, so each line's answer is what `run` would
  have assigned at that point of the stream (no look-ahead).

Memory is bounded: at most `max_templates` templates per bucket (beyond that a new form is its own
group, without comparison) and an LRU of `cache_size` masked forms already resolved.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from .masking_rules import ERROR_TOKEN, PLACEHOLDER

__all__ = ["SIMILARITY", "Template", "TemplateLearner", "Learned", "merge_tokens", "similarity"]

# Share of a template's fixed positions a message must repeat to join it. Chosen on leave-one-out
# splits of the shared loghub-2k datasets (bench/grouping.py), never per dataset.
SIMILARITY = 0.7
# Messages this short have too little text to tell a variable slot from a different event.
MIN_TOKENS_TO_LEARN = 3
# Differing plain words no name-introducing word announces, allowed per comparison, and the
# literal tokens that must agree around them (see `similarity`).
OTHER_WORDS = 0
MIN_AGREE = 4


@dataclass(slots=True)
class Template:
    """A learned template: its stable group id and its tokens (`<*>` where a slot varies)."""

    fingerprint: str
    tokens: list[str]
    bucket: str

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


@dataclass(frozen=True, slots=True)
class Learned:
    """What learning decided for one masked message."""

    fingerprint: str  # the group id
    template: str  # the template text after this message
    created: bool  # a new template was started
    widened: bool  # an existing template gained a parameter
    form: str = ""  # the masked form's own pure fingerprint


def _wild(token: str) -> bool:
    return token == PLACEHOLDER


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


def _same_key(t: str, m: str) -> str | None:
    k = _key(t)
    if k is not None and m.startswith(k) and _key(m) == k:
        return k
    return None


_PUNCT = frozenset("./:@$#\\+~")
# Day and month names of the C locale (`%a`, `%A`, `%b`, `%B`: syslog, asctime, RFC 5322 dates).
_CALENDAR = frozenset(
    "Mon Tue Wed Thu Fri Sat Sun Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec January February March April June July August "
    "September October November December".split())
# A unit after a number (SI and IEC prefixes on bytes, bits, hertz, watts; time units): `<*> KB`
# and `<*> B` are one size. Masking knows the common spaced units; this is the class.
_UNIT = re.compile(r"(?:[kKMGTPE]i?)?(?:B|b|bps|Bps|Hz|W|bytes?)|[mun\u00b5]?s|secs?|mins?|h|hrs?|days?|%")
_HEX = frozenset("0123456789abcdefABCDEF")
# CamelCase / camelCase identifiers with humps of 3+ letters (`WindowsUpdateAgent`, `onStandStepChanged`)
_CAMEL_WORD = re.compile(r"(?:[A-Z][a-z]{2,})+|[a-z]{2,}(?:[A-Z][a-z]{2,})+")
_STRIP = "()[]{}<>'\",;!?:."  # sentence punctuation around a word is not inside it


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
    inner = token.strip(_STRIP)
    if not inner:
        return token == "::"  # the IPv6 unspecified address (RFC 4291 s.2.5.2), e.g. `listening on ::`
    if inner in _CALENDAR:
        return True  # a date spelled with names (syslog `Jul 10`, asctime `Sun Jul 10`): it changes daily
    if _CODE.fullmatch(inner):
        return False
    n = len(inner)
    if n >= 24 and not _WORDS.fullmatch(inner):
        return True  # a key or token; a long snake_case name (`exceeded_current_quota_error`) is a word
    if n >= 16 and inner.isalpha() and inner.isupper():
        return True  # an access key id (`AKIAIOSFODNNEXAMPLE`); capitalised words are shorter
    if n >= 4 and all(c in _HEX for c in inner):
        return True
    # A prefixed id (`blk_eedd`, `req-bcfae`, `job_AbXk`): an identifier prefix, then a value.
    cut = max(inner.rfind("_"), inner.rfind("-"))
    if 0 < cut < n - 4 and variable_like(inner[cut + 1:]):
        return True
    if any(c in _PUNCT for c in inner):
        return True
    return any(c.isupper() for c in inner[1:]) and any(c.islower() for c in inner) and not _CAMEL_WORD.fullmatch(inner)


def _slot(t: str, m: str) -> float:
    """How much two tokens at one position agree: 1 equal, 0.5 a variable slot, -1 different words."""
    if t == m:
        return 0.5 if _wild(t) else 1.0
    if _wild(t):
        return 0.5
    if _same_key(t, m) is not None:
        return 0.5
    if variable_like(t) and variable_like(m):
        return 0.5
    if _DIGIT.search(t) or _DIGIT.search(m):
        return -2.0  # a digit that survived masking was kept on purpose (a status, a code): never a slot
    return -1.0


# Words after which a plain word is a value (`for user root`, `key ending eedd`, `from host`):
# the English function words and nouns that introduce a name in log messages of any system.
# Not `to`: what follows it is usually the verb that names the event (`Failed to bind`).
SLOT_INTRODUCERS = frozenset(
    "user users for from by at on in of with ending named name via called".split()
)
# Nouns that name what follows (`tenant acme_corp`, `worker uvicorn-ab`); after them only an
# identifier (`_`, `-`, mixed case) is a value: `worker started` is a verb, not a name.
NAME_NOUNS = frozenset(
    "host hostname key id process worker service module package tool model type account credential "
    "token tenant bucket queue topic project region zone node pod container instance job task session "
    "client device repo repository image plugin provider endpoint route channel domain server cluster "
    "namespace database role org team owner".split()
)


def _introduces(prev: str | None, value: str) -> bool:
    """Whether `value` after `prev` is in a name slot (see SLOT_INTRODUCERS and NAME_NOUNS)."""
    if prev is None:
        return False
    if prev.endswith((":", "=")) or prev.lower() in SLOT_INTRODUCERS:
        return True
    # After a noun, an identifier (`tenant acme_corp`) or a word that ends a clause (`tool chat:`,
    # the name before the detail) is a name; a bare word (`worker started`) is a verb.
    return prev.lower() in NAME_NOUNS and ("_" in value or "-" in value or value.endswith(":"))


# A quoted single identifier that survived masking: masking turns every quoted single token into
# `'<*>'` unless it names the failure (a keep rule: an attribute, a key, a module) or is a dict key
# (`'message':`). Two such tokens that differ are two events, never a slot.
_QUOTED_NAME = re.compile(r"""(['"])[A-Za-z_][\w.]*\1[,.;:)]*""")

_OPENERS = "([{<'\""
_CLOSERS = ")]}>'\""


def _delimited(t: str, m: str) -> bool:
    """Two words in the same brackets or quotes (`(spawning)` / `(deleting)`, `user]`): the
    writer of the message delimited a value."""
    a, b = t.strip(_STRIP), m.strip(_STRIP)
    if not a or not b:
        return False
    i, j = t.find(a), m.find(b)
    pre, post = t[:i], t[i + len(a):]
    if pre != m[:j] or post != m[j + len(b):]:
        return False
    return any(c in _OPENERS for c in pre) or any(c in _CLOSERS for c in post)


def similarity(template: list[str], tokens: list[str], other_words: int = OTHER_WORDS,
               min_agree: int = MIN_AGREE, delimited: bool = True) -> float:
    """Share of the template's positions the message repeats, or -1 when they are two events.

    Positions already generalised count half: a template that is mostly `<*>` must not attract
    every message of its length. A plain word that differs is a slot (half) when a
    name-introducing word opens it (`for user root` / `for user test`) or an ellipsis cuts it
    short (`token pwbzwvfh ...`). Any other differing word (a name, a state, a process in a slot
    nothing announces) counts zero, and at most `other_words` of them are allowed, and only when at
    least `min_agree` literal tokens agree around them: a long message that differs in one word
    is one event with a slot (Drain's rule), a short one (`Failed to connect` / `Failed to bind`)
    is two events.
    """
    score = 0.0
    others = 0
    agree = 0
    prev: str | None = None
    last = len(template) - 1
    for i, (t, m) in enumerate(zip(template, tokens, strict=True)):
        if t != m and _QUOTED_NAME.fullmatch(t) and _QUOTED_NAME.fullmatch(m):
            return -1.0  # two names masking kept on purpose (keep rules: `no attribute 'get'`)
        s = _slot(t, m)
        if s < -1:
            return -1.0
        if s < 0:
            truncated = i < last and template[i + 1] == tokens[i + 1] == "..."
            unit = prev is not None and PLACEHOLDER in prev and _UNIT.fullmatch(t) and _UNIT.fullmatch(m)
            if (truncated or unit or (_introduces(prev, t) and _introduces(prev, m))
                    or (delimited and _delimited(t, m))):
                s = 0.5
            else:
                others += 1
                if others > other_words or (prev is not None and prev.lower() == "to"):
                    return -1.0
                s = 0.0
        elif s == 1.0:
            agree += 1
        score += s
        prev = t
    if others and agree < min_agree:
        return -1.0
    return score / len(template)


def merge_tokens(template: list[str], tokens: list[str]) -> list[str]:
    """The template widened by one message: disagreeing positions become `<*>` (keys are kept)."""
    out: list[str] = []
    for t, m in zip(template, tokens, strict=True):
        if t == m:
            out.append(t)
            continue
        k = _same_key(t, m)
        if k is not None:
            out.append(k + PLACEHOLDER)
        else:
            out.append(PLACEHOLDER)
    return out


def tokenize(text: str) -> list[str]:
    """The learner's tokens of a masked message: split on spaces, except that a quoted value after
    `key=` or `key:` (`tag="View Lock",`) is one token, however many words it holds: a value of
    varying length must not put one event into several token-count buckets."""
    tokens = text.split(" ")
    if '="' not in text and "='" not in text and ':"' not in text and ":'" not in text:
        return tokens
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        m = _OPEN_VALUE.search(tok)
        if m is not None:
            quote = m.group(1)
            end = next((j for j in range(i + 1, min(n, i + MAX_VALUE_TOKENS)) if quote in tokens[j]), None)
            if end is not None:
                out.append(" ".join(tokens[i:end + 1]))
                i = end + 1
                continue
        out.append(tok)
        i += 1
    return out


# A token that opens a quoted value and does not close it (`tag="View`).
_OPEN_VALUE = re.compile(r"""^[^"'\s]*[=:](["'])[^"']*$""")
MAX_VALUE_TOKENS = 8


def _rebucket(bucket: str, tokens: list[str]) -> str:
    """A stored bucket re-counted for `tokenize` (templates stored before quoted values were one token)."""
    head, _, count = bucket.rpartition("\x1f")
    return bucket if count == str(len(tokens)) or not head else f"{head}\x1f{len(tokens)}"


def _shelf(bucket: str, tokens: list[str]) -> str:
    """The bucket narrowed by the first token (Drain's first tree level): two different plain
    words at the start are never one template (`similarity`), so only templates starting with the
    same word, or both with a value, need comparing. Keeps a flood of distinct lines linear."""
    first = tokens[0] if tokens else ""
    return bucket + "\x1f" + ("<*>" if variable_like(first) or _bracketed(first) else first)


def _bracketed(token: str) -> bool:
    """A whole token in brackets (`[main]`, `(worker-3)`, `<svc>`): a thread, process or component
    name that leads the message is a value, so messages that differ only there are compared."""
    return len(token) > 2 and token[0] in "[(<" and token[-1] == {"[": "]", "(": ")", "<": ">"}[token[0]]


@dataclass
class TemplateLearner:
    """The online learner of one process (pure given its inputs; the store persists its results)."""

    threshold: float = SIMILARITY
    other_words: int = OTHER_WORDS
    min_agree: int = MIN_AGREE
    delimited: bool = True
    max_templates: int = 500  # per shelf (bucket + first word)
    max_total: int = 50_000
    cache_size: int = 100_000
    _buckets: dict[str, list[Template]] = field(default_factory=dict)
    _by_id: dict[str, Template] = field(default_factory=dict)
    # masked-form fingerprint -> group id: exact repeats skip the comparison (bounded LRU).
    _resolved: OrderedDict[str, str] = field(default_factory=OrderedDict)
    # template ids folded into another replica's template (`absorb`): merges read later that point
    # at them point at the winner instead. Grows only by such races.
    _redirect: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def bucket(logger: str, level_cls: str, n_tokens: int) -> str:
        return f"{level_cls}\x1f{logger}\x1f{n_tokens}"

    def __len__(self) -> int:
        return len(self._by_id)

    def template(self, fingerprint: str) -> Template | None:
        return self._by_id.get(fingerprint)

    def forget(self, fingerprint: str) -> None:
        """Drop a template (a group the new-group cap refused: nothing is kept for it)."""
        tpl = self._by_id.pop(fingerprint, None)
        if tpl is not None:
            shelf = self._buckets.get(_shelf(tpl.bucket, tpl.tokens))
            if shelf is not None and tpl in shelf:
                shelf.remove(tpl)
                if not shelf:
                    del self._buckets[_shelf(tpl.bucket, tpl.tokens)]
        self._resolved.pop(fingerprint, None)

    def same_event(self, tpl: Template, bucket: str, text: str) -> bool:
        """Whether a template another replica stored (`bucket`, `text`) is the event `tpl` is."""
        tokens = tokenize(text)
        bucket = _rebucket(bucket, tokens)
        if bucket != tpl.bucket or len(tokens) != len(tpl.tokens) or len(tokens) < MIN_TOKENS_TO_LEARN:
            return False
        if _shelf(bucket, tokens) != _shelf(tpl.bucket, tpl.tokens):
            return False
        return max(similarity(tokens, tpl.tokens, self.other_words, self.min_agree, self.delimited),
                   similarity(tpl.tokens, tokens, self.other_words, self.min_agree, self.delimited)) > self.threshold

    def absorb(self, loser: str, winner: str, bucket: str, text: str) -> None:
        """Fold template `loser` into `winner`, which another replica stored first: every form of
        the loser now maps to the winner, whose text widens by the loser's."""
        lost = self._by_id.get(loser)
        self.forget(loser)
        if winner not in self._by_id:
            self.load([(winner, bucket, text)])
        win = self._by_id[winner]
        if lost is not None and len(lost.tokens) == len(win.tokens):
            win.tokens = merge_tokens(win.tokens, lost.tokens)
        self._redirect[loser] = winner
        for form in [f for f, g in self._resolved.items() if g == loser]:
            self._resolved[form] = winner
        self._remember(loser, winner)

    def templates(self) -> list[Template]:
        """Every template learned or loaded (for the store and for tests)."""
        return list(self._by_id.values())

    def merges(self) -> list[tuple[str, str]]:
        """(form fingerprint, group id) for the forms that joined another form's group."""
        return [(src, dst) for src, dst in self._resolved.items() if src != dst]

    def load(self, templates: Iterable[tuple[str, str, str]], merges: Iterable[tuple[str, str]] = ()) -> None:
        """Seed from the store: (fingerprint, bucket, template text) rows and (from, into) merges."""
        for fp, bucket, text in templates:
            tokens = tokenize(text)
            if fp in self._by_id:
                if len(tokens) == len(self._by_id[fp].tokens):
                    self._by_id[fp].tokens = tokens
                continue
            tpl = Template(fp, tokens, _rebucket(bucket, tokens))
            self._by_id[fp] = tpl
            self._buckets.setdefault(_shelf(tpl.bucket, tpl.tokens), []).append(tpl)
        for src, dst in merges:
            self._remember(src, self._redirect.get(dst, dst))

    def _remember(self, form_fp: str, group_fp: str) -> None:
        self._resolved[form_fp] = group_fp
        self._resolved.move_to_end(form_fp)
        if len(self._resolved) > self.cache_size:
            self._resolved.popitem(last=False)

    def known(self, form_fp: str) -> str | None:
        """The group of a masked form seen before (None when it is new here)."""
        group = self._resolved.get(form_fp)
        if group is not None:
            self._resolved.move_to_end(form_fp)
        return group

    def learn(self, form_fp: str, logger: str, level_cls: str, masked: str) -> Learned:
        """Map a masked message (whose own pure fingerprint is `form_fp`) to its group."""
        group = self.known(form_fp)
        if group is not None:
            tpl = self._by_id.get(group)
            return Learned(group, tpl.text if tpl else masked, False, False, form_fp)
        tokens = tokenize(masked)
        bucket = self.bucket(logger, level_cls, len(tokens))
        candidates = self._buckets.setdefault(_shelf(bucket, tokens), [])
        best: Template | None = None
        if len(tokens) >= MIN_TOKENS_TO_LEARN:
            best_score = self.threshold
            for tpl in candidates:
                score = similarity(tpl.tokens, tokens, self.other_words, self.min_agree, self.delimited)
                if score > best_score:
                    best, best_score = tpl, score
        if best is None:
            tpl = Template(form_fp, tokens, bucket)
            if len(candidates) < self.max_templates and len(self._by_id) < self.max_total:
                # A full shelf or learner keeps no more (bounded memory); the form keeps its own id.
                candidates.append(tpl)
                self._by_id[form_fp] = tpl
            self._remember(form_fp, form_fp)
            return Learned(form_fp, masked, True, False, form_fp)
        merged = merge_tokens(best.tokens, tokens)
        widened = merged != best.tokens
        best.tokens = merged
        self._remember(form_fp, best.fingerprint)
        return Learned(best.fingerprint, best.text, False, widened, form_fp)
