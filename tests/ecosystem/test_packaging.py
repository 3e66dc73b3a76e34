"""A non-editable install (what the Docker image does) ships every file the sidecar reads at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_carries_migrations_templates_static_and_prompts(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--wheel-dir", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = tmp_path.glob("gateway_sidecar-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "sidecar"
    needed = [
        *package.glob("store/migrations/*.sql"),
        *package.glob("web/templates/*.html"),
        *package.glob("web/static/*"),
        *package.glob("diagnose/prompts/*.txt"),
    ]
    assert len([p for p in needed if p.suffix == ".sql"]) >= 5
    missing = [str(p.relative_to(ROOT)) for p in needed if str(p.relative_to(ROOT)) not in names]
    assert not missing, f"the wheel lacks run-time files: {missing}"
    assert "sidecar/cli.py" in names
