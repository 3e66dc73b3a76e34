"""Configuration: loading, every validation error path, environment overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from sidecar.config import Config, ConfigError, env_overrides, load_config


def write(tmp_path: Path, text: str, name: str = "sidecar.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def problems_of(path: Path, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(path, environ or {})
    return info.value.problems


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no sidecar.yaml here
    config = load_config(None, {})
    assert config.server.port == 8081
    assert config.server.host == "0.0.0.0"
    assert config.store.backend == "sqlite"
    assert config.store.path == "./data/sidecar.db"
    assert config.server.api_token is None


def test_default_file_is_read_when_present(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "server:\n  port: 9100\n")
    assert load_config(None, {}).server.port == 9100


def test_unknown_key_is_an_error_with_its_path(tmp_path):
    p = write(tmp_path, "server:\n  prot: 9000\nstore:\n  bakend: sqlite\n")
    assert problems_of(p) == [
        "server.prot: unknown key (check the spelling)",
        "store.bakend: unknown key (check the spelling)",
    ]


def test_unknown_top_level_section(tmp_path):
    assert problems_of(write(tmp_path, "servre: {}\n")) == ["servre: unknown key (check the spelling)"]


def test_wrong_type(tmp_path):
    (problem,) = problems_of(write(tmp_path, "server:\n  port: eighty\n"))
    assert problem.startswith("server.port: ")
    assert "integer" in problem


def test_range_errors_name_both_bounds(tmp_path):
    p = write(
        tmp_path,
        "rollouts_file: null\nrollouts:\n  - name: uploads\n    flag: ASYNC_UPLOAD_ROLLOUT\n"
        "    stages: [{percent: 1}, {percent: 10}, {percent: 150}]\n",
    )
    assert problems_of(p) == ["rollouts[0].stages[2].percent: must be between 0 and 100"]


def test_missing_required_field(tmp_path):
    p = write(tmp_path, "sources:\n  - format: text\n")
    assert problems_of(p) == ["sources[0].paths: required"]


def test_literal_choice(tmp_path):
    (problem,) = problems_of(write(tmp_path, "store:\n  backend: mysql\n"))
    assert problem.startswith("store.backend: ") and "'sqlite'" in problem


def test_bad_source_regex(tmp_path):
    (problem,) = problems_of(write(tmp_path, "sources:\n  - paths: [a.log]\n    pattern: '(?P<level>['\n"))
    assert problem.startswith("sources[0].pattern: not a valid regular expression")


def test_source_regex_needs_named_groups(tmp_path):
    (problem,) = problems_of(write(tmp_path, "sources:\n  - paths: [a.log]\n    pattern: '(\\w+) (.*)'\n"))
    assert "named groups level and message" in problem


def test_invalid_yaml_says_where(tmp_path):
    (problem,) = problems_of(write(tmp_path, "server:\n  port: [1, 2\n"))
    assert problem.startswith("line ") and "invalid YAML" in problem


def test_root_must_be_a_mapping(tmp_path):
    assert problems_of(write(tmp_path, "- a\n- b\n")) == ["(root): must be a mapping of sections"]


def test_missing_file(tmp_path):
    assert problems_of(tmp_path / "nope.yaml") == ["file not found"]


def test_several_problems_are_all_reported(tmp_path):
    p = write(tmp_path, "server:\n  port: 0\n  host: 3\nlogging:\n  level: LOUD\n")
    got = problems_of(p)
    assert len(got) == 3
    assert "server.port: must be between 1 and 65535" in got
    assert any(g.startswith("server.host: ") for g in got)
    assert any(g.startswith("logging.level: ") for g in got)


def test_env_overrides_nested_and_typed(tmp_path):
    p = write(tmp_path, "server:\n  port: 9000\n")
    config = load_config(p, {"SIDECAR_SERVER__PORT": "9200", "SIDECAR_SERVER__API_TOKEN": "s3cret", "OTHER": "x"})
    assert config.server.port == 9200
    assert config.server.api_token is not None and config.server.api_token.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(config)  # secrets never show up in logs or reprs


def test_env_override_lists_as_yaml():
    assert env_overrides(Config, {"SIDECAR_SOURCES": "[{paths: [logs/*.log]}]"}) == {"sources": [{"paths": ["logs/*.log"]}]}


def test_env_override_errors_name_the_variable(tmp_path):
    p = write(tmp_path, "{}\n")
    assert problems_of(p, {"SIDECAR_SERVER__PORT": "x"}) == ["SIDECAR_SERVER__PORT: Input should be a valid integer, unable to parse string as an integer"]


def test_rollouts_file_is_loaded_and_validated(tmp_path):
    rf = write(tmp_path, "rollouts:\n  - name: a\n    flag: F\n    stages: [{percent: 101}]\n", "rollouts.yaml")
    p = write(tmp_path, f"rollouts_file: {rf}\n")
    with pytest.raises(ConfigError) as info:
        load_config(p, {})
    assert info.value.source == str(rf)
    assert info.value.problems == ["rollouts[0].stages[0].percent: must be between 0 and 100"]


def test_missing_explicit_rollouts_file(tmp_path):
    p = write(tmp_path, f"rollouts_file: {tmp_path / 'none.yaml'}\n")
    with pytest.raises(ConfigError, match="rollouts_file"):
        load_config(p, {})
