"""The files other tools read: Prometheus rules, the Grafana dashboard, the Dockerfile, deploy manifests."""

from __future__ import annotations

import glob
import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import yaml
from prometheus_client import CollectorRegistry

from sidecar.demo.gateway import GatewayMetrics
from sidecar.telemetry import Telemetry

ROOT = Path(__file__).resolve().parents[2]


def exported_names(registry: CollectorRegistry) -> set[str]:
    """Every sample name a registry can expose, including labelled series not yet observed."""
    names: set[str] = set()
    for family in registry.collect():
        suffixes = {"counter": ["_total", "_created"], "histogram": ["_bucket", "_sum", "_count", "_created"],
                    "summary": ["_sum", "_count", "_created"], "gauge": [""]}.get(family.type, [""])
        names.update(family.name + s for s in suffixes)
    return names


def test_promtool_accepts_the_alert_rules():
    promtool = shutil.which("promtool")
    assert promtool, "promtool missing: install the Debian package 'prometheus' (make test does)"
    files = sorted(glob.glob(str(ROOT / "rules" / "*.yml")))
    assert files, "no Prometheus rule files in rules/*.yml"
    result = subprocess.run([promtool, "check", "rules", *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    alerts = {r["alert"] for f in files for g in yaml.safe_load(Path(f).read_text())["groups"] for r in g["rules"]}
    assert {"SidecarDown", "SidecarTailLagHigh", "SidecarLLMCircuitOpen", "SidecarAlertDeliveryFailing",
            "SidecarRollbackExecuted"} <= alerts


def test_alert_rules_query_only_exported_metrics():
    known = exported_names(Telemetry().registry) | {"up"}
    for f in glob.glob(str(ROOT / "rules" / "*.yml")):
        for group in yaml.safe_load(Path(f).read_text())["groups"]:
            for rule in group["rules"]:
                for name in re.findall(r"\b(sidecar_[a-z0-9_]+)", rule["expr"]):
                    assert name in known, f"{rule['alert']} queries {name}, which the sidecar does not export"


def test_grafana_dashboard_parses_and_queries_exported_metrics():
    dashboard = json.loads((ROOT / "dashboards" / "gateway-sidecar.json").read_text())
    known = exported_names(Telemetry().registry) | exported_names(GatewayMetrics().registry)
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    assert len(exprs) >= 10
    queried = {n for e in exprs for n in re.findall(r"\b((?:sidecar|mcp)_[a-z0-9_]+)", e)}
    assert any(n.startswith("mcp_") for n in queried) and any(n.startswith("sidecar_") for n in queried)
    missing = sorted(queried - known)
    assert not missing, f"dashboard queries metrics nobody exports: {missing}"


def test_dockerfile_installs_the_way_the_tests_do():
    dockerfile = (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()
    docker_steps = re.findall(r"scripts/install\.sh \S+ (\w+)", dockerfile)
    assert docker_steps == ["deps", "app"], "the image must install through scripts/install.sh"
    assert re.search(r"scripts/install\.sh \$\(VENV\) dev", makefile), "make must install through scripts/install.sh"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    base = re.search(r"^FROM python:(\d+\.\d+)", dockerfile, re.M)
    assert base and requires == f">={base.group(1)}", "the image's Python must be the supported floor"
    assert "EXPOSE 8081" in dockerfile
    assert re.search(r'HEALTHCHECK .*\n?.*"sidecar", "healthcheck"', dockerfile)  # /healthz at the configured port
    user = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert user and user[-1] not in ("root", "0")


def test_install_script_rejects_unknown_modes(tmp_path):
    r = subprocess.run([str(ROOT / "scripts" / "install.sh"), str(tmp_path / "v")], capture_output=True, text=True)
    assert r.returncode != 0 and "usage" in r.stderr
