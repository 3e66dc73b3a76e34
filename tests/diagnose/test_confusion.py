"""The category figures `sidecar eval` prints: confusion table, per-kind counts, the category's reliability."""

from __future__ import annotations

import argparse

from sidecar.diagnose.confusion import confusion, format_confusion
from sidecar.diagnose.evaluate import load_cases, main_eval, run_rules
from sidecar.diagnose.rules import default_rules_path, load_rules

_KIMI_502 = (
    "id: {id}\ntags: [{kind}]\nlog: |\n  2025-01-01 00:00:00 INFO httpx: HTTP Request: POST "
    'https://api.moonshot.ai/v1/chat/completions "HTTP/1.1 502 Bad Gateway"\n'
    "  2025-01-01 00:00:00 ERROR src.providers.kimi_chat: Kimi call failed: Error code: 502 - "
    "{{'error': {{'message': 'bad gateway', 'type': 'server_error'}}}}\n"
    "expected: {{category: {category}, severity: {{value: critical, tolerance: 1}}}}\n")
_VAGUE = ("id: {id}\ntags: [{kind}]\nlog: |\n  2025-01-01 00:00:00 ERROR src.x: Planner produced an empty step list\n"
          "expected: {{category: {category}, severity: {{value: medium, tolerance: 1}}}}\n")


def _write(tmp_path, rows):
    for i, (text, category, kind) in enumerate(rows):
        (tmp_path / f"{i}.yaml").write_text(text.format(id=f"c{i}", category=category, kind=kind))
    return load_cases(tmp_path)


def test_a_wrong_category_lands_off_the_diagonal_in_its_expected_row(tmp_path):
    cases = _write(tmp_path, [(_KIMI_502, "network", "near-miss"), (_KIMI_502, "provider", "known"),
                              (_VAGUE, "unknown", "unknown"), (_VAGUE, "code", "known")])
    scores = run_rules(cases, load_rules(default_rules_path()))
    answered = {s.case: s.diagnosis.category for s in scores if s.diagnosis}
    table = confusion(scores, {c.id: c for c in cases})
    assert table[("network", answered["c0"])] == 1 and table[("provider", answered["c1"])] == 1
    assert answered["c0"] == answered["c1"]  # one answer, two expectations: exactly one of them is off-diagonal
    assert sum(table.values()) == 4
    text = format_confusion(table)
    row = next(line for line in text.splitlines() if line.strip().startswith("network"))
    assert row.rstrip().endswith(f"{int(answered['c0'] == 'network')}/1")


def test_eval_summary_prints_the_category_figures_per_kind(tmp_path, capsys):
    cases = _write(tmp_path, [(_KIMI_502, "network", "near-miss"), (_VAGUE, "unknown", "unknown"),
                              (_VAGUE, "code", "known")])
    by_id = {c.id: c for c in cases}
    right = {s.case: int(s.diagnosis is not None and s.diagnosis.category == by_id[s.case].expected.category)
             for s in run_rules(cases, load_rules(default_rules_path()))}
    main_eval(argparse.Namespace(config=None, cases=str(tmp_path), jsonl=False, summary_only=True))
    out = capsys.readouterr().out
    assert "category confusion: rows expected, columns answered" in out
    kinds = next(line for line in out.splitlines() if "category right by case kind" in line)
    # the figures the rules give each case, not just their format
    assert f"known {right['c2']}/1" in kinds, kinds
    assert f"near-miss {right['c0']}/1" in kinds and f"unknown {right['c1']}/1" in kinds, kinds
    assert f"category alone: right {sum(right.values())}/3" in out
