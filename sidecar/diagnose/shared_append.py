"""A torn record in a file two live processes append to: the readers' parse error is the writers' race (round 18).

The class (evals/TAXONOMY.md "Round 18: concurrency and capacity as situations"): two actors on ONE object at once,
the failure being the loser's. Here the object is a file and the actors are processes (workers, pods, replicas) of
ours that each append to it, and the loser is whoever reads it: a JSON/CSV line that does not parse. What makes two
appenders tear a record is documented, not worded:
- Python's buffered writer flushes in DEFAULT_BUFFER_SIZE chunks (Lib/io.py, 8192 bytes; BufferedWriter): a record
  longer than the buffer leaves the process as several write(2) calls;
- O_APPEND makes each write(2) land at the end atomically, but nothing orders two processes' SEPARATE writes (POSIX
  write(2); pipe(7)'s PIPE_BUF atomicity is for pipes only): another process's record lands between the pieces;
- the logging cookbook: "logging to a single file from multiple processes is not supported, because there is no
  standard way to serialize access to a single file across multiple processes in Python" (Logging Cookbook, "Logging
  to a single file from multiple processes").
So one writer's record is cut and the other's follows in the same line; the reader's json.loads raises
JSONDecodeError ("Extra data", "Expecting ',' delimiter", "Unterminated string") - read by the rules as our code's
parse or the file's damage.

The RELATION decides, never the parse error's words: the error names a file path P and is a parse of its content
(json.decoder.JSONDecodeError, csv.Error); records BEFORE it show at least two DIFFERENT processes (pid, worker,
pod, replica, process ids) each writing/appending P; and no record between the first writer's and the error says a
writer stopped (killed, died, exited, OOM, restarted) - then the two wrote one after the other, not at once.
The answer - a reading of the file's state (code, storage, unknown) - is redirected to concurrency at CONFIDENCE or
the answer's own if lower (never raised: two records tied by one path).
Twins that must NOT change (tests/diagnose/test_shared_append.py): one writer only (its own bug or its kill); two
writers of ANOTHER file; a writer killed before the second started (sequential: the kill's reading stands); two
processes READING P (tailing, reading: readers do not tear records); an error that is no parse (a KeyError on a
parsed record is the record's shape, our code).
"""

from __future__ import annotations

import re

from .honest_unknown import lent
from .model import Diagnosis, DiagnosisInput, one_line

CONFIDENCE = 0.45
_READS = frozenset({"code", "storage", "unknown"})  # readings of the file's state; a transport's is left
# a parse of a record's text: json's own class (Lib/json/decoder.py) and csv's (Modules/_csv.c), by name
_PARSE = re.compile(r"\b(?:json\.decoder\.)?JSONDecodeError\b|\b_?csv\.Error\b|\bjson\.JSONDecodeError\b")
_PATH = re.compile(r"(?<![\w.])(/(?:[\w.@+-]+/)*[\w@+-][\w.@+-]*\.[A-Za-z]\w{0,8})\b")
# a record of a writer of the path: the verb of a write (append, write, open for append/write, a FileHandler, log to)
_WRITES = re.compile(r"\b(?:append(?:s|ing|ed)?(?: to)?|writ(?:e|es|ing) (?:to )?|opened? [^\n]{0,40}?(?:for "
                     r"(?:append|writ)\w*|mode=?'?[aw]\b)|FileHandler|logging to|flush(?:es|ing)? to)\s*[^\n]{0,80}?",
                     re.I)
_READING = re.compile(r"\b(?:tail(?:s|ing)?|read(?:s|ing)?|follow(?:s|ing)?|watch(?:es|ing)?)\b", re.I)
# a process's id in a record: pid N / pid=N / (pid N), worker N / worker-N / [worker-2], pod/replica/process names
_PROC = re.compile(r"\bpid[ =:#]*(?P<pid>\d{1,8})\b|\b(?P<k>worker|pod|replica|process|proc)[ =:#-]*(?P<v>[\w.-]{1,40})",
                   re.I)
# a writer that stopped: the two did not write at once (the kill twin)
_STOPPED = re.compile(r"\b(?:killed|died|exited|exit ?code|OOM\w*|terminated|restart(?:ed|ing)?|crash(?:ed)?|"
                      r"stopped)\b", re.I)


def _actors(line: str) -> set[str]:
    out: set[str] = set()
    for m in _PROC.finditer(line):
        if m.group("pid"):
            out.add(f"pid:{m.group('pid')}")
        elif m.group("v") and any(ch.isdigit() for ch in m.group("v")):  # `worker 2`, `pod gw-7f`: an instance
            out.add(f"{m.group('k').lower()}:{m.group('v').lower()}")
    return out


def shared_append_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or concurrency when two live processes append to the file whose record did not parse (module docstring)."""
    if d.category not in _READS:
        return d
    error = "\n".join([inp.message, inp.exception_type or "", inp.exception_message or "", inp.traceback])
    if not _PARSE.search(error):
        return d
    # the error record's own text: its messages and, for a multi-line record (the gateway's tool-failure block), the
    # lines before its traceback (upstream-gateway.md 1.4) - never a frame's source line
    head = inp.traceback.split("Traceback (most recent call last)", 1)[0].splitlines()[:20]
    paths = {p for text in [*inp.messages(), *head] for p in _PATH.findall(text)}
    if not paths:
        return d
    writers: dict[str, list[tuple[int, str]]] = {}  # path -> (index, line) of each write record, in order
    before = [ln for raw in inp.context for ln in raw.splitlines()]
    for i, ln in enumerate(before):
        for p in paths:
            if p in ln and _WRITES.search(ln) and not _READING.search(ln.split(p)[0][-40:]):
                writers.setdefault(p, []).append((i, ln))
    for p, recs in writers.items():
        who: dict[str, str] = {}
        for _, ln in recs:
            for a in _actors(ln):
                who.setdefault(a, ln)
        if len(who) < 2:
            continue
        first = recs[0][0]
        if any(_STOPPED.search(ln) for ln in before[first:]):
            continue  # a writer stopped after writing: sequential writers (the kill decides), not two at once
        lines = list(dict.fromkeys(one_line(ln.strip(), 240) for ln in who.values()))[:3]
        ids = ", ".join(sorted(who)[:4])
        return d.reanswered(
            category="concurrency", confidence=min(CONFIDENCE, lent(d, inp)), rule=f"{d.rule}+shared-append",
            severity=d.severity if d.severity in ("high", "critical") else "medium",
            summary=one_line(f"Two processes append to {p} at once ({ids}): a record torn between their writes does "
                             "not parse", 300),
            root_cause=(f"The record that failed to parse was read from {p}, which more than one live writer appends "
                        f"to: {' / '.join(repr(x) for x in lines)}. A buffered writer flushes a long record as several "
                        "write(2) calls (Lib/io.py, 8192-byte buffer) and O_APPEND orders each call, not the record: "
                        "another writer's record lands between the pieces, so the line holds a cut record followed by "
                        "another. The file is not damaged by one writer, nor is the reader's parse wrong."),
            suggested_fix=["Give each process its own file (suffix the pid/worker id), or send the records to one "
                           "writer (a QueueHandler/QueueListener, a socket/collector), or write each record with a "
                           "single os.write of the whole line under a file lock.",
                           "Make the reader skip and count a torn line instead of failing the whole read."],
            evidence=lines)
    return d
