"""jinja2's exception classes raised by the real library (template_causes.py), logged by the gateway's modules.

A template that does not parse or that the sandbox refuses is the gateway's code; one the loader cannot find is
the template directory setting (config, naming the search path); an undefined value is the data's (unknown, low).
Near-miss: a plain FileNotFoundError for a template-looking path is no jinja2 family.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import jinja2.sandbox
import pytest

from tests.diagnose.logged import diagnose, logged, text_of

LOGGERS = ["src.prompts.render", "src.providers.kimi_chat", "tools.docgen"]


def _syntax(tmp: Path) -> None:
    (tmp / "expert_analysis.j2").write_text("Analyse {{ file name }} now\n")
    jinja2.Environment(loader=jinja2.FileSystemLoader(tmp)).get_template("expert_analysis.j2")


def _missing(tmp: Path) -> None:
    jinja2.Environment(loader=jinja2.FileSystemLoader(tmp)).get_template("kimi_system.j2")


def _sandbox(tmp: Path) -> None:
    jinja2.sandbox.SandboxedEnvironment().from_string("{{ title.__class__.__mro__ }}").render(title="x")


def _undefined(tmp: Path) -> None:
    jinja2.Environment().from_string("{{ report.summary.text }}").render(report={})


CASES = {"syntax": (_syntax, "code", "template"), "sandbox": (_sandbox, "code", "sandbox"),
         "missing": (_missing, "config", "search path"), "undefined": (_undefined, "unknown", "undefined")}


@pytest.mark.parametrize("logger", LOGGERS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_jinja2_errors_raised_by_the_library(tmp_path: Path, name: str, logger: str) -> None:
    fn, category, word = CASES[name]
    try:
        fn(tmp_path)
    except jinja2.TemplateError:
        excerpt = logged(logger, "prompt template failed")
    else:
        pytest.fail(f"{name} rendered")
    d = diagnose(excerpt)
    said = text_of(d)
    assert d.category == category and word in said.lower(), (name, d.rule, d.summary)
    assert "Kimi" not in d.summary and "semaphore" not in said and "model not available" not in said
    assert category != "unknown" or d.confidence <= 0.4
    if name == "missing":
        assert str(tmp_path) in said  # the loader's search path, what the setting must point at


def test_a_plain_missing_file_is_no_template_family(tmp_path: Path) -> None:
    try:
        (tmp_path / "kimi_system.j2").read_text()
    except FileNotFoundError:
        d = diagnose(logged("src.prompts.loader", "could not read the system prompt"))
    assert not d.rule.startswith("class:config.template"), d.rule


def test_yaml_dumped_with_python_tags_and_read_by_safe_load_is_code(tmp_path: Path) -> None:
    import yaml

    cache = tmp_path / "route_cache.yaml"
    cache.write_text(yaml.dump({"kimi": ("kimi-k2", 3)}))  # yaml.dump writes a python/tuple tag
    try:
        with cache.open() as f:
            yaml.safe_load(f)
    except yaml.YAMLError:
        d = diagnose(logged("src.router.cache", "route cache unreadable"))
    assert d.category == "code" and "safe_load" in text_of(d) and "yaml.dump" in text_of(d), (d.rule, d.summary)
