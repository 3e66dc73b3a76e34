"""A record of the platform or the kernel reporting our resource at its size, beside a symptom no reading explained, is
capacity (at_its_size.py); a setting changed before the fill, a mild throttle or a record of another episode is not.

The symptoms are real: asyncio's TimeoutError from a connect that never completes, and logging's own "--- Logging
error ---" report of a write to /dev/full (the kernel answers ENOSPC). Generated over seeds: the platform record
(scheduler, autoscaler, ResourceQuota admission, kubelet eviction, cgroup cpu.stat, the kernel's neighbour/conntrack
tables) with its figures and names, stamped or kubectl output, the symptom's logger and wording.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import os
import random

import pytest

from .logged import diagnose, logged_timeout, raised_and_logged

STAMP = "2026-12-06 19:12:30"


def _full_record(rng: random.Random, kind: str) -> str:
    n = rng.randint(3, 9)
    res = rng.choice(["cpu", "memory"])
    return {
        "scheduler": f"  Warning  FailedScheduling  38s  default-scheduler  0/{n} nodes are available: {n} Insufficient "
                     f"{res}. preemption: 0/{n} nodes are available: {n} No preemption victims found for incoming pod.",
        "autoscaler": f"  Normal   NotTriggerScaleUp {rng.randint(5, 90)}s  cluster-autoscaler  pod didn't trigger "
                      f"scale-up: {rng.randint(1, 3)} max node group size reached",
        "quota": f"2m   Warning  FailedCreate  replicaset/gw-{rng.randrange(16**5):05x}  Error creating: pods \"gw-x\" is "
                 f"forbidden: exceeded quota: {rng.choice(['compute-quota', 'team-quota'])}, requested: limits.{res}=2"
                 f"{'Gi' if res == 'memory' else ''}, used: limits.{res}={n * 2}, limited: limits.{res}={n * 2 + 1}",
        "eviction": f"{STAMP} Warning Evicted  pod/gateway-{rng.randrange(16**4):04x}  The node was low on resource: "
                    f"{rng.choice(['ephemeral-storage', 'memory'])}. Threshold quantity: 10%.",
        "cpu": f"{STAMP} INFO {rng.choice(['utils.observability', 'src.monitoring.host'])}: cgroup cpu.stat "
               f"nr_periods={(p := rng.randint(300, 900))} nr_throttled={int(p * rng.uniform(0.5, 0.99))} "
               f"throttled_usec={rng.randint(10**6, 10**8)}",
        "table": rng.choice([f"Dec  6 19:12:2{n} gw-node-{n} kernel: [81244{n}.118201] neighbour: arp_cache: neighbor "
                             f"table overflow!",
                             f"Dec  6 19:12:2{n} gw-node-{n} kernel: nf_conntrack: nf_conntrack: table full, dropping "
                             f"packet"]),
    }[kind]


def _timeout(rng: random.Random) -> str:
    logger = rng.choice(["src.storage.pg", "utils.infrastructure.semantic_cache", "src.providers.kimi"])
    return logged_timeout(logger, "connect timed out", STAMP)


def _log_write_failed(rng: random.Random) -> str:
    """logging's own report of a handler whose stream the kernel refuses with ENOSPC (/dev/full)."""
    full = open("/dev/full", "w")  # noqa: SIM115 - closed below; its close fails like the write (ENOSPC)
    try:
        record = logging.LogRecord("src.daemon.handlers", logging.INFO, __file__, 1, "[req:%s] chat done model=%s",
                                   (f"{rng.randrange(16**4):04x}", "kimi-k2"), None)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            logging.StreamHandler(full).emit(record)  # Handler.handleError prints its report to stderr
    finally:
        with contextlib.suppress(OSError):
            full.close()
    return err.getvalue().rstrip("\n")


def _code_error(rng: random.Random) -> str:
    usage: dict[str, int] = {}
    text = raised_and_logged(lambda: usage[rng.choice(["prompt_tokens", "total"])], "src.daemon.handlers",
                             "usage accounting failed")
    return STAMP + text[len(STAMP):]


def _queue_wait(rng: random.Random) -> str:
    return (f"{STAMP} WARNING {rng.choice(['src.daemon.middleware.semaphores', 'src.daemon.queue'])}: request queue "
            f"wait p95 {rng.uniform(5, 20):.1f}s ({rng.randint(3, 9)} running pods)")


@pytest.mark.parametrize("seed", range(3))
def test_a_platform_record_of_our_resource_at_its_size_is_capacity(seed: int) -> None:
    rng = random.Random(seed)
    cases = [[_full_record(rng, rng.choice(["scheduler", "autoscaler", "quota", "eviction"])), _queue_wait(rng)],
             [_full_record(rng, rng.choice(["cpu", "table"])), _timeout(rng)],
             [f"{STAMP} INFO utils.observability: df /var/log/gateway: 5.0G used of 5.0G", _log_write_failed(rng)]]
    # a setting changed AFTER the error (the fix rolling out) or an hour before it (another episode) is not the twin
    setting = rng.choice(["env OPENAI_LOG=debug added", "raised GATEWAY_MAX_WORKERS=16", "memory: 8 Gi changed"])
    later = f"2026-12-06 19:1{rng.randint(3, 9)}:0{rng.randint(0, 9)} INFO src.daemon.main: deploy 4b2e91d: {setting}"
    earlier = f"2026-12-06 1{rng.choice([5, 6, 7])}:{rng.randint(10, 59)}:07 INFO src.daemon.main: deploy 4b2e91d: {setting}"
    cases += [[_full_record(rng, rng.choice(["scheduler", "quota"])), _queue_wait(rng), later],
              [earlier, _full_record(rng, rng.choice(["cpu", "table"])), _timeout(rng)]]
    for lines in cases:
        d = diagnose("\n".join(lines))
        assert d.category == "capacity" and d.confidence < 0.6, (lines, d.rule, d.summary)
    changed = rng.choice([f"{STAMP} INFO src.daemon.main: deploy 9a1c07e: env OPENAI_LOG=debug added",
                          "+    memory: 512Gi", f"2026-12-06 19:0{rng.randint(3, 9)}:41 INFO src.daemon.main: {setting}"])
    mild = f"{STAMP} INFO utils.observability: cgroup cpu.stat nr_periods=600 nr_throttled={rng.randint(0, 100)}"
    far = _full_record(rng, "table").replace("19:12:2", "18:12:2").replace("Dec  6", "2026-12-06")
    twins = [[changed, _full_record(rng, "scheduler"), _queue_wait(rng)],  # the setting changed decides
             [mild, _timeout(rng)],  # few periods throttled: no quota reached
             [far, _timeout(rng)],  # an hour before: another episode
             [_full_record(rng, rng.choice(["cpu", "table"])), _code_error(rng)]]  # another reading answered: code
    for lines in twins:
        got = diagnose("\n".join(lines))
        assert "at-its-size" not in got.rule, (lines, got.rule, got.summary)


@pytest.mark.parametrize("seed", range(3))
def test_another_process_out_of_its_own_resource_is_not_our_capacity(seed: int) -> None:
    """Near-miss of the errno kind: a backup job's volume or a CI runner's descriptor table full, logged by that
    process about its own path, beside a symptom of ours that names neither. The full resource is not ours (the
    docstring's 'OUR resource'): the symptom stays unexplained, not capacity."""
    rng = random.Random(seed)
    theirs = ([
        "ERROR backup-agent: pg_dump to /mnt/backup/nightly.sql failed: [Errno 28] No space left on device",
        "WARNING ci-runner: npm install in /builds/web: EMFILE: Too many open files, retrying",
        "ERROR logrotate: error writing /var/log/nginx/access.log.1: Disk quota exceeded"])[seed]
    ours = rng.choice(["src.daemon.queue", "src.providers.router"])
    case = "\n".join([f"2026-12-06 19:1{rng.randint(0, 1)}:0{rng.randint(0, 9)} {theirs}",
                      f"{STAMP} ERROR {ours}: [req:{rng.randrange(16**4):04x}] request waited "
                      f"{rng.randint(20, 60)}s in the queue, giving up"])
    got = diagnose(case)
    assert got.category != "capacity", (case, got.rule, got.summary)


def _hpa_condition(rng: random.Random, reason: str) -> str:
    """The HorizontalPodAutoscaler's ScalingLimited condition as `kubectl describe hpa` prints it, or as a
    controller's event line (horizontal.go's reasons and messages)."""
    message = {"TooManyReplicas": "the desired replica count is more than the maximum replica count",
               "TooFewReplicas": "the desired replica count is less than the minimum replica count",
               "ScaleUpLimit": "the desired replica count is increasing faster than the maximum scale rate"}[reason]
    return rng.choice([f"  ScalingLimited  True    {reason}   {message}",
                       f"{STAMP} WARNING kube.events: HorizontalPodAutoscaler/gateway ScalingLimited {reason}: "
                       f"{message}"])


def _busy_symptom(rng: random.Random) -> str:
    rid = f"{rng.randrange(16**6):06x}"
    return rng.choice([_queue_wait(rng),
                       f"{STAMP} ERROR src.daemon.ws_server: [req:{rid}] request waited {rng.randint(20, 60)}.0s in "
                       "the queue for a worker, giving up"])


@pytest.mark.parametrize("seed", range(4))
def test_an_autoscaler_at_its_max_replicas_is_capacity(seed: int) -> None:
    """The HPA asks for more replicas than maxReplicas lets it run (TooManyReplicas) beside a symptom no reading
    explained: the load outgrew the replicas we may run - capacity. Twins that must NOT change: the floor
    (TooFewReplicas) and the scaling policy's pace (ScaleUpLimit) are no resource at its size; maxReplicas lowered by
    a deploy just before (a values diff) is the setting's (config), as every other at-its-size kind."""
    rng = random.Random(seed)
    d = diagnose("\n".join([_hpa_condition(rng, "TooManyReplicas"), _busy_symptom(rng)]))
    assert d.category == "capacity" and "at-its-size" in d.rule and "maxReplicas" in d.summary, (d.rule, d.summary)
    assert d.confidence < 0.6
    for lines in ([_hpa_condition(rng, "TooFewReplicas"), _busy_symptom(rng)],
                  [_hpa_condition(rng, "ScaleUpLimit"), _busy_symptom(rng)]):
        got = diagnose("\n".join(lines))
        assert "at-its-size" not in got.rule and got.category != "capacity", (lines, got.rule, got.summary)
    # the ceiling itself lowered by a deploy just before: the setting reached at ordinary load is what to change
    lowered = rng.choice(["+  maxReplicas: 2", "-  maxReplicas: 12",
                          f"{STAMP[:-2]}05 INFO src.daemon.main: deploy 4b2e91d: set to HPA_MAX_REPLICAS=2"])
    got = diagnose("\n".join([lowered, _hpa_condition(rng, "TooManyReplicas"), _busy_symptom(rng)]))
    assert got.category == "config" and got.rule.endswith("+limit-setting") and got.confidence < 0.6, got.rule
    # another setting changed before the same ceiling (a log level) is not the limit: no config from this look
    other = f"{STAMP[:-2]}05 INFO src.daemon.main: deploy 9a1c07e: env OPENAI_LOG=debug added"
    got = diagnose("\n".join([other, _hpa_condition(rng, "TooManyReplicas"), _busy_symptom(rng)]))
    assert "limit-setting" not in got.rule and "at-its-size" not in got.rule, got.rule


def _os_error(code: int) -> str:
    def fail() -> None:
        raise OSError(code, os.strerror(code))
    return STAMP + raised_and_logged(fail, "src.daemon.ws_server", "accept failed")[len(STAMP):]


@pytest.mark.parametrize("seed", range(3))
def test_a_descriptor_limit_lowered_just_before_emfile_is_config(seed: int) -> None:
    """EMFILE answered capacity by the rules: when the descriptor limit itself was set just before (a deploy's
    ULIMIT_NOFILE / LimitNOFILE, a diff of nofile), the limit was set below the load - config. Twins: another
    setting changed (a log level), or a nofile change before a FULL DISK (ENOSPC is not the descriptor limit): the
    capacity answer stands."""
    rng = random.Random(seed)
    n = rng.choice([256, 512, 1024])
    lowered = rng.choice([f"{STAMP[:-2]}05 INFO src.daemon.main: deploy 4b2e91d: set to ULIMIT_NOFILE={n}",
                          f"+      LimitNOFILE: {n}", f"{STAMP[:-2]}05 INFO src.daemon.main: changed RLIMIT_NOFILE={n}"])
    got = diagnose("\n".join([lowered, _os_error(errno.EMFILE)]))
    assert got.category == "config" and got.rule.endswith("+limit-setting"), (lowered, got.rule)
    other = f"{STAMP[:-2]}05 INFO src.daemon.main: deploy 4b2e91d: set to LOG_LEVEL=DEBUG"
    for lines in ([other, _os_error(errno.EMFILE)], [lowered, _os_error(errno.ENOSPC)], [_os_error(errno.EMFILE)]):
        got = diagnose("\n".join(lines))
        assert "limit-setting" not in got.rule and got.category == "capacity", (lines, got.rule)


def _resource_setting(rng: random.Random, res: str, n: int) -> str:
    """A deploy's change of `res`'s limit, in one of the spellings a setting names a Kubernetes resource with."""
    env = res.upper().replace("-", "_").replace(".", "_").replace("/", "_")
    amount = f"{n}Gi" if res != "cpu" else f"{n * 100}m"
    return rng.choice([f"+        {res}: {amount}", f"-          {res}: {amount}",
                       f"{STAMP[:-2]}05 INFO src.daemon.main: deploy 4b2e91d: set to {env}_{rng.choice(['LIMIT', 'REQUEST', 'QUOTA'])}={amount}",
                       f"{STAMP[:-2]}05 INFO src.daemon.main: deploy 4b2e91d: changed resources.{rng.choice(['limits', 'requests'])}.{res}: {amount}",
                       f"+  requests.{res}: {amount}"])


@pytest.mark.parametrize("seed", range(6))
def test_the_limit_setting_is_the_reached_resources_own_key(seed: int) -> None:
    """The config twin (`+limit-setting`) reads the changed setting by one grammar: its key names the resource the
    record reports reached as a whole segment (resources.limits.R, requests.R, R_LIMIT=, `R:` in a values diff) - for
    the scheduler's, the quota's, the kubelet's and the CPU throttle's records alike. Twins: the OTHER resource's key
    (a memory change before `Insufficient cpu`), a key that only contains the name (cpus_per_task, MEMORYSTORE_HOST)
    leave the capacity answer. Before, an env var (CPU_LIMIT=, MEMORY_REQUEST=) was no limit of the scheduler's,
    quota's or eviction's record (`\\bmemory\\b` does not match inside MEMORY_REQUEST), and the quota's check read its
    own quota NAME as a resource."""
    rng = random.Random(seed)
    n = rng.randint(1, 8)
    res = rng.choice(["cpu", "memory"])
    other = "memory" if res == "cpu" else "cpu"
    records = {
        "scheduler": f"  Warning  FailedScheduling  38s  default-scheduler  0/{n} nodes are available: {n} Insufficient "
                     f"{res}.",
        "quota": f"2m   Warning  FailedCreate  replicaset/gw-{rng.randrange(16**5):05x}  Error creating: pods \"gw-x\" is "
                 f"forbidden: exceeded quota: compute-{other}, requested: limits.{res}=2, used: limits.{res}={n * 2}, "
                 f"limited: limits.{res}={n * 2 + 1}",
        "cpu": f"{STAMP} INFO utils.observability: cgroup cpu.stat nr_periods=600 nr_throttled={rng.randint(400, 590)}",
    }
    kind = rng.choice(sorted(records))
    reached = "cpu" if kind == "cpu" else res
    symptom = _queue_wait(rng) if kind != "cpu" else _timeout(rng)
    got = diagnose("\n".join([_resource_setting(rng, reached, n), records[kind], symptom]))
    assert got.category == "config" and got.rule.endswith("+limit-setting"), (kind, got.rule, got.summary)
    wrong = "memory" if reached == "cpu" else "cpu"
    for changed in (_resource_setting(rng, wrong, n),
                    f"{STAMP[:-2]}05 INFO src.daemon.main: deploy 4b2e91d: set to {reached.upper()}STORE_HOST=10.0.0.{n}"):
        got = diagnose("\n".join([changed, records[kind], symptom]))
        assert "limit-setting" not in got.rule, (kind, changed, got.rule)
