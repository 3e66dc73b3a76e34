"""`sidecar demo`: a simulated gateway, a hook/chat receiver, and the sidecar on them.

Everything a newcomer needs to see in a minute: error groups with diagnoses, a rollout ramping
1% -> 10%, and the automatic rollback when the canary regresses. Time-based settings are divided
by `--speed`, so the end-to-end test can play the same scenario in seconds.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

import aiohttp

from ..app import Sidecar, StartupError
from ..config import Config
from .receiver import Receiver

ROLLOUT = "async-upload"
RULES_DIR = Path(__file__).resolve().parents[2] / "rules"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def demo_config(workdir: Path, port: int, token: str, gateway: str, receiver: str, speed: float) -> Config:
    """The sidecar's configuration for the demo: every stage on, all times scaled by `speed`."""

    def t(seconds: float) -> float:
        return max(0.05, seconds / speed)

    canary = {"execution_type": "async"}
    baseline = {"execution_type": "sync"}
    data: dict[str, Any] = {
        "server": {"host": "127.0.0.1", "port": port, "api_token": token},
        "sources": [{"name": "ws_daemon", "paths": [str(workdir / "logs" / "*.log")], "format": "text",
                     "start_at": "beginning", "multiline_timeout": t(1.0)}],
        "ingest": {"checkpoint_dir": str(workdir / "data" / "checkpoints"), "rescan_interval": 0.25},
        "store": {"path": str(workdir / "data" / "sidecar.db"), "spool_dir": str(workdir / "data" / "spool")},
        "diagnosis": {"rules_file": str(RULES_DIR / "diagnoses.yaml")},
        "metrics": {
            "targets": [{"name": "gateway", "url": f"{gateway}/metrics", "interval": t(2.0)}],
            "jsonl": [{"name": "async_upload", "start_at": "beginning", "poll_interval": 0.2,
                       "paths": [str(workdir / "logs" / "async_upload_rollout" / "metrics.jsonl")]}],
        },
        "rollouts_file": None,
        "rollouts": [{
            "name": ROLLOUT,
            "flag": "ASYNC_UPLOAD_ROLLOUT",
            "interval": t(2.0),
            "samples": {"source": "jsonl", "stream": "async_upload", "function": "count", "where": canary},
            "stages": [
                {"percent": 1, "hold": t(10), "min_samples": 20, "gates": [
                    {"name": "success-rate", "metric": {"source": "jsonl", "stream": "async_upload",
                     "function": "success_rate", "where": canary}, "op": ">=", "threshold": 0.97,
                     "window": t(60), "min_samples": 20},
                ]},
                {"percent": 10, "hold": t(600), "min_samples": 200, "gates": [
                    {"name": "success-rate", "metric": {"source": "jsonl", "stream": "async_upload",
                     "function": "success_rate", "where": canary}, "op": ">=", "threshold": 0.99,
                     "window": t(60), "min_samples": 100},
                    {"name": "p95-latency", "metric": {"source": "jsonl", "stream": "async_upload",
                     "function": "quantile", "quantile": 0.95, "field": "duration_ms", "where": canary},
                     "relative_to": {"source": "jsonl", "stream": "async_upload", "function": "quantile",
                                     "quantile": 0.95, "field": "duration_ms", "where": baseline},
                     "op": "<=", "threshold": 1.2, "window": t(60), "min_samples": 50},
                ]},
                {"percent": 50, "hold": t(600), "min_samples": 2000},
                {"percent": 100, "hold": t(600), "min_samples": 5000},
            ],
            "triggers": [
                {"name": "error-rate", "metric": {"source": "jsonl", "stream": "async_upload",
                 "function": "error_rate", "where": canary}, "op": ">", "threshold": 0.05,
                 "window": t(15), "min_samples": 40},
            ],
            "hooks": [
                {"kind": "stage-change", "url": f"{receiver}/hook/stage-change", "timeout": 5},
                {"kind": "rollback", "url": f"{receiver}/hook/rollback", "timeout": 5,
                 "secret": "demo-hook-secret"},
            ],
        }],
        "alerts": {
            "rules_file": None,
            "receivers": [{"name": "chat", "kind": "webhook", "url": f"{receiver}/chat/webhook"}],
            "routes": [{"receivers": ["chat"], "group_by": ["kind"], "group_wait": t(2),
                        "group_interval": t(10), "repeat_interval": t(3600)}],
        },
    }
    return Config.model_validate(data)


async def start_gateway(workdir: Path, port: int, speed: float) -> asyncio.subprocess.Process:
    """Start the simulated gateway as its own process and wait until it serves."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sidecar.demo.gateway", "--dir", str(workdir), "--port", str(port),
        "--speed", str(speed), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )
    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            if proc.returncode is not None:
                raise StartupError("demo gateway exited during start-up")
            try:
                async with http.get(f"http://127.0.0.1:{port}/flags") as resp:
                    if resp.status == 200:
                        return proc
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    proc.terminate()
    raise StartupError("demo gateway did not start within 10 s")


def prepare_workdir(workdir: str | None) -> Path:
    root = Path(workdir or tempfile.mkdtemp(prefix="sidecar-demo-")).resolve()
    root.mkdir(parents=True, exist_ok=True)
    return root


async def start_rollout(url: str, token: str) -> None:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
        async with http.post(f"{url}/api/rollouts/{ROLLOUT}/start") as resp:
            if resp.status >= 300:
                print(f"could not start the demo rollout: HTTP {resp.status} {await resp.text()}", file=sys.stderr)


async def run_demo(root: Path, speed: float = 1.0, port: int = 8081, duration: float | None = None) -> int:
    token = os.environ.get("SIDECAR_DEMO_TOKEN") or secrets.token_urlsafe(18)
    gateway_port, receiver_port = free_port(), free_port()
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    receiver = Receiver(gateway_flags_url=f"{gateway_url}/flags")
    await receiver.start(receiver_port)
    gateway = await start_gateway(root, gateway_port, speed)
    sidecar = Sidecar(demo_config(root, port, token, gateway_url, receiver.url, speed))
    try:
        await sidecar.start()
        print(
            f"gateway-sidecar demo\n"
            f"  dashboard:  {sidecar.url}/\n"
            f"  API token:  {token}   (log in on the dashboard to use its actions)\n"
            f"  gateway:    {gateway_url}/metrics  (simulated; logs in {root / 'logs'})\n"
            f"  receiver:   {receiver.url}/received  (rollback hook and chat alerts land here)\n"
            f"Press Ctrl-C to stop.",
            flush=True,
        )
        await start_rollout(sidecar.url, token)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await asyncio.wait_for(stop.wait(), timeout=duration)
        except TimeoutError:
            pass
    except StartupError as exc:
        print(f"sidecar demo: {exc}", file=sys.stderr)
        return 1
    finally:
        await sidecar.stop()
        gateway.terminate()
        try:
            await asyncio.wait_for(gateway.wait(), timeout=5)
        except TimeoutError:
            gateway.kill()
        await receiver.stop()
    print("demo stopped", flush=True)
    return 0
