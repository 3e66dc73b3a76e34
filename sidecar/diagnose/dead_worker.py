"""A wait that timed out, or a watchdog's "stalled" record, because the worker it waited on had DIED (CLASSES9 K2).

A queue's get(timeout=) raising Empty, a future's result(timeout=) or asyncio.wait_for raising TimeoutError, a
Barrier broken, a pool declared broken, or a watchdog record ("writer failed for 60 s - may be stuck") reads alone as
slowness or a concurrency fault. When the party that should have answered died first, its traceback is in the same
log, and ITS cause is the cause (category included: an import error -> code, a port taken -> config):
- `threading.excepthook` prints "Exception in thread NAME:" and the traceback to stderr for a thread whose run()
  raised (Lib/threading.py `excepthook` / `_make_invoke_excepthook`); `_thread.start_new_thread` prints
  "Exception ignored in thread started by: ..." (Python/errors.c `_PyErr_WriteUnraisableMsg`); asyncio logs
  "Task exception was never retrieved" with the task's traceback (Lib/asyncio/futures.py / tasks.py `__del__`,
  base_events.py `default_exception_handler`);
- a worker's own ERROR record with a traceback, logged by the same component just before the watchdog's record.
The dead party must be tied to the symptom: the dead thread's name (or its target's) shares a word with the
symptom's logger or message, or the failed record has the same logger. An unrelated thread's death (another
component) is not the cause (the near-miss twin) and the answer is unchanged. Confidence is the earlier record's,
capped at 0.5 (two records tied by a name, not by a stack). Pure and bounded (the last 60 context lines).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .excerpt import excerpt_to_input
from .model import Diagnosis, DiagnosisInput, one_line
from .setting_lines import LINE

DEAD_MAX = 0.5
EXPLAINS = 0.35  # the dead party's own answer must be surer than the catch-all (0.3): a documented class or rule
LOOK = 60
_SYMPTOM_CLASS = re.compile(r"(?:^|\.)(?:Empty|TimeoutError|BrokenBarrierError|BrokenThreadPool|BrokenProcessPool|"
                            r"BrokenExecutor|CancelledError)$")
_BROKEN = re.compile(r"(?:^|\.)Broken\w*(?:Error|Pool|Executor)$")
_SYMPTOM_WORDS = re.compile(r"\b(?:stuck|stall(?:ed|s)?|stale|timed out|time ?out|no (?:heartbeat|progress|answer|"
                            r"result)|not responding|hung|unresponsive|never answered)\b", re.I)
_DEATH = re.compile(r"^(?:Exception in thread (?P<thread>[^\n:]{1,80}):|Exception ignored in thread started by: "
                    r"(?P<target>[^\n]{1,160})|.*\bTask exception was never retrieved\b.*)$")
_HEADER = re.compile(r"^\S+[ T]\S+\s+(?P<level>[A-Z]+)\s+(?P<logger>[\w.\-]+):")
_TRACEBACK = "Traceback (most recent call last):"
_NOISE = frozenset({"src", "app", "thread", "worker", "task", "main", "daemon", "the", "of", "in", "at", "bound",
                    "method", "function", "object"})


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", text.lower()) if len(w) >= 3} - _NOISE


def _blocks(lines: list[str]) -> list[tuple[int, str, str]]:
    """(start, the words naming the dead party, the block text) of each death or failed record with a traceback."""
    out = []
    for i, ln in enumerate(lines):
        m = _DEATH.match(ln)
        header = _HEADER.match(ln)
        if m is None and (header is None or header.group("level") not in ("ERROR", "CRITICAL")):
            continue
        end = i + 1
        while end < len(lines) and not _HEADER.match(lines[end]) and not _DEATH.match(lines[end]):
            end += 1
        block = lines[i:end]
        if not any(_TRACEBACK in b for b in block):
            continue
        if m is not None:
            name = m.group("thread") or m.group("target") or ""
            out.append((i, name, "\n".join(block if header is not None else block[1:])))
        else:
            assert header is not None
            out.append((i, f"logger:{header.group('logger')}", "\n".join(block)))
    return out


def dead_worker_cause(d: Diagnosis, inp: DiagnosisInput, diagnose: Callable[[DiagnosisInput], Diagnosis]) -> Diagnosis:
    """`d`, or the cause of the worker that died before this wait/watchdog symptom (see the module docstring)."""
    types = inp.exception_types()
    broken = any(_BROKEN.search(t) for t in types)  # a broken barrier/pool read alone as a misuse (code)
    if d.category not in ("capacity", "concurrency", "network", "unknown", *(("code",) if broken else ())) \
            or d.confidence > DEAD_MAX + 0.05:
        return d
    if not any(_SYMPTOM_CLASS.search(t) for t in types) and not _SYMPTOM_WORDS.search(inp.message):
        return d
    lines = [c[:LINE] for c in inp.context[-LOOK:]]
    here = _words(f"{inp.logger or ''} {inp.message}")
    for start, name, block in reversed(_blocks(lines)):
        if name.startswith("logger:"):
            tied = name.removeprefix("logger:") == (inp.logger or "")
        else:
            tied = bool(_words(name) & here)
        if not tied:
            continue
        try:
            earlier = diagnose(excerpt_to_input(block))
        except ValueError:
            continue
        if earlier.category == "unknown" or earlier.confidence < EXPLAINS or earlier.category == d.category:
            return d
        died = (f"thread {name}" if not name.startswith("logger:") else f"the {name.removeprefix('logger:')} worker")
        return earlier.model_copy(update={
            "confidence": min(earlier.confidence, DEAD_MAX), "rule": f"{d.rule}+dead-worker:{earlier.rule}",
            "summary": f"{earlier.summary} - {died} died of it; this record is its symptom",
            "root_cause": (f"This record is the symptom ({one_line(d.summary, 140)}): {died} had failed before it "
                           f"(\"{one_line(lines[start], 160)}\"), so nothing answered. {earlier.root_cause}"),
            "evidence": list(dict.fromkeys([*earlier.evidence[:3], *d.evidence]))})
    return d
