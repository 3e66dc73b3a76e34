"""Two actors on one resource at once: a refusal whose documented meaning is "another holder changed or holds it" is
concurrency when the records show the other actor (round 15, the class behind held-out 13/14's concurrency misses).

The class, by the deciding fact's KIND (evals/RESULTS.md "Round 15", i17): the error is one whose library or kernel
documentation says the resource was not in the state the caller assumed because something else acted on it, and
the records show WHO - another request, process, pod, job run, worker or thread - acting on the same resource at the
same moment. Without that second actor the same refusal is our code's (a create that never checks, a single-threaded
loop mutating its own dict) or the service's (a constraint), and the earlier answer stands.

Refusal kinds and their sources (the meaning is the documented one, never the wording alone):
- exists: errno EEXIST "File exists" (open(2) O_CREAT|O_EXCL, mkdir(2); Python FileExistsError, os.makedirs without
  exist_ok), SQLSTATE 23505 unique_violation (PostgreSQL Appendix A; psycopg.errors.UniqueViolation), HTTP 409
  Conflict (RFC 9110 §15.5.10: "a conflict with the current state of the target resource"; storage-api's Duplicate,
  Kubernetes' "the object has been modified" - apimachinery StatusReasonConflict on a stale resourceVersion);
- busy: errno ETXTBSY "Text file busy" (open(2): write access to an executable image being executed), EBUSY;
- held: a lock another holder has - PostgreSQL 55P03 lock_not_available (NOWAIT / lock_timeout), pg_try_advisory_lock
  returning false ("could not obtain advisory lock"), redis-py LockError "Unable to acquire lock" (redis/lock.py),
  filelock's Timeout "The file lock '...' could not be acquired", errno EAGAIN/EWOULDBLOCK from flock(LOCK_NB);
- mutated: CPython's iterator guards - "dictionary changed size during iteration" (Objects/dictobject.c), "Set changed
  size during iteration" (setobject.c), "deque mutated during iteration" (Modules/_collectionsmodule.c), "OrderedDict
  mutated during iteration" (odictobject.c).

The LINK to the other actor (one is enough):
- the refusal itself names another holder ("held by pid 48211", "locked by worker-3") that is not the failing actor;
- a record of ANOTHER actor (a different id of the same kind: [req:..], pid, pod, run, job, worker, thread; where no
  id tells them apart, another component's logger - a controller patching the object) acting on a resource the
  refusal names (a quoted name, a path or its parent, a dotted/underscored identifier), within
  WINDOW (a held lock: any time before, unless that actor released it first);
- the failing actor's own earlier record and another actor's record are the SAME step (same logger, same message
  once ids and figures are masked) within STEP_WINDOW of each other: both checked, both acted (check-then-act);
- mutated: the refusal runs on a named thread (threading's name in the record) and another component's record sits
  within a second before it: the dict was changed from the other thread (a single-threaded loop mutating its own
  dict names no thread: code stands).
Twins that must NOT change: a holder 'idle in transaction' (stuck, no competitor: our code never ends its
transaction), the same actor only (one request retrying its own insert), another actor on another
resource doing another step, a refusal already read as config or provider (a setting or an outage decided it).
0.45: two records tied by a name or a step, never confident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .model import Diagnosis, DiagnosisInput
from .record_time import STAMP, record_time
from .setting_lines import CONTEXT, LINE

CONFIDENCE = 0.45
WINDOW = 60.0  # seconds between the other actor's act and the refusal
STEP_WINDOW = 5.0  # seconds between the two actors' same step
_AFTER = 12  # later records read for the other actor's act (the race's winner logs its success just after)
_READS = frozenset({"code", "storage", "unknown", "capacity", "network"})

# The 'held' refusal: a lock another holder has. ONE grammar, read here (who holds it: another actor - a race) and by
# stuck_holder.py (a holder idle in transaction - our unended transaction): PostgreSQL 55P03 lock_not_available
# (heapam.c "could not obtain lock on row in relation", lmgr's NOWAIT, postgres.c "canceling statement due to lock
# timeout"), pg_try_advisory_lock's false, redis-py LockError "Unable to acquire lock", filelock's Timeout "could not
# be acquired", python-redis-lock AlreadyLocked, EAGAIN from flock(LOCK_NB), and a try-lock's False reported in our
# own words (redis-py Lock.acquire(blocking=False), pg_try_advisory_lock: "job N already claimed", "already locked by
# worker-2" - round 18, gen c11-E1's advisory form)
# contention's own reading quotes the refusal where it names the claimed thing or its holder ('job 5521 already
# claimed', 'already locked by worker-2'); stuck_holder's also takes the bare words and a lock timeout, since its
# deciding fact is the holder's record, not the refusal's words
HELD_BY_ANOTHER = re.compile(r"could not obtain (?:an? )?(?:advisory |exclusive |shared |row |table )?lock|"
                             r"\block not available\b|LockNotAvailable|\b55P03\b|Unable to acquire lock|"
                             r"could not be acquired|AlreadyLocked|\block(?:ed)? (?:is )?held by\b|"
                             r"\[Errno 11\] Resource temporarily unavailable|\balready (?:claimed|locked) by\b|"
                             r"\b(?:job|task|lock|row|item) [\w.:-]+ already (?:claimed|locked)\b", re.I)
HELD = re.compile(rf"{HELD_BY_ANOTHER.pattern}|\balready (?:claimed|locked)\b|\block timeout", re.I)
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("mutated", re.compile(r"\b(?:dictionary|set|OrderedDict|dictionary keys) changed size during iteration|"
                           r"\b(?:deque|OrderedDict) mutated during iteration", re.I)),
    ("held", HELD_BY_ANOTHER),
    ("busy", re.compile(r"\[Errno 26\]|Text file busy|\bETXTBSY\b|\[Errno 16\]|Device or resource busy|\bEBUSY\b")),
    ("exists", re.compile(r"FileExistsError|\[Errno 17\]|\bEEXIST\b|UniqueViolation|\b23505\b|duplicate key value|"
                          r"\balready exists\b|\b409\b[^\n]{0,200}\b(?:Duplicate|Conflict)\b|"
                          r"the object has been modified", re.I)),
)
# an actor's id in a record: the gateway's [req:..] and request_id=, a process (pid=, logger[pid=N]), a pod, a job run,
# a worker, a thread, a bracketed instance name ([worker-1], [gateway-2]); "by pid N" names ANOTHER holder, not the record's actor (read by _HOLDER)
_ACTOR = re.compile(
    r"\[req:(?P<req>[\w-]{3,64})\]|\b(?:request|req)[_ -]?id['\"]?\s*[=:]\s*['\"]?(?P<req2>[\w-]{4,64})|"
    r"(?<!by )\bpid['\"]?\s*[=:]\s*(?P<pid>\d{1,8})\b|\[(?P<pid2>\d{1,8})\]:|"
    r"\[(?P<k>pod|run|job|worker|task|thread|replica|instance)[: =](?P<v>[\w.:-]{1,64})\]|"
    r"\((?P<k2>thread|worker|pod) (?P<v2>[\w.:-]{1,64})\)|"
    r"(?<![\w.])(?P<k3>pod|worker|thread|replica|run|job)[=:](?P<v3>[\w.:-]{1,64})|"
    r"\[(?P<inst>[A-Za-z][\w.]*(?:-[A-Za-z0-9.]+)*-\d{1,4})\]", re.I)
_HOLDER = re.compile(r"\b(?:held|owned|locked|taken|obtained) by (?:(?P<k>pid|pod|worker|run|job|thread|process|"
                     r"request|req) )?['\"]?(?P<v>[\w.:-]{1,64})", re.I)
_THREAD = re.compile(r"\bthread[ =:]+['\"]?(?P<t>[\w.:-]{2,64})|\b(?P<n>Thread-\d+)\b|\bthreadName\W+(?P<j>[\w.-]+)",
                     re.I)
# acting on a resource: the verbs of a holder or a writer (a record that only mentions the name is no act)
_ACT = re.compile(r"\b(?:took|taken|acquired?|holds?|holding|locked|claim(?:ed|ing|s)?|created?|creating|wrote|writ(?:e|ing)|written|"
                  r"insert(?:ed|ing)?|updat(?:ed|ing)|patch(?:ed|ing)|replac(?:ed|ing)|modif(?:ied|ying)|stored|"
                  r"upload(?:ed|ing)|install(?:ed|ing)|mov(?:ed|ing)|renam(?:ed|ing)|spool(?:ed|ing)|start(?:ed|ing)?|"
                  r"running|deleted?|deleting)\b", re.I)
# pg_stat_activity's state for a backend inside a transaction but running no query (PostgreSQL "Monitoring Database
# Activity"): a holder that is stuck, not a competitor - the transaction our code never ends (CLASSES11 E1's twin)
_STUCK = re.compile(r"\bidle in transaction\b", re.I)
_RELEASE = re.compile(r"\b(?:releas(?:ed|ing)|unlock(?:ed|ing)|dropped) (?:the )?(?:\w+ )?lock\b", re.I)
_QUOTED = re.compile(r"""['"]([^'"\n]{3,200})['"]""")
_PATH = re.compile(r"(?<![\w:/])(/[\w.@+-]+(?:/[\w.@+-]+)+)")
_NAME = re.compile(r"(?<![\w./-])([A-Za-z][\w]*(?:[_./:-][\w]+)+)(?![\w/-])")
# the name a lock refusal gives its lock ("could not obtain advisory lock usage_compaction", "lock 'jobs:nightly'")
_LOCK_NAME = re.compile(r"\block\s+['\"]?([A-Za-z][\w.:/-]{2,127}?)['\"]?(?=[\s,;)]|$)")
_THING = re.compile(r"[A-Za-z][\w]*(?:[-_./:][\w]+)+|[A-Za-z]+\d[\w]*")
_HEADER = re.compile(r"^\S+ \S+ (?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL) (?P<logger>[\w.-]+)")
_FIGURE = re.compile(r"\S*\d\S*")
_COMMON = frozenset({"utf-8", "http://", "site-packages", "asyncio.tasks", "Traceback"})


@dataclass(frozen=True, slots=True)
class _Record:
    line: str
    actors: dict[str, str]
    at: datetime | None
    logger: str | None


def _actors(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ACTOR.finditer(text[:LINE]):
        g = m.groupdict()
        if g["req"] or g["req2"]:
            kind, value = "req", g["req"] or g["req2"]
        elif g["pid"] or g["pid2"]:
            kind, value = "pid", g["pid"] or g["pid2"]
        elif g["inst"]:  # a bracketed instance name ending in its ordinal: [worker-1], [exai-mcp-daemon-2]
            kind, value = "instance", g["inst"]
        else:
            kind = (g["k"] or g["k2"] or g["k3"] or "").lower()
            value = g["v"] or g["v2"] or g["v3"] or ""
        out.setdefault(kind, value)
    return out


def _record(line: str) -> _Record:
    h = _HEADER.match(line)
    return _Record(line[:LINE], _actors(line), record_time(line), None if h is None else h.group("logger"))


_NOUN = {"req": "request", "pid": "process", "pod": "replica", "run": "run", "job": "job", "worker": "worker",
         "task": "task", "thread": "thread", "replica": "replica", "instance": "instance"}


def _other(a: dict[str, str], b: dict[str, str]) -> str | None:
    """The kind on which `b` is ANOTHER actor than `a` (same kind, different id); None when they cannot be told apart."""
    return next((k for k in a if k in b and a[k] != b[k]), None)


def _resources(text: str) -> set[str]:
    # a quoted name counts when it looks like a thing's name (a separator or a digit in it: 'gateway-rollout',
    # 'usage_compaction'), not a word of a JSON body ("message", "status") or of prose
    names = {q for q in _QUOTED.findall(text) if _THING.fullmatch(q)} | set(_PATH.findall(text))
    names |= {n for n in _NAME.findall(text) if len(n) >= 5 and n not in _COMMON and not n[0].isupper()}
    names |= set(_LOCK_NAME.findall(text))
    return {n for n in names if len(n) >= 3}


def _names(resources: set[str], line: str) -> str | None:
    """The refused resource `line` names: the same name as a whole token, or a path inside it."""
    for r in sorted(resources, key=len, reverse=True):
        if re.search(rf"(?<![\w-]){re.escape(r)}(?![\w-])", line):
            return r
        # a path INSIDE the refused one (the other actor wrote into the directory we failed to create); a parent
        # (/tmp, /var/spool) names every path under it and links nothing
        if r.startswith("/") and any(p.startswith(r + "/") for p in _PATH.findall(line)):
            return r
    return None


def _objects(step: str) -> set[str]:
    """The specific things a step's record names (a key, a path, a file, a day=...): when the refusal names none of
    them, two actors' steps naming the SAME one are on one resource (the equivalent of naming the refused one)."""
    text = STAMP.sub(" ", step)
    return set(_THING.findall(text)) | set(_PATH.findall(text)) | {t for t in _FIGURE.findall(text) if len(t) >= 6}


def _step(rec: _Record) -> str:
    text = _ACTOR.sub(" ", rec.line)
    stamp = STAMP.search(text)
    text = text if stamp is None else text[stamp.end():]
    return " ".join(_FIGURE.sub("#", text).split())


def _seconds(a: datetime | None, b: datetime | None) -> float | None:
    return None if a is None or b is None else abs((a - b).total_seconds())


def _changed(d: Diagnosis, kind: str, refusal: str, other: str, how: str) -> Diagnosis:
    fix = {"exists": "Make the create atomic and idempotent: os.makedirs(..., exist_ok=True), open with O_EXCL and "
                     "treat EEXIST as 'done', INSERT ... ON CONFLICT DO NOTHING, upsert, or re-read and retry on 409.",
           "busy": "Install to a temporary name and rename it into place (atomic), under a lock shared by the "
                   "installers; never write over a binary another process may be executing.",
           "held": "Serialise the runs (a single scheduler, Kubernetes concurrencyPolicy: Forbid, a leader) or make "
                   "the loser wait/skip on purpose; check why the holder runs longer than the interval.",
           "mutated": "Iterate over a snapshot taken under a lock (list(d.items()) inside the lock the writer takes), "
                      "or hand the update to the thread that reads."}[kind]
    return d.reanswered(
        category="concurrency", severity=d.severity if d.severity in ("low", "medium") else "medium",
        confidence=CONFIDENCE, rule=f"{d.rule}+contention",
        summary=f"A race: {how}, so '{refusal}' is the loser of two actors on one resource, not a fault of the "
                   f"resource",
        root_cause=(f"The refusal's documented meaning is that another holder changed or holds the resource "
                       f"({kind}); the records show that other actor: \"{other[:300]}\". Two actors checked and acted "
                       f"on the same resource at the same moment (check-then-act without an atomic step or a lock): "
                       f"a race, not a broken resource or a wrong setting."),
        suggested_fix=[fix],
        evidence=[refusal, other[:LINE]])


def contention_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or concurrency when the records show another actor on the resource the refusal names (module docstring)."""
    if d.category not in _READS:
        return d
    said = "\n".join([*inp.messages(), inp.traceback[-8192:]])
    found = next(((k, m) for k, p in _KINDS if (m := p.search(said)) is not None), None)
    if found is None:
        return d
    kind, m = found
    refusal = m.group(0)
    head = inp.traceback.lstrip().split("\n", 1)[0] if inp.traceback.strip() else inp.message
    err = _record(head)
    ours = err.actors or _actors(said)
    holder = _HOLDER.search(said)
    if kind in ("held", "busy") and holder is not None and holder.group("v") not in ours.values():
        return _changed(d, kind, refusal, holder.group(0), f"another holder has it ({holder.group(0)})")
    before = [_record(ln) for ln in inp.context[-CONTEXT:] if ln.strip() and ln[:1] not in " \t"]
    after = [_record(ln) for ln in inp.after[:_AFTER] if ln.strip() and ln[:1] not in " \t"]
    if kind == "mutated":
        thread = _THREAD.search(said)
        near = next((r for r in reversed(before) if r.logger != err.logger
                     and (s := _seconds(r.at, err.at)) is not None and s <= 1.0), None)
        if thread is None or near is None:
            return d
        name = thread.group("t") or thread.group("n") or thread.group("j")
        return _changed(d, kind, refusal, near.line, f"thread {name} iterated while another thread changed it")
    loggers = {r.logger for r in (err, *before, *after)} | {inp.logger}
    resources = _resources("\n".join(inp.messages())) - loggers
    released = {(k, v) for r in before for k, v in r.actors.items() if _RELEASE.search(r.line)}
    later = {id(r) for r in after}
    for r in [*reversed(before), *after]:
        theirs = _other(ours, r.actors) if ours else None
        actor = r.actors.get(theirs, "") if theirs else ""
        if theirs is None and r.logger and err.logger and r.logger != err.logger and not set(ours) & set(r.actors):
            # no id tells the actors apart: another COMPONENT (a controller, an operator, another service's logger)
            # acting on the same named object is the other actor (a Kubernetes controller's patch before our replace)
            theirs, actor = "component", r.logger
        if theirs is None or (theirs, actor) in released or not _ACT.search(r.line):
            continue
        if kind == "held" and _STUCK.search(r.line):  # the holder does no work: a transaction never ended (code)
            continue
        gap = _seconds(r.at, err.at)
        # a held lock: its holder took it any time BEFORE our refusal; after it, only within WINDOW (a worker that takes
        # the lock hours later did not hold it against us)
        if (kind != "held" or id(r) in later) and (gap is None or gap > WINDOW):
            continue
        name = _names(resources, _HEADER.sub("", r.line))
        if name is not None:
            return _changed(d, kind, refusal, r.line,
                            f"another {_NOUN.get(theirs, theirs)} ({actor}) acted on {name} at the same "
                            f"time as ours ({ours.get(theirs, err.logger)})")
    # the same step by two actors: the failing actor's own earlier record and another's, both before the refusal
    mine = [r for r in before if r.logger == err.logger and ours and all(r.actors.get(k) == v for k, v in ours.items())
            and _other(ours, r.actors) is None and r.actors]
    for own in mine:
        step = _ACTOR.sub(" ", _HEADER.sub("", own.line))
        named = _names(resources, step) is not None
        objects = set() if named else _objects(step)
        if not named and not objects:
            continue  # a generic step ("handling upload") two requests log every busy second links nothing (r15)
        twin = next((r for r in before if r is not own and r.logger == err.logger and _other(ours, r.actors)
                     and _step(r) == _step(own) and (named or objects <= _objects(_ACTOR.sub(" ", r.line))) and (s := _seconds(r.at, own.at)) is not None and s <= STEP_WINDOW
                     and (g := _seconds(r.at, err.at)) is not None and g <= WINDOW), None)
        if twin is not None:
            k = _other(ours, twin.actors) or "actor"
            return _changed(d, kind, refusal, twin.line,
                            f"both {_NOUN.get(k, k)}s ran the same step at the same moment ({twin.actors[k]} and "
                            f"{ours[k]})")
    return d
