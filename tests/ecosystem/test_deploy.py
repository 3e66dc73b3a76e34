"""Deploying beside the real gateway: the compose override against the Compose Specification's
schema, the pod against Kubernetes' own schema, the image's layout and health check, the demo."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from sidecar.config import Config
from tests.helpers import wait_serving

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
KUBERNETES_VERSION = "1.30.0"

# The parts of EX-AI-MCP-Server's docker-compose.yml that the override relies on (research note
# upstream-gateway.md, sections 1.1 and 2.1): the daemon service, its ./logs bind mount and TZ,
# json-file logging, and Redis Commander holding host port 8081.
GATEWAY_COMPOSE: dict[str, Any] = {
    "services": {
        "exai-mcp-daemon": {
            "build": ".", "container_name": "exai-mcp-daemon",
            "environment": {"TZ": "Australia/Melbourne"},
            "volumes": ["./logs:/app/logs"],
            "ports": ["3010:8079", "3002:8082"],
            "logging": {"driver": "json-file", "options": {"max-size": "10m", "max-file": "3"}},
        },
        "redis": {"image": "redis:7-alpine"},
        "redis-commander": {"image": "rediscommander/redis-commander:latest", "ports": ["8081:8081"]},
    },
}


def compose_schema() -> dict[str, Any]:
    path = resources.files("check_jsonschema") / "builtin_schemas" / "vendor" / "compose-spec.json"
    return json.loads(path.read_text())


def merge_compose(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Compose's merge for what these files use: mappings merge, sequences of mounts append."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_compose(out[key], value)
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = out[key] + [v for v in value if v not in out[key]]
        else:
            out[key] = copy.deepcopy(value)
    return out


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / name).read_text())


@pytest.mark.parametrize("files", [["docker-compose.sidecar.yml"],
                                   ["docker-compose.sidecar.yml", "docker-compose.docker-logs.yml"]])
def test_compose_override_joins_the_gateways_project(files):
    schema = compose_schema()
    merged = GATEWAY_COMPOSE
    for name in files:
        jsonschema.validate(load(name), schema)  # each file on its own is a valid compose file
        merged = merge_compose(merged, load(name))
    jsonschema.validate(merged, schema)
    sidecar = merged["services"]["gateway-sidecar"]
    gateway = merged["services"]["exai-mcp-daemon"]
    assert "networks" not in sidecar and "networks" not in merged, "must join the project's default network"
    [gateway_logs] = [v.split(":")[0] for v in gateway["volumes"] if v.endswith(":/app/logs")]
    assert f"{gateway_logs}:/gateway/logs:ro" in sidecar["volumes"], "shares the gateway's ./logs bind mount, read-only"
    host_ports = [p.split(":")[0] for svc in merged["services"].values() for p in svc.get("ports", [])]
    assert len(host_ports) == len(set(host_ports)), f"host port taken twice: {host_ports}"
    assert "exai-mcp-daemon" in sidecar["depends_on"]


def test_docker_logs_override_reads_root_only_logs_with_no_capabilities():
    merged = merge_compose(merge_compose(GATEWAY_COMPOSE, load("docker-compose.sidecar.yml")),
                           load("docker-compose.docker-logs.yml"))
    sidecar = merged["services"]["gateway-sidecar"]
    assert sidecar["user"] == "0:0" and sidecar["cap_drop"] == ["ALL"] and sidecar["read_only"] is True
    assert "/var/lib/docker/containers:/var/lib/docker/containers:ro" in sidecar["volumes"]
    sources = yaml.safe_load(sidecar["environment"]["SIDECAR_SOURCES"])
    assert {s["format"] for s in sources} == {"text", "docker"}


def pod_documents() -> list[dict[str, Any]]:
    return list(yaml.safe_load_all((DEPLOY / "kubernetes" / "sidecar-pod.yaml").read_text()))


def test_pod_is_valid_for_kubernetes_and_only_the_sidecar_is_non_root():
    docs = pod_documents()
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    pod = next(d for d in docs if d["kind"] == "Pod")
    assert "runAsNonRoot" not in pod["spec"].get("securityContext", {}), "the gateway image runs as root"
    gateway = next(c for c in pod["spec"]["containers"] if c["name"] == "gateway")
    sidecar = next(c for c in pod["spec"]["containers"] if c["name"] == "sidecar")
    assert "runAsNonRoot" not in gateway.get("securityContext", {})
    assert sidecar["securityContext"]["runAsNonRoot"] is True and sidecar["securityContext"]["runAsUser"] != 0
    # Probe semantics (README "Probes"): liveness on /healthz; no readiness probe in the gateway's pod.
    assert sidecar["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert "readinessProbe" not in sidecar
    config_map = next(d for d in docs if d["kind"] == "ConfigMap")
    for text in (config_map["data"]["sidecar.yaml"], (DEPLOY / "sidecar.yaml").read_text()):
        Config.model_validate(yaml.safe_load(text))


def test_a_broken_pod_is_refused_by_the_schema():
    pod = copy.deepcopy(next(d for d in pod_documents() if d["kind"] == "Pod"))
    pod["spec"]["containers"][1]["livenessProbe"]["httpGet"]["port"] = {"name": "http"}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(pod, KUBERNETES_VERSION, strict=True)


def image_layout(tmp_path: Path) -> Path:
    """/app as the Dockerfile lays it out: each `COPY src dst` of the repository, relative to WORKDIR."""
    app = tmp_path / "app"
    app.mkdir()
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        parts = line.split()
        if parts[:1] == ["COPY"] and len(parts) == 3 and not parts[1].startswith("--"):
            src, dst = ROOT / parts[1], app / parts[2]
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(src, dst)
    return app


def test_sidecar_eval_works_in_the_image_layout(tmp_path):
    app = image_layout(tmp_path)
    assert (app / "evals" / "cases").is_dir() and (app / "rules" / "diagnoses.yaml").is_file()
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(app), "SIDECAR_CONFIG": str(tmp_path / "none.yaml")}
    (tmp_path / "none.yaml").write_text("rollouts_file: null\n")
    r = subprocess.run([sys.executable, "-m", "sidecar", "eval"], cwd=app, env=env, capture_output=True,
                       text=True, timeout=300)
    # The command must run and score every case in the image layout. Exit status 1 only says that some
    # cases fail: evals/cases holds near-miss and unknown cases the rules do not all pass yet (issue 17).
    n_cases = len(list((app / "evals" / "cases").glob("*.yaml")))
    assert r.returncode in (0, 1), r.stdout[-2000:] + r.stderr[-2000:]
    assert re.search(rf"rules: accuracy \d+/{n_cases} ", r.stdout), r.stdout[-2000:] + r.stderr[-2000:]


def test_healthcheck_follows_the_configured_port(tmp_path, free_port):
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'HEALTHCHECK' in dockerfile and '"sidecar", "healthcheck"' in dockerfile
    config = tmp_path / "sidecar.yaml"
    config.write_text(f"server: {{host: 127.0.0.1, port: {free_port}}}\nrollouts_file: null\n"
                      f"store: {{path: {tmp_path / 'db.sqlite'}}}\ningest: {{checkpoint_dir: {tmp_path / 'ckpt'}}}\n")
    env = {**os.environ, "SIDECAR_CONFIG": str(config), "PYTHONPATH": str(ROOT)}
    check = [sys.executable, "-m", "sidecar", "healthcheck"]
    # Bounds a loaded machine meets: each of these processes imports the sidecar first (tests/helpers.py).
    assert subprocess.run(check, env=env, cwd=tmp_path, capture_output=True, timeout=120).returncode == 1
    proc = subprocess.Popen([sys.executable, "-m", "sidecar", "run"], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=(tmp_path / "sidecar.err").open("wb"))
    try:
        wait_serving(f"http://127.0.0.1:{free_port}/healthz", proc, "sidecar run", tmp_path / "sidecar.err")
        code = subprocess.run(check, env=env, cwd=tmp_path, capture_output=True, timeout=120).returncode
        assert code == 0, "healthcheck did not see the sidecar serving on its configured port"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_demo_leaves_no_temp_directory_and_make_takes_a_port(tmp_path, free_port):
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "sidecar", "demo", "--speed", "20", "--port", str(free_port),
                        "--duration", "2"], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert f"127.0.0.1:{free_port}" in r.stdout
    assert not list(tmp_path.glob("sidecar-demo-*")), "the demo left its working directory behind"
    dry = subprocess.run(["make", "-n", "demo", "PORT=9123"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert "sidecar demo --port 9123" in dry.stdout


def test_metrics_carry_process_python_and_build_info():
    from sidecar import __version__
    from sidecar.telemetry import Telemetry

    text = Telemetry().render().decode()
    assert f'sidecar_build_info{{python="{sys.version.split()[0]}",version="{__version__}"}} 1.0' in text
    assert "process_resident_memory_bytes" in text and "process_open_fds" in text
    assert "python_info{" in text and "python_gc_objects_collected_total" in text
