"""A record of the platform or the kernel reporting OUR resource at its size, beside a symptom no reading explained:
capacity (round 15, the class behind held-out 13/14's capacity misses: evals/RESULTS.md "Round 15", i17).

The doctrine's capacity is "our own host's or service's resource limit". The symptom the gateway logs (a queue wait, a
keepalive ping timeout, a connect timeout, a failed log write) names no resource; the deciding record is the platform's
or the kernel's own report, in its closed grammar, that one of ours is full. What is full, by its source:
- scheduler: `0/N nodes are available: N Insufficient cpu|memory|ephemeral-storage|pods` (kube-scheduler
  pkg/scheduler/framework/plugins/noderesources/fit.go: "Insufficient %v"): the cluster has no room for our pods;
- cluster-autoscaler: `max node group size reached`, `max cluster cpu|memory limit reached` (its NotTriggerScaleUp
  reasons, cluster-autoscaler/processors/status): the node group at its configured maximum;
- HorizontalPodAutoscaler at its maximum: the ScalingLimited condition with reason `TooManyReplicas`, message "the
  desired replica count is more than the maximum replica count" (kube-controller-manager
  pkg/controller/podautoscaler/horizontal.go, convertDesiredReplicasWithBehaviorRate / normalizeDesiredReplicas): the
  load asks for more replicas than maxReplicas lets it run. Its neighbours are no capacity record: `TooFewReplicas`
  ("less than the minimum replica count") is the floor, `ScaleUpLimit` ("increasing faster than the maximum scale
  rate") is the scaling policy's pace, not a resource at its size;
- ResourceQuota admission: `exceeded quota: NAME, requested: R, used: U, limited: L` (kube-apiserver
  plugin/pkg/admission/resourcequota/controller.go): our namespace at its quota;
- kubelet eviction: `The node was low on resource: R`, `exceeds the total limit of containers`, `exceeded its local
  ephemeral storage limit` (pkg/kubelet/eviction/helpers.go, eviction_manager.go);
- cgroup CPU: cpu.stat `nr_throttled` / `throttled_usec` (Documentation/admin-guide/cgroup-v2.rst "cpu.stat"; v1's
  throttled_time) with most periods throttled: our container at its CPU quota, so timers and pings run late;
- kernel tables: `neighbour: arp_cache: neighbor table overflow!` (net/core/neighbour.c, gc_thresh3),
  `nf_conntrack: table full, dropping packet` (net/netfilter/nf_conntrack_core.c, nf_conntrack_max);
- errno: ENOSPC 28 "No space left on device", EDQUOT 122 "Disk quota exceeded", EMFILE 24 "Too many open files",
  ENFILE 23 "Too many open files in system" (errno(3)) of the error's OWN: in its record or traceback, a record of
  its logger or process, or a block the record parser did not take as the error (logging's own `--- Logging error ---`
  report, Lib/logging/__init__.py Handler.handleError); another program's (a backup agent's full volume, a CI
  runner's descriptor table) is not our resource (review r15).

Read where no reading answered (the catch-all's unknown), and - for the host's own tables and CPU quota, which make
connects and pings fail on the way out - over a network, storage or provider timeout's reading. Twins that must NOT change:
the same full resource with a record of a SETTING changed before it, within WINDOW (a deploy adding OPENAI_LOG=debug,
a values diff raising a request to 512Gi): that setting is what the engineer changes (config), so the answer stands
(one changed after the error or in another episode is no twin) - and when that setting is the very limit a record
reports reached (maxReplicas before TooManyReplicas, a memory request before `Insufficient memory`, nofile before
EMFILE), this look answers config itself (`+limit-setting`, round 18: the limit was set below the load); a throttle
report with few periods throttled; a capacity record in another episode (more than WINDOW away from the error).
0.45: one record of the platform beside a symptom, never confident.
"""

from __future__ import annotations

import re
from datetime import datetime

from .model import Diagnosis, DiagnosisInput, one_line
from .record_time import of_episode, record_time

CONFIDENCE = 0.45
WINDOW = 600.0  # seconds between the capacity record and the error (both stamped)
THROTTLED = 0.25  # share of CPU periods throttled that counts as "at its quota"
_PATH_KINDS = frozenset({"cpu", "table"})  # our host's resources a connect or a ping goes through
_TIMEOUT = re.compile(r"time(?:d)?[ _-]?out|Timeout|keepalive|ping", re.I)
# what running out of a resource looks like from the gateway: a wait, a timeout, a refused/reset/dropped connection, a
# pod pending/evicted/killed/restarted, a write the kernel refused, the gateway's own 503. A KeyError or a TypeError
# beside a full table is our code's whatever the table says (the twin)
_SYMPTOM = re.compile(r"time(?:d)?[ _-]?out|timeout|keepalive|\bping\b|connect|refused|reset|unreachable|dropp|"
                      r"\bqueue|\bwait|latency|\bslow|pending|evict|kill|exit(?:ed)?(?: code)? 137|\bOOM|restart|"
                      r"No space|Errno (?:28|122|24|23)\b|too many|\b503\b|unavailable|backlog|Logging error", re.I)

# (kind, the platform's or kernel's grammar, what is full)
_FULL: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("scheduler", re.compile(r"\b\d+ Insufficient (?P<r>cpu|memory|ephemeral-storage|pods|nvidia\.com/gpu)\b"),
     "no node has free {r} for our pods"),
    ("autoscaler", re.compile(r"\bmax (?P<r>node group size|cluster (?:cpu|memory|cores) limit) reached\b", re.I),
     "the cluster autoscaler reached its max {r}"),
    ("replicas", re.compile(r"\bthe desired replica count is more than the maximum replica count\b|\bTooManyReplicas\b"),
     "the HorizontalPodAutoscaler is at its maxReplicas (the load wants more replicas than it may run)"),
    ("quota", re.compile(r"\bexceeded quota: (?P<r>[\w.-]+), requested: [^\n]{0,120}?used: [^\n]{0,120}?limited: "),
     "our namespace is at its ResourceQuota {r}"),
    ("eviction", re.compile(r"\bThe node was low on resource: (?P<r>[\w.-]+)|(?P<r2>ephemeral[- ]storage) (?:usage )?"
                            r"exceeds the total limit|exceeded its local (?P<r3>ephemeral storage) limit"),
     "the kubelet evicted our pod: the node ran out of {r}"),
    ("table", re.compile(r"\b(?P<r>neighbou?r table) overflow|\bnf_conntrack: (?P<r2>table) full", re.I),
     "the host's {r} is full (its kernel limit), so new connections are dropped"),
    ("errno", re.compile(r"\[Errno (?:28|122|24|23)\][^\n]{0,80}|No space left on device|Disk quota exceeded|"
                         r"Too many open files(?: in system)?"), "{r}"),
)
# The config twin: the setting changed before the fill IS the limit the record reports reached. Which limit, by the
# record (each a key in the Kubernetes API reference or the kernel's):
# - a compute resource R - the scheduler's "Insufficient R", the quota's "requested: R=..", the kubelet's "low on
#   resource: R", cgroup CPU throttling (R = cpu): the container's resources.limits.R / resources.requests.R (core/v1
#   ResourceRequirements) or a ResourceQuota's spec.hard R / requests.R / limits.R (core/v1 ResourceQuotaSpec). R is
#   a resource name (cpu, memory, ephemeral-storage, pods, nvidia.com/gpu, hugepages-2Mi); a setting names it as one
#   whole segment of its key, whatever the spelling: `memory: 512Mi` under limits, `resources.limits.memory`,
#   `requests.cpu`, an env var MEMORY_LIMIT / CPU_QUOTA / EPHEMERAL_STORAGE_REQUEST (segments split by . _ - / and
#   case; '-' inside a name may be '_');
# - the HPA's ceiling (TooManyReplicas): autoscaling/v2 HorizontalPodAutoscalerSpec.maxReplicas (maxReplicas,
#   max_replicas, HPA_MAX_REPLICAS);
# - the descriptor table (EMFILE 24 / ENFILE 23): RLIMIT_NOFILE (setrlimit(2)), systemd LimitNOFILE=, `ulimit -n`,
#   docker --ulimit nofile= (nofile or ulimit in the key). A full disk (ENOSPC, EDQUOT) and the kernel's tables have
#   no setting of ours read here; the autoscaler's node-group maximum lives in the cloud's node group (not read).
_RESOURCE = re.compile(r"(?<![A-Za-z0-9])(cpu|memory|ephemeral[- ]storage|pods|nvidia\.com/gpu|hugepages-\w+)"
                       r"(?![A-Za-z0-9])", re.I)
_REPLICAS_KEY = re.compile(r"(?<![A-Za-z0-9])max[_-]?replicas(?![A-Za-z0-9])", re.I)
_NOFILE_KEY = re.compile(r"nofile|\bulimit\b", re.I)
_QUOTA_ASKED = re.compile(r"\brequested: (?P<asked>[^\n]{0,200}?),? used: ")


def _segment(resource: str) -> re.Pattern[str]:
    """A setting key naming `resource` as one whole segment (see above)."""
    name = re.escape(resource.lower()).replace(r"\-", "[-_]").replace(r"\ ", "[-_]")
    return re.compile(rf"(?<![A-Za-z0-9]){name}(?![A-Za-z0-9])", re.I)


def _limits(kind: str, record: str) -> list[re.Pattern[str]]:
    """The grammars of the settings that are the limit `record` (a capacity record of `kind`) reports reached."""
    if kind == "replicas":
        return [_REPLICAS_KEY]
    if kind == "errno":
        return [_NOFILE_KEY] if _DESCRIPTORS.search(record) else []
    if kind == "cpu":
        return [_segment("cpu")]
    if kind == "quota":  # the quota's own name is no resource: what it refused is what was requested
        asked = _QUOTA_ASKED.search(record)
        record = asked.group("asked") if asked else ""
    if kind in ("scheduler", "quota", "eviction"):
        return [_segment(r.replace(" ", "-")) for r in dict.fromkeys(m.lower() for m in _RESOURCE.findall(record))]
    return []


_DESCRIPTORS = re.compile(r"\[Errno 2[34]\]|Too many open files")
_THROTTLE = re.compile(r"\bnr_periods\D{0,4}(?P<p>\d[\d,]*)\b[^\n]{0,80}?\bnr_throttled\D{0,4}(?P<t>\d[\d,]*)")
# a setting changed before the fill: a deploy/commit/diff that adds or raises a setting (the config twin)
_CHANGED = re.compile(r"\b(?:deploy\w*|commit|added|raised|lowered|increased|decreased|changed|switched|set to|"
                      r"enabled|bumped)\b", re.I)
# a setting: NAME=value, or a key with a Kubernetes quantity (resource.Quantity: 512Mi, 2G, 500m - milli-cpu)
_SETTING = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\s*=|\b[a-z][\w.]*:\s*\d+(?:\.\d+)?\s*(?:[KMGTPE]i?|m)\b")
_DIFF = re.compile(r"^\s*[+-]\s+[\w.-]+:\s*\S")  # a unified diff's added or removed key (git show of a values file)
# whose record a line heads: a logging header's logger (`STAMP LEVEL name:`) or a syslog line's process
# (`Mon dd hh:mm:ss host proc[pid]:`); a continuation line (indented, a traceback's tail) is its header's
_OWNER = re.compile(r"^(?:\d{4}-\d\d-\d\d[T ][\d:.,]+\S*\s+(?:[A-Z]+\s+)?|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ )"
                    r"(?P<who>[\w.\-/]+?)(?:\[\d+\])?:\s")
_LOGGING_ERROR = "--- Logging error ---"  # Python logging's own report of OUR handler's failed write


def _full(line: str) -> tuple[str, str] | None:
    """(kind, what is full) when `line` is a capacity record of the grammars above."""
    for kind, rx, what in _FULL:
        m = rx.search(line)
        if m is not None:
            got = {k: v for k, v in m.groupdict().items() if v}
            r = got.get("r") or got.get("r2") or got.get("r3") or m.group(0).strip()
            return kind, what.format(r=r)
    t = _THROTTLE.search(line)
    if t is not None:
        periods, throttled = (int(t.group(g).replace(",", "")) for g in ("p", "t"))
        if periods and throttled / periods >= THROTTLED:
            return "cpu", f"our container is at its CPU quota ({throttled} of {periods} periods throttled)"
    return None


def _changed_before(before: list[str], error_at: datetime | None) -> str | None:
    """The first record before the error, in its episode, that changes a setting (a deploy's NAME=value, a diff's
    key), or None."""
    return next((ln for ln in before if ((_CHANGED.search(ln) and _SETTING.search(ln)) or _DIFF.match(ln))
                 and of_episode(ln, error_at, WINDOW)), None)


def _limit_setting(d: Diagnosis, change: str, found: list[tuple[str, str, str]]) -> Diagnosis | None:
    """config when the setting changed before the fill is the very LIMIT a record reports reached (a deploy lowering
    maxReplicas before TooManyReplicas, a quota's hard value before `exceeded quota`, the memory request before
    `Insufficient memory`): the limit was set where the load already was, so the setting is what to change. A changed
    setting of another resource (OPENAI_LOG beside a full scheduler) leaves the answer to the other readings (None)."""
    for kind, what, record in found:
        if not any(key.search(change) for key in _limits(kind, record)):
            continue  # another resource's setting (a nofile change before a full disk), or no limit of ours
        setting = one_line(change.strip(), 200)
        return d.reanswered(
            category="config", confidence=CONFIDENCE, rule=f"{d.rule}+limit-setting",
            severity=d.severity if d.severity in ("high", "critical") else "medium",
            summary=one_line(f"A limit set just before was reached: {what} after `{setting}`", 300),
            root_cause=(f'The record "{one_line(record, 300)}" reports a limit reached, and the setting of that same '
                        f'limit changed just before it: "{setting}". The load did not grow past the resource; the '
                        "limit was set below it."),
            suggested_fix=["Restore or raise the setting the change lowered (or roll the change back), then check "
                           "that the limit sits above the load the service carries."],
            evidence=[change.strip()[:300], record])
    return None


def at_its_size_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or capacity when a record reports our resource at its size beside the symptom (module docstring)."""
    if d.category not in ("unknown", "network", "storage", "provider", "capacity"):  # capacity: the config twin only
        return d
    error = (inp.traceback or inp.message).splitlines()
    after = [ln for raw in inp.after for ln in raw.splitlines()]  # split once: `before` below leaves them out
    tagged = [*((ln[:4096], own) for block, own in ((inp.context, False), (error, True))
                for raw in block for ln in raw.splitlines()), *((ln[:4096], False) for ln in after)]
    lines = [ln for ln, _ in tagged]
    error_at = record_time(inp.traceback or inp.message)
    head = _OWNER.match(error[0]) if error else None
    ours = {w for w in (inp.logger, head.group("who") if head else None) if w}  # the failing record's logger, process
    found: list[tuple[str, str, str]] = []  # every capacity record in the error's window
    owner: str | None = None  # whose record the line belongs to (None: no header tells)
    for ln, own in tagged:
        if ln.strip() == _LOGGING_ERROR:
            owner = _LOGGING_ERROR
        elif (h := _OWNER.match(ln)) is not None:
            owner = h.group("who")
        got = _full(ln)
        if got is None or not of_episode(ln, error_at, WINDOW):
            continue
        if got[0] == "errno" and not own and owner not in (None, _LOGGING_ERROR, *ours):
            continue  # another program's volume or descriptor table (a backup job's, a CI runner's): not ours
        found.append((got[0], got[1], ln.strip()))
    if not found:
        return d
    if d.category == "capacity":  # already capacity: only the limit's own setting changed just before re-reads it
        change = _changed_before(lines[:len(lines) - len(after)], error_at)
        return d if change is None else _limit_setting(d, change, found) or d
    symptom = " ".join([inp.message, inp.exception_type or "", inp.exception_message or ""])
    if not _SYMPTOM.search(symptom) and not (inp.exception_type is None and _LOGGING_ERROR in "\n".join(lines)):
        return d
    if d.category != "unknown" and not any(k in _PATH_KINDS for k, _, _ in found):
        return d
    if d.category != "unknown" and not _TIMEOUT.search(d.summary + " " + inp.message):
        return d
    records = list(dict.fromkeys(one_line(r, 300) for _, _, r in found))[:3]
    whats = "; ".join(dict.fromkeys(w for _, w, _ in found))
    # the config twin: a setting changed BEFORE the error (the records up to and including its own), in the same
    # episode as the capacity records (WINDOW); one changed after it (the fix being rolled out) or an hour before
    # (another episode) does not decide this one (re-read r15: the whole excerpt was read, after and far before)
    change = _changed_before(lines[:len(lines) - len(after)], error_at)
    if change is not None:  # a setting changed before the fill decides: another reading's (config)
        return _limit_setting(d, change, found) or d
    return d.reanswered(
        category="capacity", confidence=CONFIDENCE, rule=f"{d.rule}+at-its-size",
        severity=d.severity if d.severity in ("high", "critical") else "medium",
        summary=one_line(f"Our resource at its size: {whats} - the symptom is what running out of it looks like",
                            300),
        root_cause=("The platform's own records report our resources full: " + " / ".join(f'"{r}"' for r in records)
                       + f". The error logged is the symptom of that limit ({whats}), not a fault of the remote or of the "
                       f"code; no record shows a setting changed before it, so the load outgrew the resource."),
        suggested_fix=["Add capacity where the record says it is exhausted (node group maximum, namespace quota, "
                          "volume size, CPU limit, the kernel table's limit) or cut the load that fills it, and alert "
                          "on that resource's usage before it is full."],
        evidence=[*records])
