"""A symptom whose cause the records before it show: a pool or connect timeout after every attempt failed for a reason.

psycopg_pool's PoolTimeout ("couldn't get a connection after 8.00 sec") is capacity when every connection is busy,
and a credential when the pool is empty because every background connect fails ("password authentication failed",
logged by psycopg.pool as a WARNING each time). The record alone is the symptom; the same process's WARNING/ERROR
records just before it carry the persistent cause. Only a persistent reading (config, by the doctrine: it fails
every time until a person changes it) of an earlier record replaces a transient or capacity symptom, and only
when that record repeats or concerns the same remote - one unrelated warning does not explain a timeout.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from .excerpt import excerpt_to_input
from .model import Diagnosis, DiagnosisInput, one_line
from .record_time import record_time
from .situation import situation

LINE = 2048
LOOK_BACK = 5  # distinct earlier warning/error records read
_SYMPTOMS = re.compile(r"timeout|pool|connect|catch-all|unavailable")
_LEVEL = re.compile(r"^\S+[ T]\S+\s+(?:WARNING|WARN|ERROR|CRITICAL)\s")
EXPLAINS = 0.45  # the earlier record's own answer must be at least this sure


# words of a logger or exception path that name no component (the gateway's package root, generic layers)
_NO_COMPONENT = frozenset({"src", "app", "main", "gateway", "daemon", "core", "lib", "utils", "errors", "exceptions",
                           "error", "builtins", "root", "uncaught"})


def _component(inp: DiagnosisInput) -> set[str]:
    """The component words of a record: its logger's and its exception class's dotted path ("psycopg.pool" and
    "psycopg_pool.PoolTimeout" share "psycopg"). A repeated warning explains a symptom only when it concerns the
    same component: two "Invalid KIMI_TEMPERATURE" warnings do not explain a database pool timeout (review r7)."""
    path = f"{inp.logger or ''}.{inp.exception_type or ''}".lower()
    return {w for w in re.split(r"[._:\s]+", path) if len(w) >= 2} - _NO_COMPONENT


def preceding_cause(d: Diagnosis, inp: DiagnosisInput, diagnose: Callable[[DiagnosisInput], Diagnosis]) -> Diagnosis:
    """`d`, or the persistent cause an earlier record of the excerpt shows for the symptom `d` describes."""
    if d.category not in ("capacity", "network", "storage", "unknown") or not _SYMPTOMS.search(d.rule or ""):
        return d
    lines = [c[:LINE] for c in inp.context if _LEVEL.match(c)]
    if not lines:
        return d
    # the same failure logged many times differs only in its time stamp
    seen = Counter(_LEVEL.sub("", ln) for ln in lines)
    remote = situation(inp).remote
    for line in list(dict.fromkeys(reversed(lines)))[:LOOK_BACK]:
        try:
            earlier_input = excerpt_to_input(line)
        except ValueError:
            continue
        earlier = diagnose(earlier_input)
        if earlier.category != "config" or earlier.confidence < EXPLAINS:
            continue
        same_remote = remote is not None and situation(earlier_input).remote == remote
        if not same_remote and (seen[_LEVEL.sub("", line)] < 2 or not _component(inp) & _component(earlier_input)):
            continue
        times = seen[_LEVEL.sub("", line)]
        return d.reanswered(
            category="config", confidence=min(earlier.confidence, 0.5), rule=f"{d.rule}+preceding:{earlier.rule}",
            severity=earlier.severity, summary=f"{earlier.summary} - behind {inp.exception_type or 'this failure'}",
            root_cause=(f"This record is the symptom ({one_line(d.summary, 140)}); the record before it "
                           f"{'repeated ' + str(times) + ' times ' if times > 1 else ''}shows the cause: "
                           f"\"{one_line(earlier_input.message, 240)}\". {earlier.root_cause}"),
            suggested_fix=earlier.suggested_fix,
            evidence=[*earlier.evidence[:2]])
    return d


_PATH = re.compile(r"(?<![\w:/.])/(?:[\w.-]{1,60}/){1,12}[\w.-]{1,120}")
_WROTE = re.compile(r"\b(?:writ(?:e|ing)|wrote|sav(?:e|ing)|flush(?:ing)?|stag(?:e|ing)|copy(?:ing)?)\b", re.I)
# a download/fetch of the file that ended early (the body cut: "ended early", "got N of M bytes", "incomplete"): the
# file on disk is the truncated body; the record names the file by its URL, so its NAME (with an extension) ties them
_FETCHED = re.compile(r"\b(?:download\w*|fetch\w*)\b[^\n]{0,300}\b(?:ended early|cut short|incomplete|truncated|got \d+ of "
                      r"\d+ bytes|\d+ of \d+ bytes)", re.I)
_FILE_NAME = re.compile(r"^[\w-][\w.-]{1,100}\.[A-Za-z0-9]{1,8}$")


def same_file_cause(d: Diagnosis, inp: DiagnosisInput, diagnose: Callable[[DiagnosisInput], Diagnosis]) -> Diagnosis:
    """`d`, or the cause of an earlier failed WRITE of the very file this error could not read: a truncated archive or
    a half-written cache file of ours after "No space left on device" is that capacity failure's consequence (CLASSES8
    H1's twin), not the user's data nor a code bug; likewise our DOWNLOAD of that file that ended early (CLASSES9 U4's
    twin: the path's transient failure left a truncated file - network)."""
    if d.category not in ("unknown", "code"):
        return d
    said = " ".join(m[:LINE] for m in inp.messages())
    paths = {p.rstrip(".,:;") for p in _PATH.findall(said)}
    if not paths:
        return d
    names = {n for p in paths if _FILE_NAME.match(n := p.rsplit("/", 1)[-1])}
    for line in reversed([c[:LINE] for c in inp.context[-20:] if _LEVEL.match(c)]):
        fetched = _FETCHED.search(line) is not None and any(re.search(rf"/{re.escape(n)}\b", line) for n in names)
        if not fetched and (not _WROTE.search(line) or not any(p in line for p in paths)):
            continue
        try:
            earlier = diagnose(excerpt_to_input(line))
        except ValueError:
            continue
        if earlier.category not in ("capacity", "storage", "config", *(("network",) if fetched else ())):
            continue
        return d.reanswered(
            category=earlier.category, severity=earlier.severity, confidence=min(earlier.confidence, 0.45),
            rule=f"{d.rule}+preceding-write:{earlier.rule}",
            summary=f"{earlier.summary} - the file {'fetched' if fetched else 'written'} then is the one that fails now",
            root_cause=(f"This record is the consequence ({one_line(d.summary, 140)}): an earlier "
                           f"{'download' if fetched else 'write'} of the same file failed (\"{one_line(line, 240)}\"), "
                           f"leaving it incomplete. {earlier.root_cause}"),
            suggested_fix=[*earlier.suggested_fix, "Delete or rebuild the incomplete file once the cause is fixed."],
            evidence=[line.strip()])
    return d


# the gateway's "[req:ID]" and the common key=value spellings of a request id
_REQ = re.compile(r"\[req:(?P<id>[\w-]{4,64})\]|\b(?:request|req)[_-]?id[=:]\s*['\"]?(?P<kv>[\w-]{4,64})", re.I)
WRAPPED_WITHIN = timedelta(seconds=60)  # a wrapper reports the failure it just caught: seconds, not an hour



def _req_id(m: re.Match[str] | None) -> str | None:
    return None if m is None else (m.group("id") or m.group("kv"))
_HEADER_LINE = re.compile(r"^\S+[ T]\S+\s+[A-Z]+\s+\S+:")
WRAPPER_MAX = 0.4  # the wrapper's own answer is no surer than the gateway-code/catch-all level


def wrapped_cause(d: Diagnosis, inp: DiagnosisInput, diagnose: Callable[[DiagnosisInput], Diagnosis]) -> Diagnosis:
    """`d`, or the answer of the ERROR record (with its traceback) just before a wrapper record whose own text does not
    say why ("[req:..] [PROVIDER_ERROR] chat failed after 3 attempts" after the SDK's retries and the provider's 503:
    held-out 7's 7001). The earlier record must be the nearest error record and, when both name a request, the same
    request; its answer must be surer than the wrapper's."""
    if d.confidence > WRAPPER_MAX or "Traceback" in inp.traceback or not inp.context:
        return d
    lines = [c[:LINE] for c in inp.context[-60:]]
    start = next((i for i in range(len(lines) - 1, -1, -1) if _LEVEL.match(lines[i])), None)
    if start is None:
        return d
    block = lines[start:]
    if not block[1:] or any(_HEADER_LINE.match(ln) for ln in block[1:]):
        # a one-line earlier record (preceding_cause reads those), or other records logged between it and the
        # wrapper: the error is not the one the wrapper reports (review r8: a Redis refusal an hour earlier)
        return d
    then, now = record_time(block[0]), record_time(inp.traceback.lstrip()[:40] or inp.message)
    if then is not None and now is not None and now - then > WRAPPED_WITHIN:
        return d  # (a wrapper stamped before its error is two clocks in one excerpt, not evidence against it)
    ours, theirs = _REQ.search(inp.message), _REQ.search("\n".join(block[:1] + [c for c in lines[:start][-6:]]))
    if ours is not None and theirs is not None and _req_id(ours) != _req_id(theirs):
        return d
    try:
        earlier = diagnose(excerpt_to_input("\n".join(block)))
    except ValueError:
        return d
    if earlier.category == "unknown" or earlier.confidence <= d.confidence:
        return d
    return earlier.model_copy(update={
        "confidence": min(earlier.confidence, 0.5), "rule": f"{d.rule}+wrapped:{earlier.rule}",
        "root_cause": (f"This record wraps the failure logged just before it ({one_line(inp.message, 140)}); that "
                       f"record says why: {earlier.root_cause}"),
        "evidence": list(dict.fromkeys([*earlier.evidence[:3], *d.evidence]))})


# asyncio base_events._run_once in debug mode: "Executing <Handle|Task ...> took 12.302 seconds" (slow_callback_duration)
_SLOW_CALLBACK = re.compile(r"Executing <(?:Task|Handle|TimerHandle)\b[^\n]{0,400}> took (?P<s>\d+(?:\.\d+)?) seconds")
BLOCKED_MIN_SECONDS = 1.0


def blocked_loop_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or code when a timeout follows asyncio's own slow-callback warning: one of our callbacks held the event loop
    for seconds, so the handshake/reply could not be processed in time (CLASSES8 B3's twin) - the remote is not shown
    slow."""
    if d.category not in ("network", "provider", "storage") or "timeout" not in (d.rule or ""):
        return d
    slow = [m for c in inp.context[-20:] if (m := _SLOW_CALLBACK.search(c[:LINE])) is not None]
    worst = max(slow, key=lambda m: float(m.group("s")), default=None)
    if worst is None or float(worst.group("s")) < BLOCKED_MIN_SECONDS:
        return d
    return d.reanswered(
        category="code", confidence=min(d.confidence, 0.45), rule=f"{d.rule}+blocked-loop",
        summary=f"The event loop was blocked for {worst.group('s')} s by one of our callbacks, then the call timed out",
        root_cause=(f"asyncio reported a callback of ours holding the event loop for {worst.group('s')} seconds "
                       f"(\"{one_line(worst.group(0), 200)}\") just before this timeout: while it ran, no I/O was "
                       "processed, so the answer could not be read in time. A synchronous call on the loop (file I/O, "
                       "a blocking client, CPU work) in the gateway's code, not the remote being slow."),
        suggested_fix=["Move the blocking work the warning names off the loop (asyncio.to_thread / run_in_executor) "
                          "or make it async.", "Keep asyncio debug's slow-callback warnings on to find the next one."],
        evidence=[worst.group(0)[:240]])


# a traceback's last line: a (dotted) class name, then its message (psycopg.errors.UndefinedFile, ssl.SSLEOFError...)
_EXC_LINE = re.compile(r"^(?P<type>(?:[a-z_]\w{0,40}\.){0,6}[A-Z]\w{1,80}): (?P<msg>.{24,400})$", re.M)
REPEAT_MAX = 0.5  # the same failure read from its earlier occurrence: no surer than a wrapper's reading


def repeated_cause(d: Diagnosis, inp: DiagnosisInput, diagnose: Callable[[DiagnosisInput], Diagnosis]) -> Diagnosis:
    """`d`, or the answer of an earlier record WITH a traceback whose exception message (24+ characters) this
    traceback-less record quotes verbatim: the same failure logged again without its traceback (a later request
    hitting the same broken block, a retry summary). Unlike wrapped_cause it needs no same request and no adjacency:
    the quoted library/server text ties them (held-out 8's 8016: a psycopg DataCorrupted traceback, then 'lookup
    failed: could not read block 30 in file ...' 40 s later for another request)."""
    if d.confidence > WRAPPER_MAX or "Traceback" in inp.traceback or not inp.context:
        return d
    lines = [c[:LINE] for c in inp.context[-60:]]
    text = "\n".join(lines)
    for m in reversed(list(_EXC_LINE.finditer(text))):
        if m.group("msg").strip() not in inp.message:
            continue
        head = text.rfind("Traceback (most recent call last):", 0, m.start())
        start = text.rfind("\n", 0, head - 1) if head > 0 else -1
        if head < 0:
            continue
        try:
            earlier = diagnose(excerpt_to_input(text[start + 1:m.end()]))
        except ValueError:
            return d
        if earlier.category == "unknown" or earlier.confidence <= d.confidence:
            return d
        return earlier.model_copy(update={
            "confidence": min(earlier.confidence, REPEAT_MAX), "rule": f"{d.rule}+repeated:{earlier.rule}",
            "root_cause": (f"This record repeats a failure logged earlier with its traceback ({one_line(m.group(0), 160)}); "
                           f"that record says why: {earlier.root_cause}"),
            "evidence": list(dict.fromkeys([*earlier.evidence[:3], *d.evidence]))})
    return d
