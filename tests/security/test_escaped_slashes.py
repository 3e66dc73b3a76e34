"""JSON's escaped slash (`\\/`) is read as `/` so escaped URLs are redacted; a backslash that is itself
escaped (`\\\\/`, a literal backslash before a slash) is text, left as it is. A text without a secret is returned as
written (round 9); one with a secret comes back unescaped with the secret marked. Found by
test_redact's idempotence property: redacting `a\\\\/b` gave `a\\/b`, and again `a/b`."""

from __future__ import annotations

import json

import pytest

from sidecar.redaction import redact

PASSWORD = "Zq8vT3mW9xK2pL7n"


@pytest.mark.parametrize("run", range(0, 7))
@pytest.mark.parametrize("around", ["{}", "path=C:{}tmp", "regex {} end", "x{}"])
def test_backslash_runs_before_a_slash(run: int, around: str) -> None:
    text = around.format("\\" * run + "/") + " and more text"
    out = redact(text)
    assert redact(out) == out  # idempotent whatever the run
    # no secret here: the text is left as written, escaping backslash or not (round 9: set 10's must-keep
    # `"uri":"\\/rest\\/v1\\/provider"` was rewritten to `/rest/v1/provider` before)
    assert out == text


@pytest.mark.parametrize("field", ["url", "dsn", "callback"])
def test_a_json_escaped_url_with_a_password_is_redacted(field: str) -> None:
    record = json.dumps({field: f"https://svc:{PASSWORD}@db.internal/v1"}).replace("/", "\\/")
    out = redact(record)
    assert PASSWORD not in out and "db.internal" in out
    assert redact(out) == out
