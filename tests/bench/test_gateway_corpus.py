"""The generated gateway corpora (bench/gateway_corpus.py): deterministic, labeled, detected as labeled."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import gateway_corpus as gc  # noqa: E402


def test_same_seed_same_corpus_and_labels_shared_by_shapes() -> None:
    a = gc.generate(3, "text_a", 80)
    assert a == gc.generate(3, "text_a", 80)
    assert a != gc.generate(4, "text_a", 80)
    for shape in gc.SHAPES:
        text, labels = gc.generate(3, shape, 80)
        assert labels == a[1] and len(labels) == 80 and text.endswith("\n")


def test_unknown_shape_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown shape"):
        gc.generate(1, "xml", 5)


def test_corpus_holds_the_hard_cases() -> None:
    text, labels = gc.generate(1, "text_a", 600)
    suffixes = re.findall(r"for key ending (\w{4})$", text, re.M)
    assert any(s.isalpha() for s in suffixes) and any(not s.isalpha() for s in suffixes)
    events = [e for _, e in gc.build_events(1, 600) if e.kind]
    lines_by_kind: dict[str, set[str]] = {}
    for e in events:
        app = [ln for ln in e.traceback if ln.startswith('  File "/app/')]
        lines_by_kind.setdefault(e.kind or "", set()).update(app)
    assert any(len(v) > 1 for v in lines_by_kind.values()), "the deploy must shift line numbers of one error"
    attr = [e for e in events if e.kind in ("K13_attr_nonetype_get", "K14_attr_config_timeout_secs")]
    assert {e.kind for e in attr} == {"K13_attr_nonetype_get", "K14_attr_config_timeout_secs"}
    assert len({e.message.split("(model")[0] for e in attr}) == 1  # same wording, different true errors


@pytest.mark.parametrize("shape", gc.SHAPES)
def test_sidecar_replay_detects_exactly_the_labeled_events(tmp_path: Path, shape: str) -> None:
    text, labels = gc.generate(2, shape, 60)
    path = tmp_path / f"corpus.{gc.EXTENSIONS[shape]}"
    path.write_text(text, encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "sidecar", "replay", str(path), "--jsonl"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    detected = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    assert len(detected) == len(labels)
    assert {d["level"] for d in detected} <= {"ERROR", "CRITICAL"}
    result = gc.score(labels, [d["fingerprint"] for d in detected])
    assert result["events"] == 60 and 0.0 <= float(str(result["grouping_accuracy"])) <= 1.0


def test_score_reports_splits_merges_and_grouping_accuracy() -> None:
    assert gc.score(["a", "a", "b"], ["x", "x", "y"])["grouping_accuracy"] == 1.0
    split = gc.score(["a", "a", "b"], ["x", "z", "y"])
    assert split["split_kinds"] == {"a": 2} and split["grouping_accuracy"] == round(1 / 3, 4)
    merged = gc.score(["a", "b"], ["x", "x"])
    assert merged["merged_groups"] == {"x": ["a", "b"]} and merged["grouping_accuracy"] == 0.0
    with pytest.raises(ValueError, match="detection differs"):
        gc.score(["a"], [])


def test_cli_writes_ten_seeds_in_four_shapes_with_labels(tmp_path: Path) -> None:
    assert gc.main([str(tmp_path), "--events", "5"]) == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert len(manifest) == 40 and {m["seed"] for m in manifest} == set(range(1, 11))
    for m in manifest:
        labels = (tmp_path / (m["file"] + ".labels")).read_text().split()
        assert len(labels) == 5 == m["events"]
