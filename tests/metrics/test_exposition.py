"""Filtering before parsing, both exposition formats, health JSON flattening, bad bodies."""

from __future__ import annotations

import pytest
from prometheus_client import generate_latest
from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics

from sidecar.metrics.errors import ParseError
from sidecar.metrics.exposition import FamilyFilter, filter_lines, parse_exposition
from sidecar.metrics.health import flatten_health, parse_health

from .conftest import Gateway


@pytest.fixture
def gw() -> Gateway:
    g = Gateway()
    for i in range(10):
        g.call(ok=i != 3, latency=0.3 * (i + 1))
    return g


WANTED = ["mcp_api_calls_total", "mcp_api_latency_seconds"]


def test_filter_keeps_help_type_and_every_suffix_of_kept_families(gw: Gateway) -> None:
    text = generate_latest(gw.registry).decode()
    kept = filter_lines(text, FamilyFilter(WANTED), openmetrics=False)
    assert "# HELP mcp_api_calls_total" in kept and "# TYPE mcp_api_latency_seconds histogram" in kept
    for suffix in ("_bucket{", "_sum{", "_count{"):
        assert "mcp_api_latency_seconds" + suffix in kept
    assert "mcp_api_calls_created" in kept  # kept as a line, dropped as a sample
    assert "mcp_cache_operations" not in kept and "mcp_memory_usage_bytes" not in kept
    assert "mcp_requests_total" not in kept


def test_filtered_parse_equals_the_wanted_subset_of_a_full_parse(gw: Gateway) -> None:
    text = generate_latest(gw.registry).decode()
    flt = FamilyFilter(WANTED)
    full = parse_exposition(text)
    filtered = parse_exposition(text, flt=flt)
    assert filtered == [s for s in full if s[0] in flt.names]
    names = {s[0] for s in filtered}
    assert names == {"mcp_api_calls_total", "mcp_api_latency_seconds_bucket",
                     "mcp_api_latency_seconds_sum", "mcp_api_latency_seconds_count"}
    assert not any(n.endswith("_created") for n, _, _ in full)
    errors = [v for n, labels, v in filtered if n == "mcp_api_calls_total" and ("status", "error") in labels]
    assert errors == [1.0]


def test_family_named_without_suffix_selects_the_same_lines(gw: Gateway) -> None:
    text = generate_latest(gw.registry).decode()
    a = parse_exposition(text, flt=FamilyFilter(["mcp_api_calls_total"]))
    b = parse_exposition(text, flt=FamilyFilter(["mcp_api_calls"]))
    assert a == b and a


def test_openmetrics_body_with_filter(gw: Gateway) -> None:
    text = generate_openmetrics(gw.registry).decode()
    assert text.rstrip().endswith("# EOF")
    flt = FamilyFilter(WANTED)
    om = parse_exposition(text, openmetrics=True, flt=flt)
    classic = parse_exposition(generate_latest(gw.registry).decode(), flt=flt)
    assert sorted(om) == sorted(classic)


@pytest.mark.parametrize("body", [
    "\x00\xffnot { a metric\n}}} 12 13 14\n",
    'mcp_api_calls_total{status="ok" 1\n',
    "mcp_api_calls_total one\n",
])
def test_garbage_raises_parse_error(body: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_exposition(body)
    assert info.value.reason == "parse"


@pytest.mark.parametrize("body", ["<html><body>502 Bad Gateway</body></html>\n", "\x00\ufffd{{{\n"])
def test_garbage_is_an_error_even_when_the_filter_would_drop_every_line(body: str) -> None:
    with pytest.raises(ParseError):
        parse_exposition(body, flt=FamilyFilter(WANTED))


def test_garbage_of_unwanted_families_is_never_parsed() -> None:
    body = "# TYPE mcp_api_calls_total counter\nmcp_api_calls_total 3\nother_metric{{{ garbage\n"
    assert parse_exposition(body, flt=FamilyFilter(["mcp_api_calls_total"])) == [("mcp_api_calls_total", (), 3.0)]


def test_health_json_flattens_numbers_bools_and_status_words() -> None:
    doc = {
        "status": "degraded",
        "global": {"current": 4, "expected": 5, "utilization": 0.2, "status": "leak_detected"},
        "providers": {"kimi": {"current": 3, "status": "healthy"}},
        "alert": {"level": "warning", "threshold_exceeded": True, "message": "growing"},
        "history": [1, 2, 3],
        "version": "1.0.0",
    }
    flat = dict(flatten_health(doc))
    assert flat == {
        "status": 1.0, "global.current": 4.0, "global.expected": 5.0, "global.utilization": 0.2,
        "global.status": 2.0, "providers.kimi.current": 3.0, "providers.kimi.status": 0.0,
        "alert.level": 1.0, "alert.threshold_exceeded": 1.0,
    }


def test_health_body_that_is_not_a_json_object() -> None:
    for body in (b"<html>oops</html>", b"[1, 2]", b"\xff\xfe"):
        with pytest.raises(ParseError) as info:
            parse_health(body)
        assert info.value.reason == "bad_json"
