"""Reviewer, round 9: context_causes._loaded_config (b5d53ba) blames the config file an earlier record of the same
logger loaded for ANY later parse error of that logger, also when the failing record names another file.

The near-miss: the logger loaded `/app/config/tools.yaml (TOOLS_CONFIG_FILE)` fine, then a real PyYAML error parsing
a different file - a user's upload under /tmp/uploads, a cached response under /var/lib - which the record itself
names (`parsing /tmp/uploads/u-582/compose.override.yaml failed`). The answer becomes config, 'The gateway's config
file /app/config/tools.yaml (TOOLS_CONFIG_FILE) does not parse': the wrong file, on 6 of 6 seeds; without the
loaded-config record it is unknown (catch-all). The rule should need the failing record (message, or PyYAML's
`in "<file>"` mark) to name the loaded path, or at least not name another file. Seeds vary the logger, the other
file, the YAML fault and the wording of the loading record. Fixed by the lead (round 9): a failing record naming another file keeps its answer.
"""

from __future__ import annotations

import random

import pytest
import yaml

from tests.diagnose.classes8_base import line
from tests.diagnose.classes8_vary import spread
from tests.diagnose.logged import diagnose, raised_and_logged


def _excerpts(seed: int) -> tuple[str, str]:
    rng = random.Random(f"loaded-config-{seed}")
    logger = rng.choice(["tools.file_reader", "src.tools.smart_file_analyze", "src.daemon.outbound_http"])
    other = rng.choice([f"/tmp/uploads/u-{rng.randrange(999)}/compose.override.yaml",
                        f"/var/lib/gateway/cache/resp-{rng.randrange(999)}.yaml"])
    doc = rng.choice(["a: *missing\n", "a: [1, 2\n", "a: b: c\n"])
    err = raised_and_logged(lambda: yaml.safe_load(doc), logger, f"parsing {other} failed")
    loaded = line(logger, rng.choice(["loading tool config from /app/config/tools.yaml (TOOLS_CONFIG_FILE)",
                                      "TOOLS_CONFIG_FILE=/app/config/tools.yaml loaded (14 tools)"]))
    return spread(rng, [], err), spread(rng, [loaded], err)


@pytest.mark.parametrize("seed", range(6))
def test_a_parse_error_of_another_file_is_not_the_loaded_config(seed: int) -> None:
    without, after_load = (diagnose(x) for x in _excerpts(seed))
    assert (after_load.category, after_load.rule) == (without.category, without.rule), after_load.summary


@pytest.mark.parametrize("seed", range(6))
def test_without_the_loading_record_the_answer_is_the_catch_all(seed: int) -> None:
    """The reference the near-miss must keep (not config)."""
    d = diagnose(_excerpts(seed)[0])
    assert d.category != "config", (d.category, d.rule)
