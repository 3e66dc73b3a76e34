"""The gateway's own messages (EX-AI-MCP-Server) -> what they mean: a table keyed by module + message form.

The gateway's own guards, monitors and tools log fixed message forms from known modules; like a code
table, each form has one documented meaning. Source for every row: /work/shared/research/upstream-gateway.md
(the gateway's modules and the message texts it logs: sections 1.3, 1.5, 2.2 and 6), which cites the gateway's
files. The `loggers` of a row are the modules that log it there.

Decisions:
- A row needs its message form; the module that logs it is the second signal. Form + module is a class-level
  answer at its highest weight (0.55, still below the confident line: the gateway's words are its own
  label, not an owner's documented code), the form from another or no logger 0.45.
- Forms use the message's fixed words, never a placeholder's value, and are anchored on words that only that
  message has: "not found or has expired" with "Conversation thread", not "expired" alone.
- A row does not outrank a documented code (codes.py) except the gateway's own codes: the message is the more
  specific of the gateway's two labels for one failure.
- Not in the table, on purpose: messages whose cause the research does not establish (the auditor's JSON
  parse errors, "Failed to extract content from Kimi response", the metrics flush retries): the class layer
  and the catch-all answer those.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .codes import Text, _t

MAX_SCAN = 64 * 1024
WITH_MODULE = 0.55
FORM_ONLY = 0.45
IN_CONTEXT = 0.4  # a guard's line just before the record: the same request most likely, not certainly
CONTEXT_LINES = 3


@dataclass(frozen=True, slots=True)
class GatewayMessage:
    """One of the gateway's own message forms, the modules that log it, and its meaning."""

    name: str
    loggers: re.Pattern[str]
    form: re.Pattern[str]
    text: Text
    # a guard that logs its own line just before the tool logs the failure it caused: the form may be on one of
    # the record's preceding context lines (CONTEXT_LINES), at a lower weight
    precedes: bool = False


def _row(name: str, loggers: str, form: str, text: Text, precedes: bool = False) -> GatewayMessage:
    return GatewayMessage(name, re.compile(loggers), re.compile(form, re.I), text, precedes)


_TOOLS = r"^(?:tools|src\.tools|src\.server|server)\b"
_DAEMON = r"^(?:ws_daemon|src\.daemon)\b"

GATEWAY_MESSAGES: tuple[GatewayMessage, ...] = (
    # 6 #13, tools.chat / .logs/toolcalls.jsonl
    _row("conversation-expired", rf"{_TOOLS}|^utils\.conversation|^src\.conversation",
         r"Conversation thread .{0,120}? was not found or has expired", _t(
             "storage", "low", "A conversation thread was not found: it expired or was lost in a restart",
             "The gateway keeps conversation threads for about 3 hours (in process memory unless persisted), so a "
             "continuation id from an older conversation, or any after a daemon restart, no longer resolves.",
             "Tell the client to start a new conversation (expected after 3 hours).",
             "If it follows daemon restarts, persist conversations (Supabase/Redis) instead of process memory.")),
    # 1.3, src/daemon/ws/health_monitor.py: CRITICAL after more than 30 s without a health snapshot write
    _row("health-writer-stalled", _DAEMON, r"Health writer failed for \d+\s*s", _t(
        "capacity", "critical", "The daemon's health writer stalled: its event loop is blocked or the daemon is stuck",
        "The health snapshot (logs/ws_daemon.health.json) is written every 10 s by a task on the daemon's event loop; "
        "no write for over 30 s means the loop is blocked by synchronous work or the process is starved of CPU.",
        "Take a stack dump of the daemon (py-spy dump --pid <pid>) to see what blocks the event loop.",
        "Check the container's CPU and memory; restart the daemon if it stays stuck.")),
    # 6 #14 and case texts of src.security.path_validator: the gateway's own path guard
    _row("path-guard", r"^src\.security\b|path_validator", r"Blocked high risk path access", _t(
        "config", "low", "The gateway's path guard blocked a request for a sensitive path",
        "The gateway's own path validator refused a high-risk path (system files such as /etc): a client asked for "
        "a file outside the allowed paths, and the guard worked as intended.",
        "Check which client or user asked for that path; change nothing in the gateway unless a legitimate path is blocked."),
        precedes=True),
    _row("path-escapes-root", _TOOLS, r"Path escapes repository root", _t(
        "config", "low", "A tool refused a file path outside the repository root",
        "The path the client sent resolves outside the repository root mounted in the container: a host path "
        "(/mnt/project/...) that does not exist inside the container (/app/...), or a path that climbs out of it.",
        "Send full absolute paths as seen inside the container; check the volume mapping in docker-compose.yml.",
        "Fix the host -> container path translation instead of stripping prefixes after the fact.")),
    _row("path-not-absolute", _TOOLS, r"must be FULL absolute paths", _t(
        "config", "low", "A tool refused a relative file path: it needs full absolute paths",
        "The tool's own rule requires full absolute paths (as seen inside the container); the client sent a "
        "relative or shortened one.",
        "Send full absolute paths as seen inside the container; fix the client that shortens them.")),
    _row("path-double-prefix", _TOOLS + r"|^src\.|^utils\.", r"double-prefixed path", _t(
        "config", "low", "A file path carried the container prefix twice and was rewritten",
        "The client sent a path already prefixed with the container root (/app/...) and the gateway added it again; "
        "the gateway stripped one prefix (PATH_FIX) - host and container paths are being mixed.",
        "Send paths as seen inside the container, once; fix the path translation in the client.")),
    # 3, utils/monitoring/ai_auditor.py: max_hourly_calls=60, daily_cost_limit=10.0 USD - the gateway's own budget
    _row("auditor-budget", r"^utils\.monitoring\.ai_auditor|ai_auditor", r"daily_cost_limit|daily cost limit|max_hourly_calls", _t(
        "config", "low", "The gateway's own LLM budget (the AI auditor's daily cost / hourly call limit) stopped its calls",
        "The AI auditor reached its configured daily_cost_limit or max_hourly_calls, the gateway's own limit on its "
        "spending; the provider account is not out of money.",
        "Raise the configured limit if the spend is expected, or find what drove the spike of audited events.")),
    # 6 #4, src/daemon/middleware/semaphores.py
    _row("semaphore-leak", r"^src\.daemon\.middleware\.semaphores|semaphore",
         r"SEMAPHORE HEALTH: \w+ semaphore leak: expected \d+, got \d+|Semaphore leak detected: \w+ expected=\d+, "
         r"actual=\d+|SEMAPHORE RECOVERY: Recovered leaks", _t(
             "concurrency", "high", "The daemon's semaphore health check found leaked permits",
             "A request path acquired a global/provider semaphore permit and never released it (an exception or a "
             "cancellation between acquire and release): fewer permits are free than configured, so capacity shrinks "
             "until requests are refused (OVER_CAPACITY).",
             "Find the path that acquires without a finally/async with (look at the requests that failed or were cancelled "
             "just before the leak); check /health/semaphores for current vs expected.")),
    _row("semaphore-over-release", r"^src\.daemon\.middleware\.semaphores|semaphore",
         r"already at max value.{0,40}skipping release|BoundedSemaphore released too many times", _t(
             "concurrency", "high", "A semaphore permit was released more often than it was acquired",
             "A request path releases its semaphore twice (a release in both an except and a finally, or a recovery "
             "that re-added a permit still held): the counts no longer match the permits in use.",
             "Release each permit exactly once (async with); make the leak recovery reconcile with permits in use.")),
    # 2.2, src/monitoring/metrics.py: a provider call at or over 25 s
    _row("critical-latency", r"^src\.monitoring\b", r"CRITICAL LATENCY: [\w-]+/\S+ took [\d.]+s", _t(
        "provider", "medium", "A provider call took longer than the gateway's critical latency threshold (25 s)",
        "The gateway's metrics classify a provider response of 25 s or more as critical: the provider (its model) was "
        "slow for this call - a large prompt, a long answer, or the provider under load.",
        "Compare with the provider's status and the prompt sizes at that time; route latency-sensitive calls to a faster model.")),
    # 6 #12, src.providers.glm_chat
    _row("glm-stream-timeout", r"^src\.providers\b", r"GLM streaming exceeded timeout of \d+s", _t(
        "provider", "medium", "A GLM (Z.ai) streaming answer ran past the gateway's stream timeout",
        "The gateway stops a GLM stream after GLM_STREAM_TIMEOUT (300 s by default): the provider streamed for longer "
        "(a very long answer or a slow model), so the answer was cut off.",
        "Check GLM's latency at that time; raise GLM_STREAM_TIMEOUT only if such long answers are expected.")),
    # 6 #9, the file upload path
    _row("upload-no-file-id", r"^src\.|^tools\.|^utils\.", r"upload returned no file ID|Upload failed with both providers", _t(
        "provider", "high", "A file upload to the provider returned no file id",
        "The provider's files API answered without a file id (it refused or failed the upload: size, type or its "
        "timeout), and the fallback provider did the same.",
        "Check the upload's size against KIMI_FILES_UPLOAD_TIMEOUT_SECS and the provider's limits; read the provider "
        "answer logged before this line.")),
    # 6 #6: the model -> provider registry of the gateway
    _row("no-provider-for-model", r"^src\.|^tools\.|^utils\.", r"No provider for model \S+|Model '[^']{1,80}' is not available", _t(
        "config", "high", "The gateway has no provider for the requested model",
        "The model name the client or a default setting asked for is not in the gateway's model -> provider "
        "registry (a misspelt or retired model name, or a provider that is disabled).",
        "Check the requested model against the registry (src/providers/*_config.py) and the default model settings.")),
)


def first_row(rows: Sequence[GatewayMessage], logger: str | None,
              texts: Iterable[str]) -> tuple[GatewayMessage, str, float] | None:
    """The first row of a message table whose form is in `texts`: the row, the matched words and the weight of that
    evidence (its own module logged it, or only the form matched). Shared by every fixed-message table."""
    for text in texts:
        head = text[:MAX_SCAN]
        for row in rows:
            if (m := row.form.search(head)) is not None:
                return row, m.group(0), WITH_MODULE if logger and row.loggers.search(logger) else FORM_ONLY
    return None


def gateway_message(logger: str | None, messages: list[str], context: tuple[str, ...] = ()) -> tuple[GatewayMessage, str, float] | None:
    """The first table row whose form is in `messages` (or, for a guard, on the lines just before): the row,
    the matched words and the weight of that evidence."""
    found = first_row(GATEWAY_MESSAGES, logger, messages)
    if found is not None:
        return found
    for line in reversed(context[-CONTEXT_LINES:]):
        for row in GATEWAY_MESSAGES:
            if row.precedes and (m := row.form.search(line[:MAX_SCAN])) is not None and row.loggers.search(line[:200]):
                return row, m.group(0), IN_CONTEXT
    return None
