"""The simulated gateway for bench/rollout_sim.py: seeded traffic, its measurements, a hook receiver.

Per-second canary (execution_type=async) and baseline (sync) buckets with Poisson arrivals, per-request
errors and log-normal latencies, answered through the metrics contract (`measure(spec, window)`), and a
real aiohttp receiver that records when (in simulated time) each signed rollback webhook arrived.
The scenarios and policies that use them are rollout_sim.py's.
"""

from __future__ import annotations

import json
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sidecar.clock import ManualClock  # noqa: E402
from sidecar.metrics.model import Measurement, MetricSpec  # noqa: E402
from tests.helpers import signed_by  # noqa: E402

SECRET = "bench-secret"
MAX_LATENCY_SAMPLES = 600


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


class SimGateway:
    """Per-second buckets with prefix sums, so any window is O(1) to count."""

    def __init__(self, clock: ManualClock, rate: float, percent: float, seed: int, history: float = 0.0, *,
                 healthy_err: float = 0.005, base_err: float | None = None) -> None:
        self.clock = clock
        self.rng = random.Random(seed)
        self.rate = rate
        self.percent = percent
        self.canary_err = healthy_err
        # `history` seconds of sync (baseline) traffic before the stage starts, as the metrics hub
        # holds them in production (its 30-minute window); no canary requests before the stage.
        self.stage_at = clock.time()
        self.start = clock.time() - history
        self.base_err = healthy_err if base_err is None else base_err  # None: sync as healthy as the canary
        self.a_n = [0]  # prefix sums: canary requests, canary errors, baseline requests, baseline errors
        self.a_e = [0]
        self.s_n = [0]
        self.s_e = [0]
        self.lat_a: list[list[float]] = []
        self.lat_s: list[list[float]] = []
        self.change: tuple[float, float] | None = None  # (second, canary error rate from then on)

    def regress(self, error_rate: float) -> None:
        self._generate(self.clock.time())
        self.canary_err = error_rate

    def regress_at(self, at: float, error_rate: float) -> None:
        """The canary's error rate becomes `error_rate` from second `at` on (same random draws as
        `regress` called then: lets a driver tick straight through the change)."""
        self.change = (at, error_rate)

    def _generate(self, now: float) -> None:
        upto = int(now - self.start)
        rng = self.rng
        while len(self.a_n) - 1 < upto:
            lam_a = self.rate * self.percent / 100.0
            n_a = poisson(rng, lam_a) if self.start + len(self.a_n) - 1 >= self.stage_at else 0
            n_s = poisson(rng, self.rate - lam_a)
            if self.change is not None and self.start + len(self.a_n) - 1 >= self.change[0]:
                self.canary_err, self.change = self.change[1], None
            errs = sum(1 for _ in range(n_a) if rng.random() < self.canary_err)
            s_errs = sum(1 for _ in range(n_s) if rng.random() < self.base_err)
            self.a_n.append(self.a_n[-1] + n_a)
            self.a_e.append(self.a_e[-1] + errs)
            self.s_n.append(self.s_n[-1] + n_s)
            self.s_e.append(self.s_e[-1] + s_errs)
            self.lat_a.append([rng.lognormvariate(6.0, 0.5) for _ in range(n_a)])
            self.lat_s.append([rng.lognormvariate(6.0, 0.5) for _ in range(min(n_s, 3))])

    def _range(self, window: float) -> tuple[int, int]:
        now = self.clock.time()
        self._generate(now)
        hi = int(now - self.start)
        lo = max(0, int(math.ceil(now - window - self.start)))
        return lo, max(lo, hi)

    def counts(self, window: float) -> tuple[int, int]:
        lo, hi = self._range(window)
        return self.a_n[hi] - self.a_n[lo], self.a_e[hi] - self.a_e[lo]

    def canary_since(self, t: float) -> int:
        self._generate(self.clock.time())
        k = int(t - self.start)
        return self.a_n[-1] - self.a_n[min(k, len(self.a_n) - 1)]

    async def measure(self, spec: MetricSpec, window: float) -> Measurement:
        if spec.source == "scrape":
            return Measurement(200e6 * (1 + self.rng.uniform(-0.02, 0.02)), 1, newest=self.clock.time())
        variant = spec.where.get("execution_type", "async")
        lo, hi = self._range(window)
        if variant == "async":
            n, e = self.a_n[hi] - self.a_n[lo], self.a_e[hi] - self.a_e[lo]
        else:
            n, e = self.s_n[hi] - self.s_n[lo], self.s_e[hi] - self.s_e[lo]
        sums = self.a_n if variant == "async" else self.s_n
        k = hi
        while k > lo and sums[k] == sums[k - 1]:
            k -= 1
        newest = self.start + k if k > lo else None  # the second of the newest request (freshness gate)
        if spec.function == "count":
            return Measurement(float(n), n, newest=newest)
        if n == 0:
            return Measurement(None, 0, 0, "no records in window")
        if spec.function == "success_rate":
            return Measurement((n - e) / n, n, n - e, newest=newest)
        if spec.function == "error_rate":
            return Measurement(e / n, n, e, newest=newest)
        if spec.function == "quantile":
            buckets = (self.lat_a if variant == "async" else self.lat_s)[lo:hi]
            samples = [x for b in buckets for x in b]
            if len(samples) > MAX_LATENCY_SAMPLES:
                samples = samples[:: len(samples) // MAX_LATENCY_SAMPLES + 1]
            if not samples:
                return Measurement(None, 0, reason="no latency samples")
            samples.sort()
            return Measurement(samples[min(len(samples) - 1, math.ceil((spec.quantile or 0.95) * len(samples)) - 1)], n,
                               newest=newest)
        raise ValueError(spec.function)


class GatewayRef:
    """The controller's measure(): whichever simulated gateway the current trial uses."""

    gw: SimGateway | None = None

    async def measure(self, spec: MetricSpec, window: float) -> Measurement:
        assert self.gw is not None
        return await self.gw.measure(spec, window)


@dataclass
class Receiver:
    clock: ManualClock
    port: int = 0
    calls: list[dict] = field(default_factory=list)
    runner: web.AppRunner | None = None

    async def start(self) -> str:
        async def handle(request: web.Request) -> web.Response:
            body = await request.read()
            self.calls.append({
                "at": self.clock.time(), "key": request.headers.get("Idempotency-Key"),
                "signed": signed_by(SECRET, body, request.headers),
                "reasons": [r.get("gate") for r in json.loads(body).get("reasons", [])],
            })
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_post("/rollback", handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{self.port}/rollback"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
