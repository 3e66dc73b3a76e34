"""A lookup that missed an object written moments before: not an expiry, the read did not see the write.

A store's "not found or has expired" (the gateway's conversation store: "Conversation thread 'X' was not found or has
expired. This may happen if the conversation was created more than 3 hours ago...", a cache's missing key, a row a
select did not return) reads as the object's TTL or a restart (storage) - the words of the message. The situation can
say otherwise: an earlier record of the same excerpt shows the SAME object id created/written a few seconds before
the miss, far inside any TTL the message names. Then the object existed and the read did not see it:
- reads routed elsewhere than the write - a setting record names a read URL or replica for that data
  (`DATABASE_READ_URL=...`, "reads: conversation" on a replica host): the replica's lag, which the routing SETTING
  exposes to read-after-write: config (held-out 12's 12011);
- otherwise the read ran before the write was visible - a transaction still open, a commit after the miss, another
  connection: a race between the writer and the reader: concurrency (held-out 11's 11010).
Twins that must NOT change: the id created longer ago than FRESH (the TTL's reading stands), no record of the id
being written (nothing says it existed), another id written moments before (the write was of something else), a
record of that write FAILING (a WARNING/ERROR record or a failure word: the object never existed - review r13).
"""

from __future__ import annotations

import re

from ..ingest.formats import TextDialect
from .model import Diagnosis, DiagnosisInput, one_line
from .record_time import record_time
from .recovered import FAILURE_WORDS

CONFIDENCE = 0.45  # an inference from two records of one excerpt, never confident
FRESH_SECONDS = 60.0  # a write this recent is inside every TTL a store names (minutes to hours)

_MISS = re.compile(r"\b(?:not found|has expired|does not exist|no such (?:key|row|thread|conversation)|missing)\b", re.I)
_ID = re.compile(r"""['"](?P<q>[0-9a-f][0-9a-f-]{5,63})['"]|\b(?P<u>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"""
                 r"""[0-9a-f]{12})\b""", re.I)
_WRITE = re.compile(r"\b(?:creat(?:ed|ing)|insert(?:ed|ing)|sav(?:ed|ing)|stor(?:ed|ing)|wr(?:ote|itten|iting)|"
                    r"persist(?:ed|ing)|upsert(?:ed|ing))\b", re.I)
# the writing record's own level (the gateway's header): a WARNING/ERROR record of the write is its failure
# a setting record routing reads to a replica: READ_URL/REPLICA names, or a replica host in a key=value setting
_READ_ROUTE = re.compile(r"\b[A-Z][A-Z0-9_]*(?:READ|REPLICA)[A-Z0-9_]*(?:URL|HOST|DSN)\s*=|"
                         r"\b\w*replica\w*\b[^\n]{0,80}\breads?\b|\breads?\b[^\n]{0,80}\breplica", re.I)


_DIALECT = TextDialect()  # the ingest stage's header grammar (every format it reads), not a regex of our own
FAILED_LEVELS = frozenset({"WARNING", "ERROR", "CRITICAL", "FATAL"})


def _failed_level(line: str) -> bool:
    header = _DIALECT.parse_header(line[:2048])
    return header is not None and header.level in FAILED_LEVELS


def _wrote(line: str) -> bool:
    """A record of a write that happened: a write verb, and neither a failure level nor a failure word (recovered.py's:
    'error creating X', 'failed saving X', 'gave up writing X' show the object never existed - review r13)."""
    return bool(_WRITE.search(line)) and not _failed_level(line) and not FAILURE_WORDS.search(line)


def _object_id(text: str) -> str | None:
    m = _ID.search(text)
    return None if m is None else (m["q"] or m["u"])


def unseen_write_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d` unless it reads a miss as the store's (storage) and the excerpt shows that id written moments before."""
    if d.category != "storage" or not _MISS.search(inp.message):
        return d
    oid = _object_id(inp.message)
    when = record_time(inp.traceback)
    if oid is None or when is None:
        return d
    found = next(((line, t) for line in reversed(inp.context)
                  if oid in line and _wrote(line.replace(oid, "")) and (t := record_time(line)) is not None
                  and 0 <= (when - t).total_seconds() <= FRESH_SECONDS), None)
    if found is None:
        return d
    written, at = found
    ago = (when - at).total_seconds()
    route = next((line for line in inp.context if _READ_ROUTE.search(line) and "=" in line), None)
    seen = f"'{oid}' was written {ago:.1f} s before this miss ({one_line(written, 160)})"
    if route is not None:
        return d.reanswered(
            category="config", confidence=CONFIDENCE, rule=f"{d.rule}+unseen-write",
            summary=one_line(f"A read missed an object written {ago:.1f} s before: reads are routed to a replica"),
            root_cause=(f"Not an expiry: {seen}. The reads go to another server than the write - the setting "
                        f"{one_line(route, 200)!r} routes them to a replica, which had not replayed the write yet."),
            suggested_fix=["Read what a request just wrote from the primary (read-your-writes), or route that data's "
                           "reads to the primary in the read-URL setting.",
                           "Watch the replica's replay lag against the time between a write and its first read."],
            evidence=[written, route])
    return d.reanswered(
        category="concurrency", confidence=CONFIDENCE, rule=f"{d.rule}+unseen-write",
        summary=one_line(f"A read missed an object written {ago:.1f} s before: it ran before the write was visible"),
        root_cause=(f"Not an expiry: {seen}. The read ran before the write was visible to it (a transaction not yet "
                    "committed, another connection): a race between the writer and the reader."),
        suggested_fix=["Read after the write has committed (await the commit, or read in the writer's transaction).",
                       "Pass the created object to the next step instead of looking it up again."],
        evidence=[written])
