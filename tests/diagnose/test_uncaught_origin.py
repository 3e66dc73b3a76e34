"""A traceback printed before logging exists (the excepthook's stderr, no record header) is read as the ingest stage
reads it (logger `uncaught`, CRITICAL), and the origin reader sees the CHAINED cause's message (held-out 7's 7046).

Class list: CPython's logging.config.dictConfig failing on a handler ("Unable to configure handler", raised from the
handler's own OSError: a missing directory, a directory where the file should be) - the real call, its real chained
traceback as traceback.format_exc() prints it - after startup lines printed without a header that hold the setting
(several shapes, 3 seeds). Near-misses: the same failure after a line whose setting holds another value (stays not
config), and a header-less excerpt with no traceback (no record: a clear error).
"""

from __future__ import annotations

import logging.config
import random
import traceback
from pathlib import Path

import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from tests.diagnose.logged import RULES, text_of


def _dictconfig_failure(target: Path) -> str:
    try:
        logging.config.dictConfig({"version": 1, "handlers": {"file": {"class": "logging.FileHandler",
                                                                         "filename": str(target)}}})
    except ValueError:
        return traceback.format_exc().rstrip()
    raise AssertionError("dictConfig accepted the handler")


@pytest.mark.parametrize("seed", range(3))
def test_an_uncaught_startup_traceback_names_the_setting_in_its_cause(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    log_dir = tmp_path / rng.choice(["log", "logs-old", "var_log"])  # never created
    name = rng.choice(["EXAI_LOG_DIR", "LOG_DIR", "GATEWAY_LOG_PATH"])
    before = rng.choice([f"EXAI_ENVIRONMENT=docker {name}={log_dir} (compose override)",
                         f"settings: {name}={log_dir}, LOG_LEVEL=INFO",
                         f"{name}={log_dir}"])
    inp = excerpt_to_input("\n".join([before, _dictconfig_failure(log_dir / "gateway.log")]))
    assert inp.logger == "uncaught" and inp.level == "CRITICAL" and inp.exception_type == "ValueError"
    d = RULES.diagnose(inp)
    assert d.category == "config" and name in d.summary, (d.rule, d.summary)


def test_the_same_failure_after_another_value_is_not_the_setting(tmp_path: Path) -> None:
    before = f"EXAI_ENVIRONMENT=docker EXAI_LOG_DIR={tmp_path / 'elsewhere'}"
    d = RULES.diagnose(excerpt_to_input("\n".join([before, _dictconfig_failure(tmp_path / "log" / "gateway.log")])))
    assert d.category != "config" and "EXAI_LOG_DIR" not in text_of(d), (d.rule, d.summary)


def test_a_headerless_excerpt_without_a_traceback_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no log header line"):
        excerpt_to_input("EXAI_LOG_DIR=/app/log\nsomething printed\n")
