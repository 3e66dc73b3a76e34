"""`kubectl describe`'s tables read as the platform's records, not traceback lines (deciding_facts.py, round 17).

Held-out 16's 16009: `  DiskPressure   True ...` under `kubectl describe node` is indented, so it was read as a
traceback line and dropped; the node's condition is the fact. Generated per seed: the table (Conditions or Events),
the condition or event, the times, plain or Docker json-file. Twin that must NOT change: a real Python / Java
traceback's indented lines (frames, the source line, `at pkg.Class.method(File.java:N)`) stay the traceback's.
"""

from __future__ import annotations

import json
import random

import pytest

from .logged import diagnose

SEEDS = (1, 2, 3)
_STAMP = "Sun, 06 Dec 2026 04:12:10 +0000"


def _table(rnd: random.Random, kind: str) -> tuple[list[str], str]:
    """The lines of a `kubectl describe node` table and the word of its row that is the fact."""
    if kind == "Conditions":
        cond, reason, said = rnd.choice((("DiskPressure", "KubeletHasDiskPressure", "kubelet has disk pressure"),
                                         ("PIDPressure", "KubeletHasInsufficientPID", "kubelet has insufficient PID"),
                                         ("MemoryPressure", "KubeletHasInsufficientMemory",
                                          "kubelet has insufficient memory available")))
        rows = ["  Type             Status  LastHeartbeatTime                 Reason                       Message",
                "  ----             ------  -----------------                 ------                       -------",
                f"  {cond:<16} True    {_STAMP}   {reason:<28} {said}",
                f"  {'Ready':<16} True    {_STAMP}   {'KubeletReady':<28} kubelet is posting ready status"]
        return ["Conditions:", *rows], cond
    reason = rnd.choice(("EvictionThresholdMet", "FreeDiskSpaceFailed", "ImageGCFailed"))
    rows = ["  Type     Reason                 Age   From     Message",
            "  ----     ------                 ----  ----     -------",
            f"  Warning  {reason:<22} {rnd.randrange(2, 9)}m    kubelet  Attempting to reclaim ephemeral-storage"]
    return ["Events:", *rows], reason


def _excerpt(seed: int, kind: str, docker: bool) -> tuple[str, str]:
    rnd = random.Random(f"describe-{seed}-{kind}-{docker}")
    node = f"node-{rnd.randrange(1, 40)}"
    table, fact = _table(rnd, kind)
    lines = [f"$ kubectl describe node {node}", f"Name:               {node}", *table]
    if docker:
        lines = [json.dumps({"log": ln + "\n", "stream": "stdout", "time": "2026-12-06T04:12:10.000Z"})
                 for ln in lines]
    error = (f"2026-12-06 04:12:{rnd.randrange(11, 59)} ERROR src.storage.files: write failed: [Errno 28] "
             f"No space left on device: '/tmp/up-{rnd.randrange(100, 999)}'")
    return "\n".join([*lines, error]), fact


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", ["Conditions", "Events"])
@pytest.mark.parametrize("docker", [False, True], ids=["plain", "json-file"])
def test_a_describe_tables_row_is_the_platforms_record(seed, kind, docker):
    excerpt, fact = _excerpt(seed, kind, docker)
    root = diagnose(excerpt).root_cause
    assert fact in root, root
    assert "KubeletReady" not in root  # a healthy condition reports nothing wrong


def _traceback(rnd: random.Random, lang: str) -> tuple[list[str], str]:
    fn = rnd.choice(("load_batch", "flush_rows", "read_chunk"))
    if lang == "python":
        return ["Traceback (most recent call last):",
                f'  File "/app/src/jobs/{fn}.py", line {rnd.randrange(10, 300)}, in {fn}',
                f"    rows = fetch_rows(cursor,  limit={rnd.randrange(10, 99)})",
                "KeyError: 'rows'"], "fetch_rows(cursor"
    return [f"java.lang.IllegalStateException: {fn} failed",
            f"\tat com.acme.jobs.Loader.{fn}(Loader.java:{rnd.randrange(10, 300)})",
            "    at com.acme.jobs.Runner.run(Runner.java:42)"], f"Loader.{fn}"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("lang", ["python", "java"])
def test_a_tracebacks_indented_lines_stay_the_traceback(seed, lang):
    rnd = random.Random(f"tb-{seed}-{lang}")
    lines, word = _traceback(rnd, lang)
    error = (f"2026-12-06 04:12:{rnd.randrange(11, 59)} ERROR src.storage.files: write failed: [Errno 28] "
             f"No space left on device: '/tmp/up-{rnd.randrange(100, 999)}'")
    for head in ([], ["$ kubectl describe node node-5", "Events:"]):  # after a describe table too: a new record ends it
        root = diagnose("\n".join([*head, *lines, error])).root_cause
        assert word not in root, root


# The table's command line is a shell prompt's line as bare_excerpt.COMMAND reads one: an indented prompt (pasted into
# a ticket) or PowerShell's `PS C:\...>` opens the table too, as `user@host:~$` does (re-read r17). Under
# `kubectl describe node N | grep Pressure` the rows come with no `Conditions:` header: only the command opens it.
_PROMPTS = ("  $ ", "PS C:\\Users\\ops> ", "  ops@bastion:~$ ")


def _grepped(seed: int, command: str) -> tuple[str, str]:
    rnd = random.Random(f"grepped-{seed}")
    prompt = _PROMPTS[seed % len(_PROMPTS)]
    table, fact = _table(rnd, "Conditions")
    rows = [r for r in table if "Pressure" in r]
    error = (f"2026-12-06 04:12:{rnd.randrange(11, 59)} ERROR src.storage.files: write failed: [Errno 28] "
             f"No space left on device: '/tmp/up-{rnd.randrange(100, 999)}'")
    return "\n".join([prompt + command.format(node=f"node-{rnd.randrange(1, 40)}"), *rows, error]), fact


@pytest.mark.parametrize("seed", SEEDS)
def test_any_prompts_describe_command_opens_the_table(seed):
    excerpt, fact = _grepped(seed, "kubectl describe node {node} | grep Pressure")
    root = diagnose(excerpt).root_cause
    assert fact in root, root


@pytest.mark.parametrize("seed", SEEDS)
def test_another_command_opens_no_table(seed):  # twin: the same rows under `kubectl get` stay unread
    excerpt, fact = _grepped(seed, "kubectl get node {node} -o wide | grep Pressure")
    root = diagnose(excerpt).root_cause
    assert fact not in root, root


# Each kind's Conditions rows (the Kubernetes API reference's condition types): the healthy ones (True for these types,
# False for problems reported present) report nothing; the unhealthy row is the fact. Before, only the Pod's and Node's
# Ready-type conditions were known healthy: a Deployment's `Available True MinimumReplicasAvailable` and `Progressing
# True NewReplicaSetAvailable`, an HPA's `AbleToScale True` were quoted as the platform's facts.
_KINDS = {
    "deployment": ([("Available", "True", "MinimumReplicasAvailable"), ("Progressing", "True", "NewReplicaSetAvailable"),
                    ("ReplicaFailure", "False", "")],
                   [("ReplicaFailure", "True", "FailedCreate"), ("Progressing", "False", "ProgressDeadlineExceeded"),
                    ("Available", "False", "MinimumReplicasUnavailable")]),
    "hpa": ([("AbleToScale", "True", "ReadyForNewScale"), ("ScalingActive", "True", "ValidMetricFound")],
            [("ScalingLimited", "True", "TooManyReplicas"), ("ScalingActive", "False", "FailedGetResourceMetric")]),
    "job": ([("Complete", "True", "CompletionsReached"), ("SuccessCriteriaMet", "True", "CompletionsReached")],
            [("Failed", "True", "BackoffLimitExceeded")]),
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", sorted(_KINDS))
def test_each_kinds_healthy_conditions_report_nothing(seed, kind):
    rnd = random.Random(f"kinds-{seed}-{kind}")
    healthy, unhealthy = _KINDS[kind]
    bad = rnd.choice(unhealthy)
    healthy = [h for h in healthy if h[0] != bad[0]]  # one row per condition type
    rows = [*healthy, bad]
    rnd.shuffle(rows)
    name = f"gateway-{rnd.randrange(1, 40)}"
    table = ["Conditions:", "  Type             Status  Reason", "  ----             ------  ------",
             *(f"  {t:<16} {st:<7} {r}".rstrip() for t, st, r in rows)]
    error = (f"2026-12-06 04:12:{rnd.randrange(11, 59)} ERROR src.storage.files: write failed: [Errno 28] "
             f"No space left on device: '/tmp/up-{rnd.randrange(100, 999)}'")
    root = diagnose("\n".join([f"$ kubectl describe {kind} {name}", f"Name:               {name}", *table,
                               error])).root_cause
    assert bad[0] in root, root
    for t, _, reason in healthy:
        assert not reason or reason not in root, (t, root)
