"""The gateway's own message table (sidecar/diagnose/gateway_messages.py), every row logged for real.

Each sample is the message as the research notes quote the gateway logging it (upstream-gateway.md 1.3, 1.5,
2.2, 6), emitted through Python's logging with the gateway's own format by the module that logs it, by another
module, and inside the gateway's error-code line; near-misses carry the same words with another meaning.
"""

from __future__ import annotations

import logging

import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.gateway_messages import GATEWAY_MESSAGES
from sidecar.diagnose.rules import load_rules
from sidecar.diagnose.situation import situation
from sidecar.diagnose.taxonomy import classify

RULES = load_rules("rules/diagnoses.yaml")
GATEWAY_FORMAT = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")

# row -> (module that logs it, level, message, category of the situation: who must act)
SAMPLES: dict[str, tuple[str, int, str, str]] = {
    "conversation-expired": ("tools.chat", logging.ERROR, "Conversation thread '6a0d1b2c-1111-4222-8333-944455556666' was "
                             "not found or has expired. This may happen if the conversation was created more than 3 hours "
                             "ago or if the server was restarted.", "storage"),
    "health-writer-stalled": ("ws_daemon", logging.CRITICAL, "Health writer failed for 42s - daemon may be stuck...", "capacity"),
    "path-guard": ("src.security.path_validator", logging.WARNING, "Blocked high risk path access: /etc/passwd", "config"),
    "path-escapes-root": ("tools.chat", logging.ERROR, "Error in chat: [chat:security] Path escapes repository root: "
                          "/mnt/project/EX-AI-MCP-Server/docs/a.md", "config"),
    "path-not-absolute": ("tools.chat", logging.ERROR, "Error in chat: All file paths must be FULL absolute paths to real "
                          "files / folders - DO NOT SHORTEN. Received: docs/a.md", "config"),
    "path-double-prefix": ("tools.shared.base_tool", logging.WARNING, "[PATH_FIX] Detected double-prefixed path, stripping "
                           "/app/ prefix", "config"),
    "auditor-budget": ("utils.monitoring.ai_auditor", logging.WARNING, "[AI_AUDITOR] max_hourly_calls reached (60); "
                       "pausing analysis", "config"),
    "semaphore-leak": ("src.daemon.middleware.semaphores", logging.WARNING, "SEMAPHORE HEALTH: Global semaphore leak: "
                       "expected 5, got 4", "concurrency"),
    "semaphore-over-release": ("src.daemon.middleware.semaphores", logging.ERROR, "Failed to release global semaphore: "
                               "BoundedSemaphore released too many times", "concurrency"),
    "critical-latency": ("src.monitoring.metrics", logging.WARNING, "CRITICAL LATENCY: kimi/kimi-k2-0905-preview took "
                         "41.20s (threshold: 25.0s)", "provider"),
    "glm-stream-timeout": ("src.providers.glm_chat", logging.ERROR, "GLM streaming timeout: GLM streaming exceeded timeout "
                           "of 300s (elapsed: 317s). This prevents indefinite hangs. Increase GLM_STREAM_TIMEOUT if needed.",
                           "provider"),
    "upload-no-file-id": ("tools.smart_file_query", logging.ERROR, "Upload failed with both providers. Primary: kimi upload "
                          "returned no file ID, Fallback: glm upload returned no file ID", "provider"),
    "no-provider-for-model": ("src.providers.registry", logging.ERROR, "No provider for model kimi-k2-thinking", "config"),
}


def _logged(module: str, level: int, message: str) -> str:
    record = logging.getLogger(module).makeRecord(module, level, "x.py", 1, message, None, None)
    return GATEWAY_FORMAT.format(record)


def test_every_row_has_a_sample() -> None:
    assert {r.name for r in GATEWAY_MESSAGES} == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_row_logged_by_its_module(name: str) -> None:
    module, level, message, category = SAMPLES[name]
    row = next(r for r in GATEWAY_MESSAGES if r.name == name)
    assert row.loggers.search(module)
    d = RULES.diagnose(excerpt_to_input(_logged(module, level, message)))
    assert d.category == category, (name, d.rule, d.summary)
    assert d.confidence <= 0.8 and "?" not in d.summary and d.evidence
    # the table alone (as for a situation no rule was written for) gives the same category at class weight
    inp = excerpt_to_input(_logged(module, level, message))
    v = classify(inp, situation(inp))
    assert v is not None and v.family == f"gateway.{name}" and v.category == category and v.confidence == 0.55


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_row_from_another_module_is_weaker(name: str) -> None:
    _, level, message, category = SAMPLES[name]
    inp = excerpt_to_input(_logged("some.other.module", level, message))
    v = classify(inp, situation(inp))
    assert v is not None and v.category == category and v.confidence == 0.45, (name, v)


def test_the_message_outranks_the_gateways_own_code_for_it() -> None:
    line = _logged("src.daemon.error_handling", logging.WARNING, "[req:7f3a] [NOT_FOUND] Conversation thread 'abc' was not "
                   "found or has expired. This may happen if the conversation was created more than 3 hours ago")
    d = RULES.diagnose(excerpt_to_input(line))
    assert d.category == "storage" and "3 hours" in d.root_cause, (d.rule, d.summary)


def test_the_path_guard_line_before_a_tool_error_explains_it() -> None:
    log = "\n".join([_logged("src.security.path_validator", logging.WARNING, "Blocked high risk path access: /etc/shadow"),
                     _logged("tools.chat", logging.ERROR, "Error in chat: File access denied: /etc/shadow")])
    inp = excerpt_to_input(log)
    v = classify(inp, situation(inp))
    assert v is not None and v.family == "gateway.path-guard" and v.confidence == 0.4


# the same words with another meaning: no row claims them
NEAR_MISSES = [
    ("tools.chat", "Error in chat: session token expired; thread 42 not found in cache"),
    ("src.daemon.ws_server", "Health check of Redis failed for 3 attempts"),
    ("tools.chat", "ValueError: not enough values to unpack (expected 3, got 2)"),
    ("src.providers.kimi_chat", "Kimi account balance: daily cost 4.20 USD"),
    ("src.storage.supabase_client", "Path /app/logs is not writable"),
    ("src.monitoring.metrics", "SLOW RESPONSE: glm/glm-4.5 took 12.00s"),
    ("tools.chat", "Model kimi-k2 is available"),
]


@pytest.mark.parametrize(("module", "message"), NEAR_MISSES)
def test_near_misses_are_not_claimed(module: str, message: str) -> None:
    inp = excerpt_to_input(_logged(module, logging.ERROR, message))
    v = classify(inp, situation(inp))
    assert v is None or not v.family.startswith("gateway."), (message, v)


def test_a_10mb_line_is_scanned_only_at_its_head() -> None:
    line = _logged("tools.chat", logging.ERROR, "x" * 10_000_000 + " Path escapes repository root: /etc")
    inp = excerpt_to_input(line)
    v = classify(inp, situation(inp))
    assert v is None or not v.family.startswith("gateway.")
