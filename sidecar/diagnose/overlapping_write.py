"""A failure inside another actor's write of the same object: the two operations overlapped in time (round 17).

The near-miss class (evals/RESULTS.md "Round 17", c17 step 1): the error's words read as a broken object or a
library misuse - a select that returned 0 rows (PostgREST PGRST116), a JSON file that does not parse ("Expecting
value: line 1 column 1"), a provider refusing a message history whose order is wrong, a cursor with no result - and
the rules answer code or storage. A record of ANOTHER actor of ours (another request, handler, worker, process, or
another component's logger) shows that actor WRITING the same object while the failing actor worked on it. That
record's kind has a documented meaning that contradicts the object-is-broken reading:
- an open transaction: rows it wrote are invisible to every other session until its COMMIT (PostgreSQL "Transaction
  Isolation": Read Committed "sees only data committed before the query began");
- open(path, 'w'): "open for writing, truncating the file first" (Python's open()): a reader in between reads an
  empty or partial file;
- an append, insert, update, save or rewrite of a shared object (a message history, a file, a row) by one actor,
  interleaved with another's use of it: neither sees the state it assumed.
The relation that decides is the OVERLAP of the two operations on one object, by the records' own times: the other
actor's records of that object span [first, last], the failing actor's own [its earliest record of the object within
WINDOW, the error]; the two intervals intersect. The object ties them: an id-like token (a digit and a letter, a
separator or hex: `f-20931`, `s-44`, `0x7f61c2a3d9c0`, a path) that a record of each actor names.
Then the answer (code, storage or unknown: a reading of the object's state; a transport's failure or a remote's
refusal to admit - a timeout, a reset, a 429/502/503/504 - says nothing about the object and is left) is redirected to
concurrency at CONFIDENCE or the answer's own if lower, naming the other actor's records (the documented meaning of the write's kind is said).

Twins that must NOT change (tests/diagnose/test_overlapping_write.py): the other actor's write ENDED before the failing
operation began (sequential, no race: the object's state stands); the same actor's own write (one actor, our code);
another actor's overlapping write of ANOTHER object; a timeout or a rate limit while the other actor writes; another actor only READING the object (two readers do not race);
the other actor's write record is itself a failure (a WARNING/ERROR record or a failure word: it wrote nothing); an
answer already config (a setting decided) or concurrency. A service endpoint (host:port) or a URL is no object: every
actor of ours talks to it, which ties nothing. Never confident: two records tied by one token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ..ingest.formats import TextDialect
from .honest_unknown import lent
from .model import Diagnosis, DiagnosisInput, one_line
from .record_time import STAMP, printed_time
from .recovered import FAILURE_WORDS
from .setting_lines import CONTEXT, LINE
from .unseen_write import FAILED_LEVELS

# an inference from two actors' records tied by one token, never confident; never above the answer it redirects
# (an `unknown` at 0.3 stays 0.3: review r17)
CONFIDENCE = 0.45
WINDOW = 60.0  # seconds around the error in which the two operations' records are read
_AFTER = 12  # later records read (the other actor's commit / "saved" comes just after the failure)
_READS = frozenset({"code", "storage", "unknown"})  # readings of the object's state; a remote's or a capacity reading
# is about the path, not the object (a 429 or a timeout while another request saves the same session is no race)
# a failure of the transport or of a remote's admission says nothing about the object's state: the overlap is no cause
_TRANSPORT = re.compile(r"\btimed? ?out\b|\btimeout\b|\bconnection (?:refused|reset|closed|aborted|error)|"
                        r"\bECONN\w+|\b(?:429|502|503|504)\b|rate.?limit|name resolution|Name or service not known",
                        re.I)

# an actor's tag: the bracketed tag at the message's start ([c-12], [s-44 m-7], [req:4a10], [job extract:91c3],
# [w-1]) or contention's actor ids (request_id=, pid=, pod=, worker=...)
_TAG = re.compile(r"\[(?P<t>(?:[\w.:-]+ ){0,3}[\w.:-]+)\]")
_ID_WORD = re.compile(r"[A-Za-z][\w]*[-:][\w]*\d|\d[\w]*[-:][\w]*[A-Za-z]")  # c-12, req:4a10, extract:91c3
# a record's header (time, level, logger) is read by the ingest stage's grammar, once per record (`_record`): a
# `T`-format time (`2026-12-07T10:00:00Z ERROR src.x: ...`) is one token, and a shape it does not read as a header
# (`[ts] ERROR src.x - ...`) has no logger here either (review r17: a regex of our own read both otherwise)
_DIALECT = TextDialect()
_KV_ACTOR = re.compile(r"""["']?\b(?P<k>request_id|req_id|pid|pod|worker|thread|task|replica|instance|logger)["']?"""
                       r"""\s*[=:]\s*["']?(?P<v>[\w.:-]{1,64})""", re.I)
# an object's id: a name with a separator and a digit (f-20931, s-8a1, extract:91c3, j-771), hex with a digit
# (0x7f61c2a3d9c0, 91c3e0d2), or a path
_TOKEN = re.compile(r"(?<![\w/.:-])(?:0x[0-9a-f]{6,}|/[\w.@+-]+(?:/[\w.@+-]+)+|[A-Za-z][\w]*(?:[-_.:][\w]+)+|"
                    r"[0-9a-f]*\d[0-9a-f]*[a-f][0-9a-f]*)(?![\w/-])", re.I)
_VERSION = r"v?\d+(?:\.\d+)*"  # a release: 3, v1, 4.5, v2.1.0
_ENDPOINT = re.compile(rf"^[\w.-]+:\d{{2,5}}$|^\d+(?:\.\d+)+$|^{_VERSION}$|^[\w-]+\.(?:com|net|org|io|ai|cn|co)$",
                       re.I)
# a model's or a release's name is no object (review r17: two requests naming `kimi-k2-0905-preview` tie nothing, every
# request of ours names it): a family word of three letters or more beside a part that is a version - the release
# grammar above in its marked forms (`v1`, `4.5`) or a generation of one letter and one digit (`k2`, `r1`, `4o`, `8k`):
# kimi-k2-0905-preview, moonshot-v1-8k, glm-4.5, gpt-4o-mini, deepseek-r1. The object ids this module reads (f-20931,
# s-44, s-8a1, doc-12345, extract:91c3) have no such part.
_MARKED_VERSION = re.compile(rf"(?=v\d|\d+\.\d){_VERSION}|[a-z]\d|\d[a-z]", re.I)
_FAMILY = re.compile(r"[a-z]{3,}", re.I)
_COMMON = frozenset({"utf-8", "site-packages", "json.decoder", "asyncio.tasks"})
# the kinds of write record and their documented meanings (module docstring)
_OPEN_TXN = re.compile(r"\b(?:txn|tx|transaction) (?:open|opened|begun|started)\b|\bBEGIN\b|\bopen (?:txn|tx|"
                       r"transaction)\b", re.I)
_TRUNCATE = re.compile(r"""\bopen(?:ed|ing)?\b\W{0,3}['"]?w\+?b?['"]|\bmode\W{0,3}['"]w|\btruncat\w*""", re.I)
_WRITE = re.compile(r"\b(?:writ(?:e|es|ing|ten)|wrote|sav(?:e|es|ing|ed)|insert(?:s|ed|ing)?|updat(?:e|es|ed|ing)|"
                    r"append(?:s|ed|ing)?|rewrit\w*|delet(?:e|es|ed|ing)|renam(?:e|es|ed|ing)|replac(?:e|es|ed|ing)|"
                    r"upsert\w*|commit(?:s|ted|ting)?|modif(?:y|ies|ied|ying)|flush(?:es|ed|ing)?)\b", re.I)
_BLOCK = 8  # lines of a multi-line record read as its own text
_TRACEBACK = re.compile(r"\s|Traceback \(most recent call last\)|Full traceback|Stack trace|Caused by")
# a write the record says did not happen: a negation or a skip next to the verb, a dry run's conditional
_NOT_DONE = re.compile(r"\b(?:not|no|nothing|never|without|would|skip(?:s|ped|ping)?|dry[ -]?run|unchanged)\b"
                       r"(?:\W+\w+){0,2}?\W+(?:to )?(?:writ|sav|insert|updat|append|commit|delet|renam|flush)\w*|"
                       r"\b(?:writ|sav|insert|updat|append|commit|delet|renam|flush)\w*\W+(?:skipped|not needed|"
                       r"suppressed)\b", re.I)
_NOUN = re.compile(r"\b(?P<n>[a-z][a-z_]{2,30})\s+['\"]?$")
_NOT_NOUNS = frozenset({"the", "for", "and", "with", "from", "into", "row", "key", "file", "failed", "load", "loading",
                        "saving", "saved", "read", "reading", "of", "to", "at", "on", "in", "id", "by", "as", "ok",
                        "job", "call", "calls", "result", "cursor"})


@dataclass(frozen=True, slots=True)
class _Record:
    line: str  # the record's first line, bounded
    at: tuple[datetime, int]  # its time, then its place in the log (records printed in the same second stay ordered)
    actor: tuple[str, ...]  # its tag's words, or its actor ids, or its logger
    logger: str
    tokens: frozenset[str]
    failed: bool  # its header's level is a failure's (WARNING/ERROR/CRITICAL/FATAL)


def _actor(line: str, body: str, logger: str) -> tuple[str, ...]:
    # the first bracketed tag of the first line whose words name an id ([Errno 111] and gunicorn's [1] name none)
    tag = next((m for m in _TAG.finditer(body[:300]) if _ID_WORD.search(m.group("t"))), None)
    if tag is not None:
        return tuple(tag.group("t").split())
    ids = tuple(f"{m['k'].lower()}={m['v']}" for m in _KV_ACTOR.finditer(line[:LINE]) if m["k"].lower() != "logger")
    return ids or (logger,)


def _model_name(token: str) -> bool:
    parts = re.split(r"[-_:]", token)
    return any(_FAMILY.fullmatch(p) for p in parts) and any(_MARKED_VERSION.fullmatch(p) for p in parts)


def _tokens(line: str) -> frozenset[str]:
    text = STAMP.sub(" ", line[:LINE])
    out = set()
    for t in _TOKEN.findall(text):
        t = t.rstrip(".:")
        if len(t) >= 4 and any(c.isdigit() for c in t) and not _ENDPOINT.match(t) and t.lower() not in _COMMON \
                and "://" not in t and not _model_name(t):
            out.add(t)
            out.update(p for p in re.split(r"[/]", t) if len(p) >= 4 and any(c.isdigit() for c in p))
    return frozenset(out)


def _record(line: str, place: int) -> _Record | None:
    """`line`'s record (a multi-line block's lines after the first are its message's): its time, actor, logger and
    level from ONE parse of its header (record_time's grammar and fallback: a printed ISO time near the start)."""
    first, nl, rest = line.partition("\n")
    header = _DIALECT.parse_header(first[:2048])
    at = header.timestamp if header is not None and header.timestamp is not None else printed_time(line)
    if at is None:
        return None
    logger = "" if header is None else header.logger or ""
    body = line if header is None else header.message + nl + rest
    return _Record(line[:LINE], (at, place), _actor(line, body, logger), logger, _tokens(line),
                   header is not None and header.level in FAILED_LEVELS)


def _block(inp: DiagnosisInput, head: str) -> str:
    """The error record's own text before its traceback: its header line and, for a multi-line record, the lines
    after it - the gateway's tool-failure block prints a banner, then "[req:..] <what failed>", Tool:, Request ID:,
    Error: (research upstream-gateway.md 1.4, as DiagnosisInput.messages reads it): the actor's tag and the object
    are on those lines, not on the banner."""
    lines = [head]
    for line in inp.traceback.lstrip().split("\n")[1:_BLOCK]:
        if _TRACEBACK.match(line):
            break
        lines.append(line[:LINE])
    return "\n".join(lines)


def _same_actor(a: _Record, b: _Record) -> bool:
    return a.actor == b.actor and (a.logger == b.logger or a.actor != (a.logger,))


def _wrote(r: _Record) -> bool:
    """A record of a write in progress or done: a write verb or kind, neither a failure level nor a failure word, nor
    a write it says did NOT happen ('save skipped', 'nothing to write', 'not saving', 'would save' - review r17).

    Not unseen_write._wrote, on purpose: that one asks whether an object was CREATED before a miss (created, stored,
    persisted: done); this one whether another actor CHANGED the object while ours used it - a write still in progress
    counts (saving, an open transaction, open 'w'), and so do the verbs that change an existing object (update, append,
    delete, rename, replace, flush, commit). The failure tests are the same (FAILURE_WORDS, a failed level), read here
    from the record's one header parse."""
    line = r.line
    return bool(_WRITE.search(line) or _OPEN_TXN.search(line) or _TRUNCATE.search(line)) \
        and not r.failed and not FAILURE_WORDS.search(line) and not _NOT_DONE.search(line)


def _meaning(lines: list[str]) -> str:
    text = "\n".join(lines)
    if _OPEN_TXN.search(text):
        return ("a row written inside an open transaction is invisible to every other session until its COMMIT "
                "(PostgreSQL Read Committed sees only data committed before the query began)")
    if _TRUNCATE.search(text):
        return ("open(path, 'w') truncates the file first (Python's open()): a reader before the writer's close "
                "reads an empty or partial file")
    return "one actor changed the shared object while the other used it, so neither saw the state it assumed"


def _noun(obj: str, lines: list[str]) -> str:
    for line in lines:
        for m in re.finditer(rf"(?<![\w-]){re.escape(obj)}(?![\w-])", line):
            n = _NOUN.search(line[:m.start()])
            if n is not None and n.group("n").lower() not in _NOT_NOUNS:
                return n.group("n").lower()
    return "object"


def overlapping_write_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or concurrency when another actor's write of the same object overlaps the failing operation."""
    if d.category not in _READS:
        return d
    head = inp.traceback.lstrip().split("\n", 1)[0] if inp.traceback.strip() else inp.message
    block = _block(inp, head)
    err = _record(block, 0)
    if err is None or not any(err.actor):
        return d
    if any(_TRANSPORT.search(m[:LINE]) for m in (head, *inp.messages())):
        return d
    said = _tokens("\n".join([block, *inp.messages()]))
    before, after = inp.context[-CONTEXT:], inp.after[:_AFTER]
    lines = [(ln, i - len(before)) for i, ln in enumerate(before)] + [(ln, i + 1) for i, ln in enumerate(after)]
    records = [r for ln, place in lines if ln.strip() and ln[:1] not in " \t" and (r := _record(ln, place)) is not None
               and abs((r.at[0] - err.at[0]).total_seconds()) <= WINDOW]
    own = [r for r in records if _same_actor(r, err) and r.at <= err.at]
    objects = set(said).union(*(r.tokens for r in own)) - {err.logger}
    others: dict[tuple[str, ...], list[_Record]] = {}
    for r in records:
        if not _same_actor(r, err) and any(r.actor):  # a record with neither tag nor logger is nobody's
            others.setdefault(r.actor, []).append(r)
    for recs in others.values():
        named = [(r, o) for r in recs for o in sorted(r.tokens & objects)]
        if not named or not any(_wrote(r) for r, _ in named):
            continue
        obj = named[0][1]
        # a tagged actor's records are one operation (its request, handler, job): all of them span it; a logger's
        # records are many operations, so only those naming the object count
        theirs = sorted(recs if recs[0].actor != (recs[0].logger,) else [r for r, o in named if o == obj],
                        key=lambda r: r.at)
        mine = [*(own if err.actor != (err.logger,) else [r for r in own if obj in r.tokens]), err]
        start, end = min(r.at for r in mine), err.at
        if theirs[0].at > end or theirs[-1].at < start:
            continue  # no overlap: their write ended before ours began, or began after our failure
        if not any(_wrote(r) for r in theirs):
            continue
        said_by = [r.line for r in theirs]
        noun = _noun(obj, [*before, head, *after])
        who = " ".join(theirs[0].actor)
        quoted = "; ".join(f'"{one_line(ln, 200)}"' for ln in dict.fromkeys((said_by[0], said_by[-1])))
        return d.reanswered(
            category="concurrency", severity=d.severity if d.severity in ("low", "medium") else "medium",
            confidence=min(CONFIDENCE, lent(d, inp)), rule=f"{d.rule}+overlapping-write",
            summary=f"A race on the same {noun} ({obj}): another actor ({who}) was writing it while this operation "
                    f"used it - the failure is the overlap of two actors, not a broken {noun}",
            root_cause=(f"Another actor's records of the same {noun} ({obj}) overlap this failure in time: {quoted}. "
                        f"By that record's kind, {_meaning(said_by)}. The two operations on one {noun} ran at once "
                        f"without a lock or an ordering between them (a check or read, then the other's write)."),
            suggested_fix=[f"Serialise the operations on one {noun} (a per-{noun} lock or queue), or make the reader "
                           f"wait for the writer's end (read after commit, write to a temporary name and rename "
                           f"atomically, publish the job after the commit)."],
            evidence=list(dict.fromkeys((said_by[0], said_by[-1]))))
    return d
