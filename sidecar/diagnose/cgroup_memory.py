"""Memory charged to the container that is not the Python heap (evals/CLASSES11.md D2): capacity.

The cgroup's memory limit counts more than the process's resident set: files written to a memory-backed mount (a
tmpfs scratch directory, /dev/shm), page cache the cgroup is charged for, memory-mapped files (Linux cgroup v2 docs:
`memory.current`, `memory.stat` shmem/file; Docker `--tmpfs`, `--shm-size`). So the container is OOM-killed while
the process's own RSS stays flat. Where the kill is not the error record itself (oom_kills.py reads that one) but a
record before or after it - the runtime's "OOMKilled=true" / "exitCode=137", the kernel's OOM-killer line - and a
symptom follows (a peer's lost connection), the metric records in the window decide (CLASSES11 J3):
- the process's RSS flat (within 15 %) while the container's/cgroup's memory figure rose by a fifth or more: memory
  outside the heap filled the limit -> capacity (0.55), naming the memory-backed path written in the window if any;
- the RSS rising with the container figure AND an in-process structure's count rising (cache/queue/history
  entries): our own heap grew with a structure we never bound -> code (0.45, the twin; CLASSES9 R1).
Neither shape: unchanged.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .oom_kills import OOM_KILLED
from .setting_lines import CONTEXT, LINE

_OOM = re.compile(OOM_KILLED.pattern + r"|exitCode=137|exit(?:ed with)? (?:code|status) 137", re.I)
# a figure with an optional unit (MB when none: the gateway's *_mb fields); the process's and the container's
_SIZE = r"\s*[=:]\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<u>[KMG]i?B)?"
_RSS = re.compile(r"\b(?:process_)?(?:rss|process_memory)(?:_mb)?" + _SIZE, re.I)
_CONTAINER = re.compile(r"\b(?:(?:container|cgroup)_?mem(?:ory)?(?:_usage|_current)?(?:_mb)?|memory\.current)" + _SIZE,
                        re.I)
_TO_MB = {"K": 1 / 1024, "M": 1.0, "G": 1024.0}
_STRUCTURE = re.compile(r"\b(?P<name>[a-z_]*(?:cache|history|queue|buffer|sessions?)[a-z_]*(?:entries|size|len)?|"
                        r"entries)\s*[=:]\s*(?P<n>\d+)", re.I)
_MEMORY_PATH = re.compile(r"(?:/dev/shm|/run/shm|tmpfs|/tmp|scratch)[\w./-]*", re.I)


def _series(lines: list[str], rx: re.Pattern[str]) -> list[float]:
    out = []
    for line in lines:
        m = rx.search(line)
        if m is not None:
            unit = (m.groupdict().get("u") or "M")[:1].upper()
            out.append(float(m.group("n")) * _TO_MB.get(unit, 1.0))
    return out


def cgroup_memory_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or capacity/code by what filled the container's memory before an OOM kill near the error."""
    if d.category in {"capacity"}:
        return d
    lines = [raw[:LINE] for raw in inp.context[-CONTEXT:]]
    record = "\n".join([*inp.messages(), inp.traceback[-4096:]])
    kill = next((ln for ln in [*lines, record, *(a[:LINE] for a in inp.after[:8])] if _OOM.search(ln)), None)
    if kill is None:
        return d
    # the two figures on one record or on records of their own (a health line and a cgroup line)
    figures = [ln for ln in lines if _RSS.search(ln) or _CONTAINER.search(ln)]
    rss, box = _series(figures, _RSS), _series(figures, _CONTAINER)
    if len(rss) < 2 or len(box) < 2 or box[-1] < box[0] * 1.2:
        return d
    if max(rss) - min(rss) <= 0.15 * max(rss):
        path = next((m.group(0) for ln in lines if re.search(r"\b(?:wr(?:ote|iting)|extract\w*|spool\w*)\b", ln, re.I)
                     for m in [_MEMORY_PATH.search(ln)] if m is not None), None)
        where = f" (files written to {path})" if path else ""
        return d.reanswered(
            category="capacity", severity="high", confidence=0.55, rule=f"{d.rule}+cgroup-memory",
            summary=f"The container was killed at its memory limit by memory the process does not hold itself"
                       f"{where}: its RSS stayed flat ({rss[0]:.0f} -> {rss[-1]:.0f} MB) while the container's memory "
                       f"rose ({box[0]:.0f} -> {box[-1]:.0f} MB)",
            root_cause=("The cgroup charges the container for more than the process's resident set: files on a "
                           "memory-backed mount (tmpfs scratch, /dev/shm) and page cache count against its limit. "
                           "The process's own memory was flat, so the container's memory limit against what the "
                           "memory-backed mount holds is what must change."),
            suggested_fix=["Move the scratch files to a disk-backed volume (or cap the tmpfs size and clean it "
                              "after each use), or raise the container's memory limit to cover the mount."],
            evidence=[kill, figures[0], figures[-1]])
    structure = [float(m.group("n")) for ln in figures for m in [_STRUCTURE.search(ln)] if m is not None]
    if len(structure) >= 2 and structure[-1] > structure[0] * 1.5 and rss[-1] > rss[0] * 1.2:
        return d.reanswered(
            category="code", severity="high", confidence=0.45, rule=f"{d.rule}+heap-structure",
            summary=f"The process's own memory grew with an in-process structure until the container was killed "
                       f"(RSS {rss[0]:g} -> {rss[-1]:g}, entries {structure[0]:g} -> {structure[-1]:g})",
            root_cause=("The RSS rose with the container's memory and with a structure's entry count: our code "
                           "keeps adding to a cache/queue it never bounds, so the heap reached the limit."),
            suggested_fix=["Bound the structure (max entries / LRU eviction / TTL) and export its size."],
            evidence=[kill, figures[0], figures[-1]])
    return d
