"""`situation.own_host`: the host an error record itself names, by the shapes a client library prints - and never a
type, a function or a frame that happens to follow "to" or precede ":NN" (round 19 re-read: 'cannot convert to
numpy.ndarray' was read as a host, and the answer said "Could not connect to numpy.ndarray")."""

from __future__ import annotations

import random

import pytest

from sidecar.diagnose.situation import own_host

HOSTS = ["hooks.example.invalid", "relay-2.partner.example", "ingest.eu.acme-corp.example", "api.vendor.example"]
NAMED = [
    "HTTPSConnectionPool(host='{h}', port=443): Max retries exceeded with url: /hook",
    'HTTPConnectionPool(host="{h}", port=80): Read timed out.',
    "Cannot connect to host {h}:443 ssl:default [Connect call failed]",
    "request to {h} failed: connection reset",
    "POST https://{h}/v1/events failed",
    "cannot reach {h}:8443 after 3 attempts",
    "error connecting to {h}: timed out",
    "alert delivery to {h} failed",
    "upload to {h} aborted after 30s",
]
NOT_HOSTS = [
    "TypeError: cannot convert to numpy.ndarray",
    "Failed to json.loads body",
    "at com.foo.Bar.run(Bar.kt:42)",
    "  File \"relay_server.py\", line 296, in send",
    "failed to decode to pydantic.BaseModel",
    "at Object.handler (webhook.mjs:17:9)",
    "could not cast to decimal.Decimal",
]


@pytest.mark.parametrize("seed", range(4))
def test_a_host_the_record_names_is_read_in_every_client_shape(seed: int) -> None:
    rnd = random.Random(seed)
    for shape in NAMED:
        host = rnd.choice(HOSTS)
        assert own_host(shape.format(h=host)) == host, shape


@pytest.mark.parametrize("text", NOT_HOSTS)
def test_a_type_function_or_frame_after_to_or_before_a_line_number_is_no_host(text: str) -> None:
    assert own_host(text) is None
