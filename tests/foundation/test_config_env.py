"""Configuration as a deployment sees it: Kubernetes' injected variables, `${VAR}`, `secret_env`,
paths relative to the config file, and errors that name the environment variable."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from sidecar.config import ConfigError, load_config
from sidecar.httpclient import client_session
from sidecar.rollout.hooks import post_webhook
from tests.helpers import signed_by

# What the kubelet injects into every pod of the namespace for a Service named `sidecar` on port
# 8081 (docker-link style service environment variables), plus the project's own demo variable.
KUBERNETES_SERVICE_ENV = {
    "SIDECAR_PORT": "tcp://10.96.12.7:8081",
    "SIDECAR_PORT_8081_TCP": "tcp://10.96.12.7:8081",
    "SIDECAR_PORT_8081_TCP_ADDR": "10.96.12.7",
    "SIDECAR_PORT_8081_TCP_PORT": "8081",
    "SIDECAR_PORT_8081_TCP_PROTO": "tcp",
    "SIDECAR_SERVICE_HOST": "10.96.12.7",
    "SIDECAR_SERVICE_PORT": "8081",
    "SIDECAR_SERVICE_PORT_HTTP": "8081",
    "SIDECAR_DEMO_TOKEN": "demo-token",
    "SIDECAR_HOOK_SECRET": "from-the-rules-file-comment",
}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_kubernetes_service_variables_do_not_stop_the_sidecar(tmp_path):
    p = write(tmp_path / "sidecar.yaml", "server:\n  port: 9100\n")
    config = load_config(p, {**KUBERNETES_SERVICE_ENV, "SIDECAR_SERVER__HOST": "127.0.0.1"})
    assert config.server.port == 9100  # SIDECAR_PORT is Kubernetes', not ours
    assert config.server.host == "127.0.0.1"  # a real override still applies


def test_sidecar_check_passes_in_a_pod_environment(tmp_path):
    write(tmp_path / "sidecar.yaml", "server:\n  port: 9100\nrollouts_file: null\n")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[2]), **KUBERNETES_SERVICE_ENV}
    r = subprocess.run([sys.executable, "-m", "sidecar", "check", "--config", "sidecar.yaml"], cwd=tmp_path,
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "unknown key" not in r.stdout + r.stderr


def test_unknown_nested_variable_is_ignored_not_fatal(tmp_path):
    p = write(tmp_path / "sidecar.yaml", "{}\n")
    assert load_config(p, {"SIDECAR_SERVER__PROT": "1"}).server.port == 8081


def test_bad_value_from_the_environment_names_the_variable(tmp_path):
    p = write(tmp_path / "sidecar.yaml", "server:\n  port: 9000\n")
    with pytest.raises(ConfigError) as info:
        load_config(p, {"SIDECAR_SERVER__PORT": "tcp://10.0.0.1:8081"})
    assert info.value.source == "environment"
    [problem] = info.value.problems
    assert problem.startswith("SIDECAR_SERVER__PORT: ")
    assert "sidecar.yaml" not in str(info.value)


def test_file_and_environment_problems_are_told_apart(tmp_path):
    p = write(tmp_path / "sidecar.yaml", "logging:\n  level: LOUD\n")
    with pytest.raises(ConfigError) as info:
        load_config(p, {"SIDECAR_SERVER__PORT": "0"})
    assert info.value.source == str(p)
    assert any(x.startswith("logging.level: ") for x in info.value.problems)
    assert "SIDECAR_SERVER__PORT: must be between 1 and 65535" in info.value.problems


def test_variables_expand_in_every_string_with_defaults_and_escapes(tmp_path):
    p = write(tmp_path / "sidecar.yaml", (
        "server:\n  api_token: ${API_TOKEN}\n  public_url: ${PUBLIC_URL:-http://sidecar.example:8081}\n"
        "store:\n  path: ${DATA_DIR-/var/lib/sidecar}/db.sqlite\n"
        "diagnosis:\n  model: cost$$saver\n"
        "metrics:\n  prometheus_url: http://prom:9090/${EMPTY:-x}\n"
    ))
    config = load_config(p, {"API_TOKEN": "tok-123", "EMPTY": ""})
    assert config.server.api_token is not None and config.server.api_token.get_secret_value() == "tok-123"
    assert config.server.public_url == "http://sidecar.example:8081"
    assert config.store.path == "/var/lib/sidecar/db.sqlite"
    assert config.diagnosis.model == "cost$saver"
    assert config.metrics.prometheus_url == "http://prom:9090/x"


def test_lower_case_placeholders_are_not_variables(tmp_path):
    rules = write(tmp_path / "rollouts.yaml", (
        "rollouts:\n  - name: r\n    flag: F\n    stages:\n      - percent: 1\n        gates:\n"
        "          - name: g\n            metric: {source: promql, function: value, query: 'sum(rate(x[${window}]))'}\n"
        "            op: '<'\n            threshold: 1\n"
    ))
    p = write(tmp_path / "sidecar.yaml", f"rollouts_file: {rules}\n")
    config = load_config(p, {})
    assert config.rollouts[0].stages[0].gates[0].metric.query == "sum(rate(x[${window}]))"


def test_unset_variable_is_a_start_error_with_its_field_path(tmp_path):
    p = write(tmp_path / "sidecar.yaml", "server:\n  api_token: ${NOT_SET_ANYWHERE}\n")
    with pytest.raises(ConfigError) as info:
        load_config(p, {})
    assert info.value.problems == ["server.api_token: environment variable NOT_SET_ANYWHERE is not set"]


@pytest.mark.parametrize("section,field", [("server", "api_token"), ("store", "dsn"), ("diagnosis", "api_key")])
def test_secret_env_works_for_every_secret(tmp_path, section, field):
    extra = "  backend: postgres\n" if section == "store" else ""
    p = write(tmp_path / "sidecar.yaml", f"{section}:\n{extra}  {field}_env: MY_SECRET\n")
    config = load_config(p, {"MY_SECRET": "value-from-env"})
    assert getattr(getattr(config, section), field).get_secret_value() == "value-from-env"
    with pytest.raises(ConfigError) as info:
        load_config(p, {})
    assert f"{field}_env: environment variable MY_SECRET is not set" in info.value.problems[0]


def test_secret_and_secret_env_together_is_an_error(tmp_path):
    p = write(tmp_path / "sidecar.yaml", "server:\n  api_token: a\n  api_token_env: B\n")
    with pytest.raises(ConfigError, match="either api_token or api_token_env"):
        load_config(p, {"B": "b"})


def test_paths_resolve_against_the_config_files_directory(tmp_path):
    conf = tmp_path / "etc" / "sidecar"
    write(conf / "rules" / "rollouts.yaml", "rollouts:\n  - name: beside\n    flag: F\n    stages: [{percent: 1}]\n")
    write(conf / "sidecar.yaml", (
        "rollouts_file: rules/rollouts.yaml\nsources:\n  - paths: [logs/*.log]\n"
        "store:\n  path: data/sidecar.db\n"
    ))
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    r = subprocess.run(
        [sys.executable, "-c", "import sys, json; from sidecar.config import load_config; c = load_config(sys.argv[1], {});"
         " print(json.dumps([c.rollouts[0].name, c.sources[0].paths[0], c.store.path]))", str(conf / "sidecar.yaml")],
        cwd=elsewhere, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert r.returncode == 0, r.stderr
    name, source, db = json.loads(r.stdout)
    assert name == "beside"
    assert source == str(conf / "logs" / "*.log")
    assert db == str(conf / "data" / "sidecar.db")


async def test_hook_secret_from_a_variable_signs_with_the_real_secret(tmp_path, free_port):
    got: list[tuple[bytes, dict[str, str]]] = []

    async def handle(request: web.Request) -> web.Response:
        got.append((await request.read(), dict(request.headers)))
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", free_port).start()
    url = f"http://127.0.0.1:{free_port}"
    rules = write(tmp_path / "rollouts.yaml", (
        "rollouts:\n  - name: r\n    flag: F\n    stages: [{percent: 1}]\n    hooks:\n"
        f"      - {{kind: rollback, name: a, url: '{url}/a', secret: '${{HOOK_SECRET}}'}}\n"
        f"      - {{kind: rollback, name: b, url: '{url}/b', secret_env: SIDECAR_HOOK_SECRET}}\n"
    ))
    p = write(tmp_path / "sidecar.yaml", f"rollouts_file: {rules}\n")
    config = load_config(p, {"HOOK_SECRET": "real-secret-a", "SIDECAR_HOOK_SECRET": "real-secret-b"})
    try:
        async with aiohttp.ClientSession() as session:
            for hook in config.rollouts[0].hooks:
                result = await post_webhook(session, hook, {"kind": "rollback", "idempotency_key": "k"}, 1,
                                            name=hook.name or "", now=1_763_900_000.0)
                assert result.ok
    finally:
        await runner.cleanup()
    (body_a, sig_a), (body_b, sig_b) = got
    assert signed_by("real-secret-a", body_a, sig_a)
    assert signed_by("real-secret-b", body_b, sig_b)
    assert not signed_by("${HOOK_SECRET}", body_a, sig_a)


async def test_outgoing_sessions_go_through_the_proxy_the_environment_names(free_port, monkeypatch):
    seen: list[str] = []

    async def proxy(request: web.Request) -> web.Response:  # an HTTP proxy sees absolute-form targets
        seen.append(str(request.url))
        return web.Response(text="via proxy")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", proxy)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", free_port).start()
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    try:
        async with client_session() as session, session.get("http://hooks.invalid/rollback") as resp:
            assert await resp.text() == "via proxy"
    finally:
        await runner.cleanup()
    assert seen == ["http://hooks.invalid/rollback"]


def run_check(tmp_path: Path, config: str) -> subprocess.CompletedProcess[str]:
    write(tmp_path / "sidecar.yaml", config)
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[2])}
    return subprocess.run([sys.executable, "-m", "sidecar", "check", "--config", "sidecar.yaml"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=60)


def test_check_warns_about_a_config_with_no_sources(tmp_path):
    r = run_check(tmp_path, "rollouts_file: null\n")
    assert r.returncode == 0, r.stdout
    assert "warning: no sources configured" in r.stdout


def test_check_warns_about_sources_that_match_no_file(tmp_path):
    (tmp_path / "logs").mkdir()
    r = run_check(tmp_path, "rollouts_file: null\nsources:\n  - {name: gw, paths: [missing/*.log]}\n"
                            "  - {name: empty, paths: [logs/*.log]}\n")
    assert r.returncode == 0, r.stdout
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("warning:")]
    assert any("sources[0] (gw)" in ln and "does not exist" in ln for ln in lines), lines
    assert any("sources[1] (empty)" in ln and "no file matches" in ln for ln in lines), lines
    (tmp_path / "logs" / "a.log").write_text("x\n")
    (tmp_path / "missing").mkdir()
    (tmp_path / "missing" / "b.log").write_text("y\n")
    r = run_check(tmp_path, "rollouts_file: null\nsources:\n  - {name: gw, paths: [missing/*.log]}\n"
                            "  - {name: empty, paths: [logs/*.log]}\n")
    assert "warning" not in r.stdout, r.stdout


def test_a_section_level_problem_from_the_environment_names_its_variables(tmp_path):
    p = write(tmp_path / "sidecar.yaml", "{}\n")
    with pytest.raises(ConfigError) as info:
        load_config(p, {"SIDECAR_STORE__BACKEND": "postgres"})
    assert info.value.source == "environment"
    assert info.value.problems[0].startswith("store (from SIDECAR_STORE__BACKEND): backend 'postgres' needs dsn")
