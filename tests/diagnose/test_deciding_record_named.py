"""A config answer names the setting its deciding record names (setting_named.py, issue 17 round 19).

The errors are real: the resolver's socket.gaierror for a host under RFC 6761's `.invalid` (never resolves), PyJWT's
InvalidSignatureError for a token signed with another key. Generated over seeds: the setting's spelling (env names of
several prefixes and suffixes, a config file's dotted key), the record that prints or changes it (a reload, a startup
echo, a deploy's env line, `NAME old -> new`, `NAME changed (...)`, `set NAME to X`), the log shape (the gateway's
format, docker compose's prefix, JSON records) and the records between. Twins keep their answer's text: the setting
record's value is not the error's, the change comes after the first failure, the answer is not config.
"""

from __future__ import annotations

import json
import random
import socket
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from .logged import diagnose, text_of

T0 = datetime(2026, 12, 7, 9, 14, 2)
SEEDS = range(8)
SHAPES = ("plain", "compose", "json")


def _record(shape: str, at: float, level: str, logger: str, message: str, tb: str = "") -> str:
    when = T0 + timedelta(seconds=at)
    if shape == "json":
        rec = {"event": message, "logger": logger, "level": level.lower(), "timestamp": when.isoformat() + "+00:00"}
        if tb:
            rec["exception"] = tb.rstrip("\n")
        return json.dumps(rec)
    lines = [f"{when:%Y-%m-%d %H:%M:%S} {level} {logger}: {message}", *(tb.rstrip("\n").splitlines() if tb else [])]
    if shape == "compose":
        lines = [f"exai-mcp-daemon  | {line}" for line in lines]
    return "\n".join(lines)


def _traceback_of(raise_it: Callable[[], object]) -> str:
    try:
        raise_it()
    except Exception:
        return traceback.format_exc()
    raise AssertionError("did not raise")


def _filler(rng: random.Random, shape: str, at: float) -> str:
    return _record(shape, at, "INFO", rng.choice(["src.monitoring.metrics", "httpx", "tools.chat"]), rng.choice([
        f"[METRICS] flushed {rng.randint(3, 90)} samples",
        f"HTTP Request: GET https://qzkv.supabase.co/rest/v1/conversations?id=eq.{rng.randrange(16**6):06x} "
        "\"HTTP/2 200 OK\"",
        "Using model: kimi-k2-0905-preview via kimi provider"]))


def _setting_name(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return f"{rng.choice(['providers', 'alerts', 'webhooks'])}.{rng.choice(['pager', 'relay', 'glm'])}.base_url"
    return f"{rng.choice(['GLM', 'PAGER', 'ALERT_RELAY', 'AUDIT_SINK', 'VENDOR_X'])}_" \
           f"{rng.choice(['BASE_URL', 'API_URL', 'ENDPOINT', 'WEBHOOK_URL'])}"


def _settings_line(rng: random.Random, name: str, value: str) -> str:
    return rng.choice([f"settings reloaded: {name}={value}", f"config loaded: LOG_LEVEL=INFO, {name}={value}",
                       f"env updated: {name}={value} (containers recreated)", f"settings: {name}: {value}"])


def _dns_case(rng: random.Random, shape: str, same_host: bool) -> tuple[str, str, str]:
    """(log, the setting's name, its record): a settings record holds a URL, then the call to a host fails to resolve -
    the same host as the URL's (same_host) or another one."""
    host = f"{rng.choice(['apl', 'hooks', 'relay', 'sink'])}-{rng.randrange(16**4):04x}.invalid"
    other = f"{rng.choice(['api', 'edge', 'out'])}-{rng.randrange(16**4):04x}.invalid"
    name = _setting_name(rng)
    setting = _settings_line(rng, name, f"https://{host if same_host else other}/{rng.choice(['v4', 'api/paas/v4', 'hook'])}")

    def resolve() -> object:
        return socket.getaddrinfo(host, 443)

    tb = _traceback_of(resolve)
    lines = [_filler(rng, shape, 0), _record(shape, 20, "INFO", "src.core.env_config", setting)]
    lines += [_filler(rng, shape, 30 + i) for i in range(rng.randint(0, 3))]
    lines.append(_record(shape, 60, "ERROR", rng.choice(["src.providers.glm_chat", "src.alerts.relay", "src.audit.sink"]),
                         f"[req:{rng.randrange(16**4):04x}] request to {host} failed: Name or service not known", tb))
    return "\n".join(lines), name, setting


def _bad_signature() -> object:
    import jwt
    token = jwt.encode({"sub": "item-1"}, "k" * 48, algorithm="HS256")
    return jwt.decode(token, "j" * 48, algorithms=["HS256"])


def _change_line(rng: random.Random, name: str) -> str:
    return rng.choice([f"{name} changed (fingerprint {rng.randrange(16**6):06x} -> {rng.randrange(16**6):06x}); "
                       "restarting workers", f"{name} rotated by ops; workers reloaded",
                       f"{name} key-2025 -> key-2026", f"set {name} to key-{rng.randint(2026, 2030)}"])


def _onset_case(rng: random.Random, shape: str, change_first: bool) -> tuple[str, str]:
    """(log, the changed setting): a key setting changes, then every item fails PyJWT's signature check - or one item
    failed already before the change (change_first False)."""
    name = f"{rng.choice(['FILE', 'ITEM', 'SESSION', 'ARCHIVE'])}_{rng.choice(['ENCRYPTION_KEY', 'SIGNING_KEY', 'SECRET'])}"
    logger = rng.choice(["src.file_management.credentials", "src.storage.sealed"])
    tb = _traceback_of(_bad_signature)
    failure = [_record(shape, 40 + 9 * i, "ERROR", logger, f"cannot open item {rng.randrange(16**10):010x}")
               for i in range(rng.randint(1, 3))]
    change = _record(shape, 30 if change_first else 45 + 30, "INFO", "src.core.env_config", _change_line(rng, name))
    lines = [_filler(rng, shape, 0), *([change, *failure] if change_first else [*failure, change])]
    lines.append(_record(shape, 120, "ERROR", logger, f"cannot open item {rng.randrange(16**10):010x}", tb))
    return "\n".join(lines), name


@pytest.mark.parametrize("seed", SEEDS)
def test_a_config_answer_names_the_setting_that_holds_the_failing_value(seed: int) -> None:
    rng = random.Random(seed)
    for shape in SHAPES:
        log, name, setting = _dns_case(rng, shape, same_host=True)
        d = diagnose(log)
        assert d.category == "config", (shape, d.rule, d.summary)
        assert name in d.summary and name in d.suggested_fix[0], (shape, name, d.summary, d.suggested_fix)
        assert any(setting in e for e in d.evidence), (setting, d.evidence)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_setting_whose_value_the_error_does_not_name_is_not_named(seed: int) -> None:
    rng = random.Random(seed)
    for shape in SHAPES:
        log, name, _ = _dns_case(rng, shape, same_host=False)
        d = diagnose(log)
        assert d.category == "config", (shape, d.rule, d.summary)
        # (the cause may quote the record among "the log around it": deciding_facts.py quotes, it does not name)
        assert name not in d.summary and not any(name in f for f in d.suggested_fix), (shape, name, text_of(d))


@pytest.mark.parametrize("seed", SEEDS)
def test_a_config_answer_names_the_setting_changed_before_the_first_failure(seed: int) -> None:
    rng = random.Random(seed)
    for shape in SHAPES:
        log, name = _onset_case(rng, shape, change_first=True)
        d = diagnose(log)
        assert d.category == "config", (shape, d.rule, d.summary)
        assert name in d.summary and name in d.suggested_fix[0], (shape, log, d.summary, d.suggested_fix)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_change_after_the_first_failure_is_not_named(seed: int) -> None:
    rng = random.Random(seed)
    for shape in SHAPES:
        log, name = _onset_case(rng, shape, change_first=False)
        d = diagnose(log)
        assert name not in d.summary and not any(name in f for f in d.suggested_fix), (shape, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_an_answer_of_another_category_names_no_changed_setting(seed: int) -> None:
    """The same change before a TypeError of our own code: code, and the setting is not offered as the cause."""
    rng = random.Random(seed)
    for shape in SHAPES:
        name = f"{rng.choice(['FILE', 'ITEM'])}_{rng.choice(['ENCRYPTION_KEY', 'SIGNING_KEY'])}"
        tb = _traceback_of(lambda: len(None))  # type: ignore[arg-type]
        log = "\n".join([_filler(rng, shape, 0),
                         _record(shape, 10, "INFO", "src.core.env_config", _change_line(rng, name)),
                         _record(shape, 40, "ERROR", "src.file_management.credentials", "cannot open item", tb)])
        d = diagnose(log)
        assert d.category != "config" and name not in d.summary, (shape, d.category, d.summary)


# --- the answer names the record's own remote, not the situation a line nearby imitates -------------------------------

_NEARBY_REMOTE = (
    ("Kimi", "Using model: kimi-k2-0905-preview via kimi provider"),
    ("Kimi", "HTTP Request: POST https://api.moonshot.ai/v1/chat/completions \"HTTP/1.1 200 OK\""),
    ("Supabase", "HTTP Request: POST https://qzkv.supabase.co/rest/v1/conversation_files \"HTTP/2 201 Created\""),
)


def _own_host_case(rng: random.Random, shape: str, host_in_record: bool) -> tuple[str, str, str]:
    """(log, the failing host, the nearby remote's name): a line of another call to a known remote, then a lookup of a
    host no table knows fails; the record names that host (host_in_record) or only the resolver's words."""
    host = f"{rng.choice(['hooks', 'pager', 'apl', 'sink'])}-{rng.randrange(16**4):04x}.{rng.choice(['invalid', 'example.invalid'])}"
    remote, line = rng.choice(_NEARBY_REMOTE)

    def resolve() -> object:
        return socket.getaddrinfo(host, 443)

    tb = _traceback_of(resolve)
    said = rng.choice([f"request to {host} failed", f"POST https://{host}/hook failed", f"cannot reach {host}:443"])
    log = "\n".join([_record(shape, 0, "INFO", rng.choice(["httpx", "tools.chat"]), line),
                     _record(shape, 20, "ERROR", rng.choice(["src.alerts.relay", "src.audit.sink", "ws_daemon"]),
                             f"[req:{rng.randrange(16**4):04x}] {said if host_in_record else 'request failed'}", tb)])
    return log, host, remote


@pytest.mark.parametrize("seed", SEEDS)
def test_the_summary_names_the_records_own_host_not_a_remote_of_a_line_nearby(seed: int) -> None:
    rng = random.Random(seed)
    for shape in SHAPES:
        log, host, remote = _own_host_case(rng, shape, host_in_record=True)
        d = diagnose(log)
        assert d.category == "config", (shape, d.rule, d.summary)
        assert host.rstrip(".") in d.summary and remote not in d.summary, (shape, host, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_record_naming_no_host_keeps_the_remote_of_its_nearest_request_line(seed: int) -> None:
    """The twin: the record names no host - the nearest request line is the call's (situation.py) and still names it."""
    rng = random.Random(seed)
    for shape in SHAPES:
        log, host, remote = _own_host_case(rng, shape, host_in_record=False)
        d = diagnose(log)
        assert d.category == "config" and remote in d.summary and host not in d.summary, (shape, d.summary)


def _pem_failure(rng: random.Random, tmp: str) -> Callable[[], object]:
    import ssl

    path = f"{tmp}/{rng.choice(['relay', 'client', 'mtls'])}.pem"
    with open(path, "w") as fh:
        fh.write(rng.choice(["not a certificate\n", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]))
    return lambda: ssl.create_default_context().load_cert_chain(path)


@pytest.mark.parametrize("seed", SEEDS)
def test_our_own_tls_material_failing_to_load_claims_no_connection_to_a_remote(seed: int, tmp_path: object) -> None:
    """ssl's own refusal to load our certificate (a real SSLError: PEM lib / no start line): config, and the text says
    what failed to load - not "could not connect to <the remote of a line nearby>", the situation it imitates."""
    rng = random.Random(seed)
    for shape in SHAPES:
        remote, line = rng.choice(_NEARBY_REMOTE)
        tb = _traceback_of(_pem_failure(rng, str(tmp_path)))
        log = "\n".join([_record(shape, 0, "INFO", "httpx", line),
                         _record(shape, 5, "ERROR", rng.choice(["src.alerts.relay_server", "src.daemon.mtls"]),
                                 rng.choice(["cannot start the alert relay", "mTLS context failed"]), tb)])
        d = diagnose(log)
        assert d.category == "config", (shape, d.rule, d.summary)
        low = d.summary.lower()
        assert "tls material" in low and "connect" not in low and remote not in d.summary, (shape, d.summary)
