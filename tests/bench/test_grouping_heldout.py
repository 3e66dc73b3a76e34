"""The held-out grouping benchmark's generator (bench/heldout_*.py): deterministic, and every line is its template.

Written by the benchmark's writer; the grouping's author must not read or run these (see the bench's docstring).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import heldout_logs as hl  # noqa: E402
import heldout_templates as ht  # noqa: E402

SOURCE = '''
import logging, warnings
log = logging.getLogger(__name__)
def f(host, port, items, exc, args):
    log.info("connected to %s:%d after %.2f s", host, port, 0.5)
    logger.warning(f"pool {name!r} has {len(items)} waiting clients")
    self.log.log(logging.DEBUG, "reading {} bytes from {path}".format(n, path=p))
    warnings.warn("option %s is deprecated, use %s" % (old, new))
    raise ValueError(f"invalid port number: {port}")
    log.error("failed: %s", x)
    log.error("connection failed for %s on %s", *args)
    log.error("no slot here at all")
'''


def test_templates_are_read_from_the_call_sites() -> None:
    found = {t.text: t for t in ht.templates_in(SOURCE, "m", "m.py")}
    assert set(found) == {
        "connected to <*>:<*> after <*> s",
        "pool <*> has <*> waiting clients",
        "reading <*> bytes from <*>",
        "option <*> is deprecated, use <*>",
        "ValueError: invalid port number: <*>",
    }
    slots = [p for p in found["connected to <*>:<*> after <*> s"].parts if isinstance(p, ht.Slot)]
    assert [(s.hint, s.spec, s.const) for s in slots] == [("host", "s", None), ("port", "d", None), ("0.5", "f", "0.5")]
    assert found["pool <*> has <*> waiting clients"].level == "WARNING"
    assert found["reading <*> bytes from <*>"].level == "DEBUG"
    assert {t.text: t.via for t in found.values() if t.via != "log"} == {
        "option <*> is deprecated, use <*>": "warn", "ValueError: invalid port number: <*>": "raise"}


def test_no_raises_leaves_out_raised_messages_only() -> None:
    raised = {t.text for t in hl.system_templates("asyncio") if t.via == "raise"}
    assert raised
    _, truth = hl.generate("asyncio", 1, 400, raises=False)
    assert not raised & set(truth)
    assert len(set(truth)) >= 20


@pytest.mark.parametrize("name", list(hl.SYSTEMS))
def test_every_line_has_its_header_and_matches_its_true_template(name: str) -> None:
    # Every system's package is installed by the project (runtime or dev dependencies, or the standard library):
    # one that went missing or lost its log statements is a broken benchmark, said here, not a skip.
    assert len(hl.system_templates(name)) >= 25, f"{hl.SYSTEMS[name].package}: fewer than 25 usable templates"
    for seed in (1, 2):
        lines, truth = hl.generate(name, seed, 600)
        assert len(lines) == len(truth) == 600
        assert len(set(truth)) >= 20
        spaced = 0
        for line, template in zip(lines, truth, strict=True):
            message = hl.content(name, line)
            assert hl.template_regex(template).fullmatch(message), (template, message)
            spaced += len(message.split()) != len(template.split())
        # slot values with blanks exist (one slot of the true template all the same), but are not the rule
        assert 0 < spaced < len(lines)


def test_same_seed_same_log_in_a_fresh_interpreter_with_another_hash_seed() -> None:
    lines, truth = hl.generate("asyncio", 5, 300)
    assert (lines, truth) == hl.generate("asyncio", 5, 300)
    assert lines != hl.generate("asyncio", 6, 300)[0]
    code = "import heldout_logs as hl, json; print(json.dumps(hl.generate('asyncio', 5, 300)))"
    env = dict(os.environ, PYTHONHASHSEED="12345", PYTHONPATH=str(BENCH))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    import json

    assert json.loads(out.stdout) == [lines, truth]


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown system"):
        hl.generate("nginx", 1, 5)
    with pytest.raises(ValueError, match="header shape"):
        hl.content("pip", "no header here")
