"""The bounded series store: ring buffer growth/wrap/prune, series cap, ordering."""

from __future__ import annotations

import pytest

from sidecar.metrics.series import Ring, SeriesKey, SeriesStore, labels_key


def test_ring_grows_wraps_and_keeps_time_order() -> None:
    r = Ring(4)
    for t in range(1, 7):
        assert r.append(float(t), t * 10.0)
    assert list(r) == [(3.0, 30.0), (4.0, 40.0), (5.0, 50.0), (6.0, 60.0)]
    assert len(r) == 4 and r.last() == (6.0, 60.0)
    assert r.between(3, 5) == [(4.0, 40.0), (5.0, 50.0)]


def test_ring_refuses_out_of_order_and_prunes_by_time() -> None:
    r = Ring(8)
    for t in (1.0, 2.0, 3.0):
        r.append(t, t)
    assert not r.append(3.0, 9.0) and not r.append(2.5, 9.0)
    r.prune_before(2.5)
    assert list(r) == [(3.0, 3.0)]
    # after pruning a wrapped ring, growth keeps order
    for t in range(4, 12):
        r.append(float(t), float(t))
    r.prune_before(9.0)
    for t in range(12, 20):
        r.append(float(t), float(t))
    assert [t for t, _ in r] == [float(t) for t in range(12, 20)]
    r.prune_before(100)
    assert len(r) == 0 and r.last() is None


def test_ring_needs_room() -> None:
    with pytest.raises(ValueError):
        Ring(1)


def test_store_caps_series_and_counts_refused_samples() -> None:
    store = SeriesStore(retention=60, max_series=3, max_samples=10)
    samples = [("m_total", labels_key({"id": str(i)}), 1.0) for i in range(10)]
    refused = store.add_many("gw", 100.0, samples)
    assert refused == 7 and len(store) == 3 and store.dropped_samples == 7
    # existing series keep receiving samples at the cap
    assert store.add(SeriesKey("gw", "m_total", labels_key({"id": "0"})), 105.0, 2.0)


def test_store_prunes_old_samples_and_empty_series() -> None:
    store = SeriesStore(retention=60, max_series=10, max_samples=100)
    k_old = SeriesKey("gw", "old", ())
    k_new = SeriesKey("gw", "new", ())
    store.add(k_old, 0.0, 1.0)
    store.add(k_new, 0.0, 1.0)
    store.add(k_new, 50.0, 2.0)
    store.prune(100.0)
    assert [k for k, _ in store.select("old")] == []
    assert [list(r) for _, r in store.select("new")] == [[(50.0, 2.0)]]


def test_select_matches_labels_by_equality() -> None:
    store = SeriesStore(retention=60)
    store.add(SeriesKey("a", "c_total", labels_key({"status": "error", "provider": "kimi"})), 1.0, 1.0)
    store.add(SeriesKey("b", "c_total", labels_key({"status": "success", "provider": "kimi"})), 1.0, 1.0)
    assert len(store.select("c_total")) == 2
    assert [k.target for k, _ in store.select("c_total", {"status": "error"})] == ["a"]
    assert store.select("c_total", {"model": ""}) != []  # a missing label matches ""
    assert [k.target for k, _ in store.select("c_total", target="b")] == ["b"]
