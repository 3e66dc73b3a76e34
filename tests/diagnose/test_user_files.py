"""A data file of the user's project (/mnt/project) that its real parser refuses is the user's input (user_files.py).

The parsers run for real (json, PyYAML, sqlite3) on files written here; the gateway's log line names the file as
the tools do (the mount of the user's repository). Near-misses: the same parser errors on the gateway's own files
keep their family's reading (a YAML config file: config), and a traceback FRAME under /mnt/project names no file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.diagnose.logged import diagnose, logged, text_of


def _json(tmp: Path) -> None:
    (tmp / "f").write_text('{\n  "compilerOptions": {\n    // strict mode\n    "strict": true\n  }\n}\n')
    json.loads((tmp / "f").read_text())


def _yaml(tmp: Path) -> None:
    (tmp / "f").write_text("kind: Service\n---\nkind: Deployment\n")
    with (tmp / "f").open() as f:
        yaml.safe_load(f)


def _sqlite(tmp: Path) -> None:
    (tmp / "f").write_bytes(b"SQLite? no: a CSV export\n" * 200)
    sqlite3.connect(tmp / "f").execute("SELECT name FROM sqlite_master").fetchall()


PARSERS: dict[str, Callable[[Path], None]] = {"json": _json, "yaml": _yaml, "sqlite": _sqlite}
USER_FILES = {"json": "/mnt/project/web/tsconfig.json", "yaml": "/mnt/project/deploy/k8s/app.yaml",
              "sqlite": "/mnt/project/data/analytics.db"}


def _failure(tmp: Path, kind: str, message: str, logger: str = "tools.analyze") -> str:
    try:
        PARSERS[kind](tmp)
    except (ValueError, yaml.YAMLError, sqlite3.DatabaseError):
        return logged(logger, message)
    raise AssertionError(f"{kind} parsed")


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_a_users_project_file_that_does_not_parse_is_an_honest_unknown(tmp_path: Path, kind: str) -> None:
    d = diagnose(_failure(tmp_path, kind, f"[ANALYZE] skipping unreadable file {USER_FILES[kind]}"))
    said = text_of(d)
    assert d.category == "unknown" and d.confidence <= 0.4 and USER_FILES[kind] in said, (d.rule, d.summary)
    assert not [w for w in ("Supabase", "Kimi", "providers.yaml", "migration") if w in said], said


def test_the_gateways_own_yaml_config_stays_config(tmp_path: Path) -> None:
    conf = tmp_path / "providers.yaml"
    conf.write_text("providers:\n\tkimi: {}\n")
    try:
        with conf.open() as f:
            yaml.safe_load(f)
    except yaml.YAMLError:
        d = diagnose(logged("src.config", "loading /app/config/providers.yaml failed"))
    assert d.category == "config", (d.rule, d.summary)


def test_a_frame_under_the_project_names_no_data_file(tmp_path: Path) -> None:
    excerpt = _failure(tmp_path, "json", "tool failed")
    excerpt = excerpt.replace("Traceback (most recent call last):\n",
                              'Traceback (most recent call last):\n  File "/mnt/project/scripts/run.py", line 3, in main\n'
                              "    main()\n", 1)
    d = diagnose(excerpt)
    assert d.rule != "class:input.user_file", (d.rule, d.summary)


def _loop(tmp: Path) -> Path:
    (tmp / "loop_a").symlink_to(tmp / "loop_b")
    (tmp / "loop_b").symlink_to(tmp / "loop_a")
    return (tmp / "loop_a").resolve(strict=True)


def _missing(tmp: Path) -> Path:
    return (tmp / "README.md").resolve(strict=True)


def _dir_as_file(tmp: Path) -> Path:
    (tmp / "docs").mkdir()
    (tmp / "docs").read_text()
    return tmp


def _file_as_dir(tmp: Path) -> Path:
    (tmp / "setup.cfg").write_text("[x]\n")
    (tmp / "setup.cfg" / "inner").read_text()
    return tmp


PATHS: dict[str, Callable[[Path], Path]] = {"loop": _loop, "missing": _missing, "isdir": _dir_as_file,
                                            "notdir": _file_as_dir}


def _path_failure(tmp: Path, kind: str, root: str, logger: str) -> str:
    """The real OS/pathlib error for a tree under `tmp`, logged as if the tree were mounted at `root`."""
    try:
        PATHS[kind](tmp)
    except (OSError, RuntimeError) as e:
        return logged(logger, f"[DOCGEN] failed: {e}").replace(str(tmp), root)
    raise AssertionError(f"{kind} resolved")


@pytest.mark.parametrize("root", ["/mnt/project/docs", "/mnt/project/svc/api/src"])
@pytest.mark.parametrize("kind", sorted(PATHS))
def test_a_path_of_the_users_project_that_cannot_be_followed_is_an_honest_unknown(
        tmp_path: Path, kind: str, root: str) -> None:
    d = diagnose(_path_failure(tmp_path, kind, root, "tools.docgen"))
    said = text_of(d)
    assert d.category == "unknown" and d.confidence <= 0.4 and root in said, (kind, d.rule, d.category, d.summary)
    assert not [w for w in ("Supabase", "Kimi", "mount", "deploy step") if w in said], said


@pytest.mark.parametrize("kind", ["loop", "isdir", "notdir"])
def test_the_same_path_errors_in_the_gateways_own_tree_keep_their_family(tmp_path: Path, kind: str) -> None:
    d = diagnose(_path_failure(tmp_path, kind, "/app/config/templates", "src.daemon.startup"))
    assert d.category != "unknown" and not (d.rule or "").startswith("class:input."), (kind, d.rule, d.summary)
