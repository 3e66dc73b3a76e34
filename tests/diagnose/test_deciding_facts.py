"""The records around an error that bear on it are quoted in the answer (diagnose/deciding_facts.py), whatever their
logger, position (before or after the error), shape (text, JSON lines, Docker json-file) and value; a lookalike record
NOT tied to the error (another request's id, another directory, a warning far from it) is not quoted, nor is a filler
record. Generated: each seed draws the loggers, ids, values, wordings, position and shape."""

from __future__ import annotations

import json
import random
import re
import traceback
from typing import Any

import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from tests.diagnose.logged import RULES
from tests.diagnose.test_excerpt_shapes import _failures, _json_lines, _text

LOGGERS = ("src.providers.files", "src.daemon.ws_server", "tools.import_table", "utils.cache_cleanup", "src.core.jobs",
           "app.storage.writer", "worker.sync")
FILLERS = ("heartbeat: {n} sessions open", "scheduler tick {n} done", "metrics flushed ({n} series)")
KINDS = ("request", "path", "kernel", "warning", "change")


def _value(rng: random.Random) -> str:
    """The deciding fact's value, in one of the shapes such values are printed in."""
    return rng.choice([f"EX {rng.randint(30, 900)}", f"{rng.randint(2, 90)}.{rng.randint(0, 9)}G",
                       f"max_chunks={rng.randint(100, 9000)}", f"queue limit {rng.randint(8, 512)}",
                       f"v{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"])


def _case(seed: int, kind: str, twin: bool) -> tuple[list[dict[str, Any]], str, str]:
    """(records, the deciding value, the shape's name): an error, fillers, and one record that bears on it (or, as a
    twin, its lookalike that does not)."""
    rng = random.Random(f"{seed}-{kind}")  # the twin draws what its case draws: only the tie differs
    exc = _failures(rng)
    own, other = rng.sample(LOGGERS, 2)
    rid, rid2 = f"{rng.getrandbits(32):08x}", f"{rng.getrandbits(32):08x}"
    folder = f"/app/{rng.choice(['cache', 'data', 'uploads'])}/{rng.choice(['l2', 'batch', 'incoming'])}{rng.randint(1, 99)}"
    value = _value(rng)
    message = (f"[req:{rid}] saving the upload failed" if kind == "request"
               else f"writing {folder}/part-{rng.randint(1, 999)}.bin failed" if kind == "path" else "job step failed")
    error = {"level": "ERROR", "logger": own, "message": message, "exc": "".join(traceback.format_exception(exc)).rstrip()}
    if kind == "request":
        fact = {"level": rng.choice(["DEBUG", "INFO"]), "logger": other,
                "message": f"[req:{rid2 if twin else rid}] {rng.choice(['SET upload state', 'stored resume state'])} {value}"}
    elif kind == "path":
        where = f"/srv/{rng.choice(['other', 'spare'])}{rng.randint(1, 9)}" if twin else folder
        fact = {"level": "INFO", "logger": other, "message": f"volume {where} ({value}): 100% used"}
    elif kind == "kernel":
        fact = {"raw": f"Dec 06 14:00:0{rng.randint(1, 9)} host-{rng.randint(1, 99)} kernel: "
                       f"{rng.choice(['TCP: out of memory', 'nf_conntrack: table full'])} -- limit {value}"}
    elif kind == "warning":
        fact = {"level": "WARNING", "logger": other, "message": f"{rng.choice(['queue backlog', 'slow consumer'])} at {value}"}
    else:
        fact = {"level": "INFO", "logger": other,
                "message": f"{rng.choice(['deploy', 'upgraded to', 'config reloaded:'])} {value} by {rng.choice(['ci', 'ops'])}"}
    fillers = [{"level": "INFO", "logger": rng.choice(LOGGERS), "message": rng.choice(FILLERS).format(n=rng.randint(2, 99))}
               for _ in range(rng.randint(2, 4))]
    after = rng.random() < 0.5
    if kind == "warning" and twin:  # the warning far from the error (six records away), tied to it by nothing
        fillers += [{"level": "INFO", "logger": rng.choice(LOGGERS), "message": f"scheduler tick {i} done"} for i in range(6)]
        records = [fact, *fillers, error]
    else:
        records = [*fillers, error, fact] if after else [*fillers, fact, error]
    for t, r in enumerate(records):
        r["t"] = t
    shapes = ["text", "docker"] if kind == "kernel" else ["text", "json", "docker"]
    return records, value, rng.choice(shapes)


def _excerpt(records: list[dict[str, Any]], shape: str) -> str:
    if shape == "json":  # a request id is a field of its own in JSON lines (structlog's bound request_id)
        fielded = [_field_id(r) for r in records]
        return "\n".join(json.dumps({**json.loads(ln), **({"request_id": r["request_id"]} if "request_id" in r else {})})
                         for ln, r in zip(_json_lines(fielded), fielded, strict=True))
    text = [ln for r in records for ln in ([r["raw"]] if "raw" in r else _text([r]))]
    return "\n".join(_docker_lines(text) if shape == "docker" else text)


def _field_id(record: dict[str, Any]) -> dict[str, Any]:
    m = re.match(r"\[req:(?P<id>\w+)\] ", record.get("message", ""))
    return record if m is None else {**record, "message": record["message"][m.end():], "request_id": m.group("id")}


def _docker_lines(text: list[str]) -> list[str]:
    """Docker's json-file driver around each line (test_excerpt_shapes._docker does it for records; a kernel line is
    no record of the gateway's)."""
    return [json.dumps({"log": ln + "\n", "stream": "stderr", "time": "2026-12-06T14:00:06.123456789Z"}) for ln in text]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("kind", KINDS)
def test_the_record_that_bears_on_the_error_is_quoted(seed: int, kind: str) -> None:
    records, value, shape = _case(seed, kind, twin=False)
    d = RULES.diagnose(excerpt_to_input(_excerpt(records, shape)))
    assert value in d.root_cause, (kind, shape, d.root_cause)
    quoted = d.root_cause.split("The log around it:", 1)[-1]
    fillers = [r["message"] for r in records if r.get("message", "").split(" ")[0] in ("heartbeat:", "scheduler", "metrics")]
    assert not any(f in quoted for f in fillers), quoted


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("kind", ["request", "path", "warning"])
def test_a_lookalike_record_not_tied_to_the_error_is_not_quoted(seed: int, kind: str) -> None:
    records, value, shape = _case(seed, kind, twin=True)
    d = RULES.diagnose(excerpt_to_input(_excerpt(records, shape)))
    assert value not in d.root_cause, (kind, shape, d.root_cause)
    case = RULES.diagnose(excerpt_to_input(_excerpt(_case(seed, kind, twin=False)[0], shape)))
    assert (case.category, case.rule) == (d.category, d.rule)  # the quotes never move the verdict


def test_every_seed_draws_other_values_and_shapes() -> None:
    drawn = {(_case(seed, kind, False)[1], _case(seed, kind, False)[2]) for seed in range(1, 7) for kind in KINDS}
    assert len({v for v, _ in drawn}) >= 20 and {s for _, s in drawn} == {"text", "json", "docker"}


DENIED = ("OOMKilled", "oom_killed", "evicted", "throttled", "disk_full", "retried")


def _measure(rng: random.Random, below: bool) -> str:
    """A measure with the limit it is read against in the same record (value_denials.py), well below it or at/over it."""
    kind = rng.choice(["size", "in_use", "percent", "ready", "slo"])
    if kind == "size":
        limit = rng.choice([1, 2, 4])
        v = rng.randint(50, int(0.6 * limit * 1024)) if below else rng.randint(int(0.95 * limit * 1024), limit * 1100)
        key = rng.choice(["memory", "rss", "heap", "container_memory"])
        return rng.choice([f"{key} {v}Mi of {limit}Gi", f"{key}={v}MiB/{limit}GiB"])
    if kind == "in_use":
        b = rng.choice([10, 20, 50])
        a = rng.randint(0, int(0.6 * b)) if below else b
        return rng.choice([f"{rng.choice(['pool', 'db_pool', 'pg pool'])} {a}/{b} in use", f"in_use={a}/{b}"])
    if kind == "percent":
        p = rng.randint(5, 70) if below else rng.randint(92, 100)
        key = rng.choice(["disk", "volume", "memory"])
        return rng.choice([f"{key} {p}% used", f"{key} usage: {p}%"])
    if kind == "ready":
        b = rng.randint(2, 6)
        return f"{rng.choice(['replicas', 'pods', 'endpoints'])} {b if below else b - 1}/{b} ready"
    limit = rng.choice([300, 500, 1000])
    v = rng.randint(20, int(0.6 * limit)) if below else rng.randint(limit + 1, 3 * limit)
    return f"latency p99 {v}ms (slo {limit}ms)"


def _denial_case(seed: int, kind: str = "absent") -> tuple[list[dict[str, Any]], str, str, str]:
    """An error and, next to it, a WARNING whose fields deny a cause (`OOMKilled=false`, or `memory 210Mi of 2Gi` when
    `kind` is "below"; at or over its limit when "over") beside the fact it shows."""
    rng = random.Random(f"{seed}-denial-{kind}")
    exc = _failures(rng)
    own, other = rng.sample(LOGGERS, 2)
    key = rng.choice(DENIED)
    absent = rng.choice(["false", "False", "0", "None", "null", "no"])
    shown = f"exitcode={rng.choice([1, 2, 137, 143])}"
    pair = rng.choice([f"{key}={absent}", f'"{key}": {absent.lower()}', f"{key}={absent} signal=9"])
    if kind != "absent":
        key = pair = _measure(rng, below=kind == "below")
    fact = {"level": "WARNING", "logger": other,
            "message": f"{rng.choice(['worker restarted', 'container exited', 'job aborted'])} ({shown}, {pair})"}
    error = {"level": "ERROR", "logger": own, "message": "job step failed",
             "exc": "".join(traceback.format_exception(exc)).rstrip()}
    records = [fact, error] if rng.random() < 0.5 else [error, fact]
    for t, r in enumerate(records):
        r["t"] = t
    return records, key, shown, rng.choice(["text", "json", "docker"])


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("kind", ["absent", "below", "over"])
def test_a_field_denying_a_cause_is_left_out_of_the_quote(seed: int, kind: str) -> None:
    """A thing reported absent and a measure well below its own limit deny a cause: left out of the quote. The twin
    ("over"): the same measure at or over its limit is the shortage itself, quoted whole."""
    records, key, shown, shape = _denial_case(seed, kind)
    d = RULES.diagnose(excerpt_to_input(_excerpt(records, shape)))
    assert shown in d.root_cause, (shape, d.root_cause)  # the record is quoted, what it shows kept
    if kind == "over":
        assert key in d.root_cause, (shape, d.root_cause)
    else:
        assert key.lower() not in d.root_cause.lower(), (shape, d.root_cause)  # its denial never reads as the cause


def test_an_absence_said_in_prose_stays_in_the_quote() -> None:
    """The twin: 'text layer: none', 'refused by the pooler: no such user' are sentences, not fields."""
    from sidecar.diagnose.deciding_facts import _quote

    for said in ("uploading scan.pdf (212 pages, text layer: none, images: 212)", "refused by the pooler: no such user"):
        assert _quote(said, frozenset()) == said


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("twin", [False, True])
def test_a_change_tools_own_record_is_quoted(seed: int, twin: bool) -> None:
    """A migration/deploy tool's logger marks its record as a change though its words name none (a migration's DDL);
    the twin - the same words from a query logger - is not quoted."""
    rng = random.Random(f"{seed}-tool")
    exc = _failures(rng)
    logger = (rng.choice(["tools.query_runner", "app.jobs.reader", "worker.sync"]) if twin else
              rng.choice(["alembic.runtime.migration", "app.schema_migrations", "app.deployer", "ops.rollout"]))
    table = rng.choice(["conversations", "usage_events", "uploads"])
    step = f"{rng.randint(10, 99):04d}_{table}_{rng.choice(['meta', 'idx', 'jsonb'])}.sql"
    fact = {"level": "INFO", "logger": logger, "message": f"running {step}: ALTER TABLE {table} ALTER COLUMN meta TYPE jsonb"}
    error = {"level": "ERROR", "logger": rng.choice(LOGGERS), "message": "insert failed",
             "exc": "".join(traceback.format_exception(exc)).rstrip()}
    filler = {"level": "INFO", "logger": "src.core.jobs", "message": "scheduler tick 3 done"}
    records = [filler, fact, error]
    for t, r in enumerate(records):
        r["t"] = t
    d = RULES.diagnose(excerpt_to_input(_excerpt(records, rng.choice(["text", "json"]))))
    assert (step in d.root_cause) is not twin, d.root_cause


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_config_answer_quotes_the_setting_printed_long_before(seed: int, tmp_path: Any, monkeypatch: Any) -> None:
    """A config answer rests on a setting: its start-up line is quoted though many records stand between (a setting
    alone scored under MIN_SCORE), the setting whose VALUE the error names first; a non-config answer never quotes it
    (the config gate)."""
    rng = random.Random(f"{seed}-config")
    name = rng.choice(["certs", "bundle", "ca", "keys", "tls"]) + rng.choice(["", "_dir", "d"])
    named, other = rng.sample(["EXAI_CA_BUNDLE", "SSL_CERT_FILE", "ALERT_CA_PATH", "UPLOAD_CERT_DIR"], 2)
    (tmp_path / name).mkdir()
    monkeypatch.chdir(tmp_path)
    try:
        open(name).close()  # noqa: SIM115 - the real IsADirectoryError is the point
    except IsADirectoryError as exc:
        failure: BaseException = exc
    settings = [{"level": "INFO", "logger": "src.core.env_config", "message": f"{other}=/etc/ssl/{rng.randint(1, 99)}.pem"},
                {"level": "INFO", "logger": "src.core.env_config", "message": f"{named}={name}"}]
    rng.shuffle(settings)
    fillers = [{"level": "INFO", "logger": rng.choice(LOGGERS), "message": f"scheduler tick {i} done"}
               for i in range(rng.randint(6, 9))]
    error = {"level": "ERROR", "logger": rng.choice(LOGGERS), "message": f"cannot load {rng.choice(['certs', 'the bundle'])}",
             "exc": "".join(traceback.format_exception(failure)).rstrip()}
    records = [*settings, *fillers, error]
    for t, r in enumerate(records):
        r["t"] = t
    d = RULES.diagnose(excerpt_to_input(_excerpt(records, rng.choice(["text", "json"]))))
    assert d.category == "config", d
    quoted = d.root_cause.split("The log around it:", 1)[-1]
    assert f"{named}={name}" in quoted, quoted
    assert other not in quoted or quoted.index(named) < quoted.index(other), quoted


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_logger_naming_a_change_resource_is_no_change_tool(seed: int) -> None:
    rng = random.Random(f"{seed}-tool-resource")
    exc = _failures(rng)
    logger = rng.choice(["src.api.deployments", "app.migrations_report.reader", "billing.restore_points.query",
                         "admin.deployments_view"])
    table = rng.choice(["conversations", "usage_events", "uploads"])
    step = f"{rng.randint(10, 99):04d}_{table}_{rng.choice(['meta', 'idx', 'jsonb'])}.sql"
    fact = {"level": "INFO", "logger": logger, "message": f"running {step}: ALTER TABLE {table} ALTER COLUMN meta TYPE jsonb"}
    error = {"level": "ERROR", "logger": rng.choice(LOGGERS), "message": "insert failed",
             "exc": "".join(traceback.format_exception(exc)).rstrip()}
    records = [{"level": "INFO", "logger": "src.core.jobs", "message": "scheduler tick 3 done"}, fact, error]
    for t, r in enumerate(records):
        r["t"] = t
    d = RULES.diagnose(excerpt_to_input(_excerpt(records, rng.choice(["text", "json"]))))
    assert step not in d.root_cause, (logger, d.root_cause)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_resource_left_at_zero_stays_in_the_quote(seed: int) -> None:
    from sidecar.diagnose.deciding_facts import _quote

    rng = random.Random(f"{seed}-exhausted")
    key = rng.choice(["available", "remaining", "free_slots", "ready", "healthy_upstreams", "tokens_left", "idle"])
    other = f"size={rng.randint(5, 50)}"
    said = rng.choice([f"pool stats: {other} {key}=0 waiting={rng.randint(1, 30)}",
                       f'{{"{key}": 0, "limit": {rng.randint(100, 900)}, "reset": {rng.randint(1, 60)}}}',
                       f"upstream health: {key}={rng.choice(['0', '0.0'])}, {other}"])
    assert key in _quote(said, frozenset()), said
