"""Traceback identity (FINGERPRINT_VERSION v2): source lines and the names a message gives."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import UTC, datetime

from sidecar.bus import Bus
from sidecar.clock import ManualClock
from sidecar.errors.fingerprint import (
    FINGERPRINT_VERSION,
    failure_names,
    fingerprint_event,
    fingerprint_message,
    legacy_fingerprint,
)
from sidecar.errors.groups import GroupRecorder
from sidecar.errors.legacy_forms import legacy_event_id
from sidecar.telemetry import Telemetry

from .conftest import capture, event_from_exception, load_module, make_event

APP = '''
class Config:
    retries = 3


def settings(cfg, headers):
    host = headers.get("host")
    timeout = cfg.timeout_secs
    return host, timeout


def lookup(table, key):
    return table[key]


def read(obj, name):
    return getattr(obj, name)
'''


def _events(tmp_path, blank_lines=0, root="app"):
    mod = load_module(tmp_path / root, "src/gw/settings.py", APP, blank_lines=blank_lines)
    none_get = event_from_exception(capture(mod.settings, mod.Config(), None))
    missing_attr = event_from_exception(capture(mod.settings, mod.Config(), {"host": "x"}))
    return mod, none_get, missing_attr


def test_two_attribute_errors_in_one_function_are_two_groups(tmp_path):
    _, none_get, missing_attr = _events(tmp_path)
    assert none_get.exception_type == missing_attr.exception_type == "AttributeError"
    assert "'NoneType' object has no attribute 'get'" in none_get.exception_message
    assert "'Config' object has no attribute 'timeout_secs'" in missing_attr.exception_message
    # The in-app frame carries the source line as Python printed it.
    app = [f for f in missing_attr.frames if f.file.endswith("settings.py")]
    assert app[-1].source_line == "timeout = cfg.timeout_secs"
    assert fingerprint_event(none_get) != fingerprint_event(missing_attr)


def test_a_deploy_that_moves_lines_keeps_both_groups(tmp_path):
    _, a1, b1 = _events(tmp_path, root="v1")
    _, a2, b2 = _events(tmp_path, blank_lines=7, root="v2")
    assert a1.frames[-1].line != a2.frames[-1].line
    assert fingerprint_event(a1) == fingerprint_event(a2)
    assert fingerprint_event(b1) == fingerprint_event(b2)


def test_names_split_one_source_line_but_ids_and_values_do_not(tmp_path):
    mod = load_module(tmp_path / "app", "src/gw/settings.py", APP)
    # Same line, different attribute: the name says which failure it is.
    read_a = event_from_exception(capture(mod.read, mod.Config(), "timeout_secs"))
    read_b = event_from_exception(capture(mod.read, mod.Config(), "max_tokens"))
    assert fingerprint_event(read_a) != fingerprint_event(read_b)
    # Same line, a key that is an id (digits, hex letters, random case): one group.
    ids = ["user_8f3a", "eedd", "dGhpcyBpcyBh", "a1b2c3d4", "req-00af"]
    fps = {fingerprint_event(event_from_exception(capture(mod.lookup, {}, k))) for k in ids}
    assert len(fps) == 1


def test_failure_names():
    assert failure_names("'NoneType' object has no attribute 'get'") == ("NoneType", "get")
    assert failure_names("column \"upload_method\" does not exist") == ("upload_method",)
    assert failure_names("'eedd'") == () and failure_names("'user_42'") == ()
    assert failure_names("No module named 'utils.semantic_cache'") == ("utils.semantic_cache",)


def test_golden_fingerprints():
    """Pinned ids: a change that re-groups existing errors must bump FINGERPRINT_VERSION (tracebacks) or
    the message-form version (v2 since round 19, whose v1 ids stay reachable: legacy_forms.py; more pinned
    ids per form class in test_golden_forms.py)."""
    assert FINGERPRINT_VERSION == "v2"
    assert fingerprint_message("kimi upload returned no file ID", "src.providers.kimi") == \
        "19305efdbbfa1af57c6f5121d60e2753"
    assert fingerprint_message("Connection closed for 172.18.0.1:36952: no close frame", "gw") == \
        "f642b0002df479aad340ed287530e1a8"
    # The ids message forms v1 assigned (until round 18) are what legacy_forms rebuilds.
    assert legacy_event_id(make_event("kimi upload returned no file ID", logger="src.providers.kimi")) == \
        "ef60defa2b9857750f19b58bad912d79"
    assert legacy_event_id(make_event("Connection closed for 172.18.0.1:36952: no close frame", logger="gw")) == \
        "d4c2767af00c7e10376563bdcb7bec9b"
    for version, fp in (("v2", fingerprint_message("boom 7 x", "gw")),
                        ("v1", legacy_event_id(make_event("boom 7 x", logger="gw")))):
        canonical = "".join(f"{len(p)}:{p};" for p in (version, "msg", "gw", "error", "boom <*> x"))
        assert fp == hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()


async def test_a_v1_traceback_group_reaches_its_v2_group(tmp_path, sqlite_store):
    _, none_get, missing_attr = _events(tmp_path)
    old = legacy_fingerprint(none_get)
    assert old is not None and old == legacy_fingerprint(missing_attr)  # v1 merged the two
    rec = GroupRecorder(sqlite_store, Bus(), ManualClock(start=datetime(2026, 12, 1, tzinfo=UTC).timestamp()),
                        Telemetry())
    await rec.record([none_get])
    row = await sqlite_store.groups.get(old)
    assert row is not None and row["error_hash"] == fingerprint_event(none_get)


def test_sidecar_replay_reports_two_groups_for_the_two_attribute_errors(tmp_path):
    mod, none_get, missing_attr = _events(tmp_path)
    log = tmp_path / "gw.log"
    log.write_text(none_get.raw + "\n" + missing_attr.raw + "\n" + none_get.raw + "\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "sidecar", "replay", str(log), "--jsonl"], capture_output=True,
                         text=True, timeout=60, check=True).stdout.splitlines()
    fps = [json.loads(line)["fingerprint"] for line in out]
    assert len(fps) == 3 and fps[0] == fps[2] != fps[1]
