"""The sidecar's own Prometheus metrics, in a registry of their own (served at /metrics).

All names are declared here, once, so dashboards, alert rules and stages agree on them. A
`Telemetry` instance per process (tests build several) keeps registries from colliding.
"""

from __future__ import annotations

import platform

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from . import __version__

__all__ = ["Telemetry", "CONTENT_TYPE_LATEST"]


class Telemetry:
    def __init__(self) -> None:
        r = self.registry = CollectorRegistry(auto_describe=True)
        # process_* (CPU, RSS, open fds), python_info and python_gc_*: the standard collectors read
        # process-wide state, so the default registry's instances are shared, not duplicated.
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            r.register(collector)
        self.build_info = Info("sidecar_build", "The running sidecar's version", registry=r)
        self.build_info.info({"version": __version__, "python": platform.python_version()})
        self.degraded = Gauge("sidecar_degraded", "1 while a stage reports a degraded dependency (see /api/status)",
                              ["stage"], registry=r)
        # ingest
        self.lines_read = Counter("sidecar_lines_read_total", "Physical lines read", ["source"], registry=r)
        self.bytes_read = Counter("sidecar_bytes_read_total", "Bytes read from log files", ["source"], registry=r)
        self.tail_lag = Gauge("sidecar_tail_lag_seconds", "Seconds since unread data appeared in a source", ["source"], registry=r)
        self.tail_lag_bytes = Gauge("sidecar_tail_lag_bytes", "Bytes written but not yet read", ["source"], registry=r)
        self.files_tailed = Gauge("sidecar_files_tailed", "Files currently open", ["source"], registry=r)
        self.rotations = Counter("sidecar_rotations_total", "Rotations and truncations detected", ["source", "kind"], registry=r)
        self.auth_failures = Counter("sidecar_auth_failures_total", "Failed API token checks (Bearer, login form, cookie)",
                                     ["method"], registry=r)
        self.parse_errors = Counter("sidecar_parse_errors_total", "Lines that could not be parsed", ["source", "reason"], registry=r)
        self.event_time_fallbacks = Counter(
            "sidecar_event_time_fallback_total",
            "Error events placed at their received time: no usable time in the log (missing, future, too_old)",
            ["reason"], registry=r)
        self.ingest_lag = Gauge("sidecar_ingest_lag_seconds",
                                "Received minus event time of the latest error event of a source", ["source"],
                                registry=r)
        self.truncated_lines = Counter("sidecar_truncated_lines_total", "Lines longer than the limit, truncated", ["source"], registry=r)
        self.checkpoint_errors = Counter("sidecar_checkpoint_errors_total", "Checkpoint writes that failed", registry=r)
        self.events = Counter("sidecar_error_events_total", "Error events detected", ["level"], registry=r)
        # collect (SDK endpoints)
        self.collect_items = Counter("sidecar_collect_items_total", "SDK envelope items and OTLP records",
                                     ["kind", "outcome"], registry=r)
        self.collect_refused = Counter("sidecar_collect_refused_total", "SDK requests refused", ["reason"], registry=r)
        self.collect_client_discarded = Counter("sidecar_collect_client_discarded_total",
                                                "Events SDKs report they discarded (client reports)", ["reason"], registry=r)
        self.collect_duplicates = Counter("sidecar_collect_duplicates_total",
                                          "Second copies of one error (SDK and log file) not counted", registry=r)
        # groups
        self.groups = Gauge("sidecar_groups", "Error groups by status", ["status"], registry=r)
        self.groups_new = Counter("sidecar_groups_new_total", "New error groups", registry=r)
        self.groups_regressed = Counter("sidecar_groups_regressed_total", "Resolved groups that came back", registry=r)
        self.groups_overflow = Counter("sidecar_groups_overflow_total",
                                       "Events counted in a logger's overflow group (new-group cap)", registry=r)
        # diagnosis
        self.diagnoses = Counter("sidecar_diagnoses_total", "Diagnoses made", ["source", "outcome"], registry=r)
        self.llm_latency = Histogram(
            "sidecar_llm_latency_seconds", "Latency of LLM calls", ["model"],
            buckets=(0.25, 0.5, 1, 2, 5, 10, 20, 30, 60), registry=r,
        )
        self.llm_tokens = Counter("sidecar_llm_tokens_total", "Tokens used by LLM calls", ["model", "type"], registry=r)
        self.llm_circuit_open = Gauge("sidecar_llm_circuit_open", "1 when the LLM circuit is open", registry=r)
        self.llm_budget_remaining = Gauge("sidecar_llm_budget_remaining", "LLM calls left this hour", registry=r)
        # metrics scraping
        self.scrapes = Counter("sidecar_scrapes_total", "Scrapes of gateway endpoints", ["target", "outcome"], registry=r)
        self.scrape_errors = Counter("sidecar_scrape_errors_total", "Scrape failures", ["target", "reason"], registry=r)
        self.scrape_duration = Histogram(
            "sidecar_scrape_duration_seconds", "Scrape and parse time", ["target"],
            buckets=(0.005, 0.01, 0.05, 0.1, 0.5, 1, 5), registry=r,
        )
        # rollouts
        self.gate_evaluations = Counter("sidecar_gate_evaluations_total", "Gate evaluations", ["rollout", "gate", "verdict"], registry=r)
        self.rollbacks = Counter("sidecar_rollbacks_total", "Rollbacks executed", ["rollout"], registry=r)
        self.rollout_stage = Gauge("sidecar_rollout_stage_percent", "Current rollout percentage", ["rollout"], registry=r)
        # A decided stage's records counted in it after its decision, once it closed (rollout/closing.py): by
        # how the stage ended (promote, complete, rollback), so a rollback's late failures are seen too.
        self.stage_late_samples = Counter("sidecar_rollout_stage_late_samples_total",
                                          "Samples a decided stage counted after its decision (its late records)",
                                          ["rollout", "decision"], registry=r)
        self.hook_calls = Counter("sidecar_hook_calls_total", "Rollout hook calls", ["kind", "outcome"], registry=r)
        self.gate_data_age = Gauge("sidecar_rollout_gate_data_age_seconds",
                                   "Age of the newest sample a gate used (NaN: none)", ["rollout", "gate"], registry=r)
        self.gate_stale = Gauge("sidecar_rollout_gate_stale",
                                "1 while a gate's newest sample is older than max_staleness", ["rollout", "gate"],
                                registry=r)
        self.metric_records_dropped = Counter(
            "sidecar_metric_records_dropped_total",
            "Metrics records not counted (duplicate: a double-written failure; late: older than max_lateness)",
            ["stream", "reason"], registry=r)
        # alerts
        self.alert_deliveries = Counter("sidecar_alert_deliveries_total", "Alert deliveries", ["channel", "outcome"], registry=r)
        # pipeline
        self.queue_depth = Gauge("sidecar_queue_depth", "Items waiting in a pipeline queue", ["queue"], registry=r)
        self.store_errors = Counter("sidecar_store_errors_total", "Store operations that failed", ["operation"], registry=r)
        self.spool_bytes = Gauge("sidecar_spool_bytes", "Bytes waiting in the on-disk spool", registry=r)
        self.up = Gauge("sidecar_up", "1 while the sidecar runs", registry=r)
        self.up.set(1)

    def render(self) -> bytes:
        return generate_latest(self.registry)
