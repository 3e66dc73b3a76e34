"""What the catch-all says when no rule knows the error: the exception's own value, and the setting it came from.

Real exceptions raised here by the standard library, logged as the gateway logs them; values vary by seed. The answer
must stay an honest unknown (category unknown, confidence <= 0.4): these sentences are leads, not verdicts."""

from __future__ import annotations

import configparser
import random
import ssl
import types
from pathlib import Path

import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from tests.diagnose.logged import RULES, logged

SEEDS = range(6)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(5, 10)))


def _duplicate_option(rng: random.Random) -> tuple[str, str]:
    option, section, source = _word(rng), _word(rng), f"{_word(rng)}.cfg"
    text = f"[{section}]\n{option} = 1\n{option} = 2\n"
    try:
        configparser.ConfigParser().read_string(text, source=source)
    except configparser.DuplicateOptionError:
        return logged(f"tools.{_word(rng)}", "cannot read packaging metadata"), option
    raise AssertionError("configparser accepted a duplicate option")


def _duplicate_section(rng: random.Random) -> tuple[str, str]:
    section, source = _word(rng), f"{_word(rng)}.ini"
    try:
        configparser.ConfigParser().read_string(f"[{section}]\na = 1\n[{section}]\nb = 2\n", source=source)
    except configparser.DuplicateSectionError:
        return logged(f"src.{_word(rng)}.loader", f"{_word(rng)} settings not loaded"), section
    raise AssertionError("configparser accepted a duplicate section")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("make", [_duplicate_option, _duplicate_section])
def test_the_catch_all_quotes_the_exceptions_value(make, seed: int) -> None:
    excerpt, named = make(random.Random(seed))
    d = RULES.diagnose(excerpt_to_input(excerpt))
    assert d.rule == "catch-all" and d.category == "unknown" and d.confidence <= 0.4
    assert named in d.root_cause and "The exception says:" in d.root_cause


@pytest.mark.parametrize("seed", SEEDS)
def test_a_value_the_summary_already_shows_is_not_repeated(seed: int) -> None:
    rng = random.Random(seed)
    option = _word(rng)
    try:
        configparser.ConfigParser().read_string(f"[s]\n{option} = 1\n{option} = 2\n", source="x.cfg")
    except configparser.DuplicateOptionError as e:
        excerpt = logged(f"tools.{_word(rng)}", str(e))  # the record's message is the exception's own text
    d = RULES.diagnose(excerpt_to_input(excerpt))
    assert d.rule == "catch-all" and option in d.summary
    assert "The exception says:" not in d.root_cause


def _missing_ca(tmp: Path, printed: str) -> str:
    """A startup record prints `printed`; later an ssl context is built from `settings.monitor_ca_file`, a missing file
    (the traceback's source line is this function's own line, as the gateway's would be)."""
    settings = types.SimpleNamespace(monitor_ca_file=str(tmp / "absent-ca.pem"))
    try:
        ssl.create_default_context(cafile=settings.monitor_ca_file)
    except FileNotFoundError:
        return logged("src.monitoring.client", "cannot connect stream",
                      before=(f"{printed}={tmp / 'absent-ca.pem'} OTHER_URL=wss://x.internal:3001/ws",))
    raise AssertionError("a missing CA file was accepted")


@pytest.mark.parametrize("seed", SEEDS)
def test_the_setting_the_failing_line_reads_is_named(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    # pydantic-settings: the field's name, case-insensitive, after an optional env_prefix
    name = rng.choice(["MONITOR_CA_FILE", f"{_word(rng).upper()}_MONITOR_CA_FILE"])
    d = RULES.diagnose(excerpt_to_input(_missing_ca(tmp_path, name)))
    assert d.rule == "catch-all" and d.category == "unknown" and d.confidence <= 0.4
    assert f"setting {name} printed before it" in d.root_cause, d.root_cause


@pytest.mark.parametrize("seed", SEEDS)
def test_a_setting_the_error_does_not_touch_is_not_named(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    other = f"{_word(rng).upper()}_BUNDLE_PATH"  # printed, but neither its value nor its field is in the error
    excerpt = _missing_ca(tmp_path, other).replace(str(tmp_path / "absent-ca.pem"), "/etc/ssl/other.pem", 1)
    d = RULES.diagnose(excerpt_to_input(excerpt))
    assert d.rule == "catch-all" and "printed before it" not in d.root_cause, d.root_cause
