"""An excerpt of another program's log (here a real PostgreSQL server's own log, default `log_line_prefix = '%m [%p] '`)
is diagnosed from its records as `sidecar run` reads such a file (ingest/sysdialect.py), not refused for having no
gateway header."""

from __future__ import annotations

import random

import psycopg
import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from tests.diagnose.logged import RULES


@pytest.mark.parametrize("seed", range(3))
def test_a_postgres_server_log_excerpt_is_diagnosed_from_its_error_record(pg_cluster, pg_dsn, seed: int) -> None:
    rng = random.Random(seed)
    table = "missing_" + "".join(rng.choice("abcdefghij") for _ in range(8))
    before = pg_cluster.logfile.read_text(errors="replace")
    with psycopg.connect(pg_dsn, autocommit=True) as conn, pytest.raises(psycopg.errors.UndefinedTable):
        conn.execute(f"SELECT * FROM {table}")  # noqa: S608 - a fixed, generated identifier
    excerpt = pg_cluster.logfile.read_text(errors="replace")[len(before):]
    assert f'relation "{table}" does not exist' in excerpt  # the server wrote it, with its STATEMENT line
    inp = excerpt_to_input(excerpt)
    assert inp.level == "ERROR" and f'relation "{table}" does not exist' in inp.message
    assert any("STATEMENT:" in ln for ln in inp.traceback.splitlines())  # elog.c's explanation stays with it
    d = RULES.diagnose(inp)
    assert f'relation "{table}" does not exist' in d.summary


def test_an_excerpt_with_no_record_of_any_known_grammar_is_still_refused() -> None:
    with pytest.raises(ValueError, match="no log header line"):
        excerpt_to_input("just some words\nand more words")


# The platform's own output, as kubelet (pkg/kubelet/events, kubelet_pods.go), the scheduler, Docker's CLI/daemon,
# compose and runc print it (bare_excerpt.py's class): one failure line among normal rows and the operator's commands.
_FAILURES = [
    "{ns}  {age}s  Warning  Failed  pod/{pod}  Error: couldn't find key {key} in Secret {ns}/{secret}",
    "{ns}  {age}s  Warning  FailedScheduling  pod/{pod}  0/{n} nodes are available: {n} Insufficient memory.",
    "  Warning  BackOff  {age}s (x{n} over 2m)  kubelet  Back-off restarting failed container {app} in pod {pod}",
    "Error response from daemon: driver failed programming external connectivity on endpoint {app}-1: Bind for "
    "0.0.0.0:{port} failed: port is already allocated",
    ' ✘ Container {app}-1  Error response from daemon: failed to create task for container: error mounting "/srv/{app}"',
    '{{"log":"exec /app/{app}.sh: no such file or directory\\n","stream":"stderr","time":"2026-12-06T08:30:{age}.004Z"}}',
]
_NORMAL = [
    "{ns}  {age}s  Normal  Pulled  pod/{pod}  Container image \"ghcr.io/acme/{app}:4.{n}.0\" already present on machine",
    " ✔ Container {app}-redis-1  Started    0.{n}s",
    "{ns}  {age}s  Normal  Scheduled  pod/{pod}  Successfully assigned {ns}/{pod} to node-{n}",
]
_COMMANDS = ["$ kubectl -n {ns} get events --field-selector type=Warning | grep -i error",
             "$ docker compose up -d {app}", "# docker ps --filter name={app} --format '{{{{.Status}}}}'"]


@pytest.mark.parametrize("seed", range(3))
def test_an_excerpt_of_platform_output_is_read_by_its_first_failure_line(seed: int) -> None:
    rng = random.Random(seed)
    for failure in _FAILURES:
        fill = {"ns": rng.choice(["gateway", "prod", "gw-eu"]), "age": rng.randint(10, 59), "n": rng.randint(2, 9),
                "pod": f"gw-{rng.randrange(16**6):06x}-q{rng.randint(1, 9)}", "key": rng.choice(["GLM_API_KEY", "DB_URL"]),
                "secret": rng.choice(["providers", "gw-env"]), "app": rng.choice(["gw", "exai-daemon"]),
                "port": rng.choice([8079, 8443, 9000])}
        before = [rng.choice(_COMMANDS).format(**fill)] + [t.format(**fill) for t in rng.sample(_NORMAL, rng.randint(0, 2))]
        line = failure.format(**fill)
        after = [rng.choice(_COMMANDS).format(**fill), "NAME  STATUS", f"{fill['app']}  exited with code 1"]
        inp = excerpt_to_input("\n".join([*before, line, *after]), bare=True)
        assert inp.line == len(before) + 1 and inp.level == "ERROR" and inp.logger is None
        assert inp.context == tuple(before) and inp.after == tuple(after)  # the later failure is a consequence
        assert ("exec /app/" in inp.message) == line.startswith("{")  # a json-file record's container text
        assert not inp.message.startswith("{")
        assert RULES.diagnose(inp).category is not None
        # twin: the commands and the normal rows alone hold no failure - still refused, as is any excerpt without bare
        with pytest.raises(ValueError, match="no log header line"):
            excerpt_to_input("\n".join([*before, *after[:2]]), bare=True)
        with pytest.raises(ValueError, match="no log header line"):
            excerpt_to_input("\n".join([*before, line, *after]))


# platform_causes.py: the platform's own message read by the doctrine (kubelet_pods.go, image_manager.go, Docker's
# port allocator, the scheduler's noderesources fit), each with the category it must get; the pull's twin on the path
_READ = [
    ("{ns}  {age}s  Warning  Failed  pod/{pod}  Error: couldn't find key {key} in Secret {ns}/{secret}", "config"),
    ("  Warning  Failed  {age}s  kubelet  Error: configmap \"{secret}\" not found", "config"),
    ("{ns}  {age}s  Warning  FailedScheduling  pod/{pod}  0/{n} nodes are available: {n} Insufficient memory.", "capacity"),
    ("{ns}  {age}s  Warning  FailedScheduling  pod/{pod}  0/{n} nodes are available: {n} node(s) didn't match Pod's "
     "node affinity/selector.", "config"),
    ("Error response from daemon: driver failed programming external connectivity on endpoint {app}-1: Bind for "
     "0.0.0.0:{port} failed: port is already allocated", "config"),
    ('{ns}  {age}s  Warning  Failed  pod/{pod}  Failed to pull image "ghcr.io/acme/{app}:4.{n}.1": rpc error: code = '
     'NotFound desc = failed to resolve reference "ghcr.io/acme/{app}:4.{n}.1": not found', "config"),
    ('{ns}  {age}s  Warning  Failed  pod/{pod}  Failed to pull image "ghcr.io/acme/{app}:4.{n}.1": rpc error: code = '
     'Unknown desc = failed to do request: Head "https://ghcr.io/v2/acme/{app}/manifests/4.{n}.1": dial tcp '
     '140.82.1{n}.34:443: i/o timeout', "network"),
]


@pytest.mark.parametrize("seed", range(3))
def test_the_platforms_own_failure_message_gets_the_doctrines_category(seed: int) -> None:
    rng = random.Random(seed)
    for failure, category in _READ:
        fill = {"ns": rng.choice(["gateway", "prod"]), "age": rng.randint(10, 59), "n": rng.randint(2, 9),
                "pod": f"gw-{rng.randrange(16**6):06x}-q{rng.randint(1, 9)}", "key": rng.choice(["GLM_API_KEY", "DB_URL"]),
                "secret": rng.choice(["providers", "gw-env"]), "app": rng.choice(["gw", "exai-daemon"]),
                "port": rng.choice([8079, 8443, 9000])}
        before = [t.format(**fill) for t in rng.sample(_NORMAL, rng.randint(0, 2))]
        after = [rng.choice(_COMMANDS).format(**fill)]
        d = RULES.diagnose(excerpt_to_input("\n".join([*before, failure.format(**fill), *after]), bare=True))
        assert d.category == category and d.confidence <= 0.5, (failure, d.rule, d.summary)


@pytest.mark.parametrize("seed", range(3))
def test_an_image_pull_refused_by_a_registry_outage_is_not_config(seed: int) -> None:
    rng = random.Random(seed)
    host = rng.choice(["ghcr.io", "registry.gitlab.com", "quay.io", "harbor.internal:8443"])
    ref = f"{host}/acme/{rng.choice(['gw', 'exai-daemon'])}:4.{rng.randint(2, 9)}.1"
    status = rng.choice(["500 Internal Server Error", "502 Bad Gateway", "503 Service Unavailable"])
    failure = (f"prod  {rng.randint(10, 59)}s  Warning  Failed  pod/gw-{rng.randrange(16**6):06x}-q1  Failed to pull image "
               f'"{ref}": rpc error: code = Unknown desc = failed to resolve reference "{ref}": unexpected status from '
               f"HEAD request to https://{host}/v2/acme/gw/manifests/4.2.1: {status}")
    d = RULES.diagnose(excerpt_to_input(failure, bare=True))
    assert d.category != "config", (status, d.rule, d.summary)
