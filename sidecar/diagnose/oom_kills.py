"""A process killed by its memory limit, with no Python traceback (CLASSES9 R1): load or an unbounded structure.

The kill is read from its carriers, whatever logged it: Docker's exit code 128 + SIGKILL (137) and `OOMKilled=true`,
cgroup v2 `memory.events` (`oom_kill N`), the kernel's OOM-killer record ("Memory cgroup out of memory: Killed process
N"), a supervisor's "terminated by SIGKILL". A bare 137/SIGKILL counts only with rising memory figures before it (a
supervisor's stop timeout kills the same way). What grew decides the category (evals/TAXONOMY.md: what must change):
- memory rising with the load the same records show (requests in flight, payload sizes) -> capacity (the limit vs
  the work);
- memory rising with an internal structure's count (cache/history/queue entries) whose evictions stay 0 while the load
  stays flat -> code (a structure our code never bounds).
Neither shape read: the answer is unchanged. Pure and bounded (the last 40 context lines, 2 KB each).
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE

# The kernel's or the runtime's record of an OOM kill, in each carrier - the ONE definition (stop_grace.py and
# cgroup_memory.py import it): Docker's State.OOMKilled / dockerd's `oomKilled=` as a field that is TRUE (docker
# inspect prints `"OOMKilled": false` for every other exit: a field stating false is no kill), Kubernetes'
# terminated `reason: OOMKilled` (the word as a value, not a field name), cgroup v2 memory.events `oom_kill N` with
# N >= 1, the kernel's oom_kill.c "Out of memory: Killed process" / "Memory cgroup out of memory: Killed process",
# and an "OOM-kill"/"oom-killer" wording
OOM_KILLED = re.compile(r"\boomKilled\"?\s*[=:]\s*\"?true\b|\bOOMKilled\b(?!\"?\s*[=:])|\boom_kill\s+[1-9]|"
                        r"out of memory: Killed process|\bOOM[- ]kill(?:ed|ing|er)?\b|\boomkill(?:ed|ing|er)?\b(?!\"?\s*[=:])",
                        re.I)
_SIGKILL = re.compile(r"\b(?:exit(?:ed with)? (?:code|status) 137|terminated by SIGKILL|killed by signal 9)\b", re.I)
_RSS = re.compile(r"\brss\s*=?\s*(?P<n>\d{2,6})\s*MB", re.I)
_LOAD = re.compile(r"\b(?:in[_ ]flight\s*=?\s*(?P<a>\d+)|(?P<b>\d+) requests in flight)", re.I)
_STRUCTURE = re.compile(r"\b(?P<name>[a-z_]*(?:cache|history|queue|buffer|entries|sessions?)[a-z_]*)\s*(?:size|"
                        r"entries|len(?:gth)?)?\s*[=:]?\s*(?P<n>\d{3,9})\b", re.I)
_NO_EVICTION = re.compile(r"(?<![a-z])evictions?\s*[=:]?\s*0\b", re.I)


def _rising(values: list[int]) -> bool:
    return len(values) >= 2 and values[-1] > values[0] and all(b >= a for a, b in zip(values, values[1:], strict=False))


def oom_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or what grew until the memory limit killed the process (see the module docstring)."""
    said = " ".join(inp.messages())
    named = bool(OOM_KILLED.search(said))
    if not named and not _SIGKILL.search(said):
        return d
    before = [c[:LINE] for c in inp.context[-CONTEXT:]]
    rss = [int(m.group("n")) for c in before for m in _RSS.finditer(c)]
    if not named and not _rising(rss):
        return d
    load = [int(m.group("a") or m.group("b")) for c in before for m in _LOAD.finditer(c)]
    counts: dict[str, list[int]] = {}  # one structure's entries over time, only where its evictions stay 0
    for c in before:
        if _NO_EVICTION.search(c):
            for m in _STRUCTURE.finditer(c):
                counts.setdefault(m.group("name").lower().removesuffix("_size"), []).append(int(m.group("n")))
    flat = not load or max(load) - min(load) <= max(3, min(load))
    if _rising(rss) and flat and any(_rising(v) for v in counts.values()):
        return d.reanswered(
            category="code", severity="high", confidence=0.45, rule=f"{d.rule}+oom-unbounded",
            summary="Killed by its memory limit: an internal structure our code never bounds kept growing",
            root_cause="The process was killed for memory (no Python traceback: the kernel/container killed it) "
                          "while the records before show memory rising with an internal structure's entries, "
                          "evictions at 0, and the load flat: a cache/history/queue without a bound.",
            suggested_fix=["Bound the structure (max entries/bytes with eviction, a TTL), and alert on its size."])
    if _rising(rss) and _rising(load) and not flat:
        return d.reanswered(
            category="capacity", severity="high", confidence=0.45, rule=f"{d.rule}+oom-load",
            summary="Killed by its memory limit under rising load",
            root_cause="The process was killed for memory (no Python traceback: the kernel/container killed it) "
                          "while the records before show memory rising with the requests in flight / payload sizes: "
                          "the memory limit is below what this load needs.",
            suggested_fix=["Raise the container's memory limit or cap concurrent requests and in-memory payload "
                              "sizes (stream large attachments)."])
    return d
