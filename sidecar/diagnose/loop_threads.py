"""An asyncio object awaited under another loop (CLASSES10 E2): two loops at once in two threads, or a lifetime bug.

asyncio raises the same two messages whatever made the second loop: `mixins._LoopBoundMixin._get_loop` ("<Lock ...>
is bound to a different event loop": Lock, Event, Condition, Semaphore, Queue bind to the first loop that makes them
wait) and `tasks.Task.__step` ("Task ... got Future ... attached to a different loop"). Two mechanisms produce them:
- a second event loop running AT THE SAME TIME in another thread (a worker thread's own `asyncio.run` /
  `new_event_loop` / `run_forever`) touching the main loop's object: a concurrency fault (the object is shared across
  threads; `run_coroutine_threadsafe` or a per-loop object is the fix);
- one thread, a loop closed and another started (a module-level object made under an earlier `asyncio.run`): a
  lifetime bug, code - the rules file's answer (asyncio-different-loop).
Only a record of a thread running its own loop AND records naming two threads (the thread names a `%(threadName)s`
formatter or the message prints: MainThread, Thread-N, thread=NAME, [thread NAME], thread 'NAME') move the answer to concurrency -
the spec's evidence that two loops ran at once (CLASSES10 E2); a thread's loop mentioned without two threads in the
records keeps the rules' code (dev case 172: a module-level semaphore met by a worker's loop), and a record that the
earlier loop was closed/returned keeps code. Neither can be told from the error itself, so the answer stays below 0.6.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE

TWO_LOOPS = 0.5
_DIFFERENT_LOOP = re.compile(r"is bound to a different event loop|attached to a different loop")
_LOOP = r"(?:event[ _-]?loop|asyncio\.run\b|new_event_loop|run_forever|run_until_complete)"
# (the third form: "starting exporter with its own event loop (thread=exporter)" - the thread named after the loop)
_THREAD_LOOP = re.compile(rf"\bthread\b[^\n]{{0,120}}{_LOOP}|{_LOOP}[^\n]{{0,120}}\b(?:in|on) (?:a |the )?"
                          rf"(?:worker |background |separate |another |its own )?thread\b"
                          rf"|\b(?:its own|own|separate|second|another|worker|background)\b[^\n]{{0,30}}{_LOOP}"
                          rf"[^\n]{{0,80}}\bthread\b", re.I)
# A thread's name as the records print it. threading.Thread(name=...) is free text; logging's %(threadName)s prints
# it bare wherever the format puts it ("[%(threadName)s]"), and the defaults are MainThread, "Thread-N (target)"
# (threading._newname) and "<prefix>_N" for executors (concurrent/futures/thread.py: "ThreadPoolExecutor-N_M",
# asyncio's default executor "asyncio_N"). So a name counts when the record marks it as a thread's: thread=NAME,
# [thread NAME], thread 'NAME' / "NAME" (quoted after the word), thread NAME when NAME is identifier-shaped (a
# hyphen, underscore or digit in it - not a plain word such as "thread pool"), or one of the default names.
_THREAD_NAME = re.compile(r"\bthread(?:Name)?\s?[=:]\s?['\"]?(?P<a>[\w.()-]{2,40})|\[thread (?P<b>[\w.-]{2,40})\]"
                          r"|\bthread (?:named |called )?['\"](?P<d>[\w. ()-]{2,40}?)['\"]"
                          r"|\bthread (?P<e>[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+|[a-z]+\d+)\b"
                          r"|\b(?P<c>MainThread|Thread-\d+|ThreadPoolExecutor-\d+_\d+|asyncio_\d+)\b", re.I)
# a message's leading "[NAME]" (a record line "... LOGGER: [NAME] ...", or the failing record's message itself)
_BRACKETED = re.compile(r"(?:^|^\S+ \S+ [A-Z]+ [\w.-]+: )\[(?P<n>[\w.-]{2,40})\]", re.M)
_LOOP_ENDED = re.compile(rf"{_LOOP}[^\n]{{0,80}}\b(?:closed|returned|finished|stopped)\b"
                         rf"|\b(?:closed|returned|finished|stopped)\b[^\n]{{0,40}}{_LOOP}", re.I)


def loop_thread_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or concurrency when a record shows a thread running its own loop and none shows a loop ending."""
    if not _DIFFERENT_LOOP.search(f"{inp.exception_message or ''}\n{inp.traceback[-4000:]}"):
        return d
    before = [c[:LINE] for c in inp.context[-CONTEXT:]]
    if any(_LOOP_ENDED.search(line) for line in before):
        return d
    line = next((ln for ln in reversed(before) if _THREAD_LOOP.search(ln)), None)
    names = {next(g for g in m.groups() if g) for m in _THREAD_NAME.finditer("\n".join([*before, inp.message]))}
    if line is not None:  # a "[%(threadName)s]" format prints the bare name: tied by the thread-loop record naming it
        names |= {b for b in _BRACKETED.findall("\n".join([*before, inp.message])) if b in line}
    if line is None or len(names) < 2:
        return d
    return d.reanswered(
        category="concurrency", severity="high", confidence=TWO_LOOPS, rule="asyncio-loop-in-thread",
        summary=f"An asyncio object of one event loop was awaited by a loop another thread runs ({inp.exception_type})",
        root_cause=("A thread runs its own event loop beside the main one and awaits an object (lock, queue, event, "
                       "future) bound to the other loop; asyncio objects are not shared across loops or threads."),
        suggested_fix=["Hand the work to the owning loop (run_coroutine_threadsafe(coro, owner_loop) / "
                          "owner_loop.call_soon_threadsafe) or give each loop its own object."],
        evidence=[line.strip()])
