#!/usr/bin/env bash
# The one way this project is installed: `make` (tests, demo) and the Dockerfile both call it,
# so the image installs exactly what the tests exercised.
#   scripts/install.sh VENV dev    editable install with the test tools (make test, make demo)
#   scripts/install.sh VENV deps   runtime dependencies with every store backend (Docker's cached layer)
#   scripts/install.sh VENV app    the package itself, without touching dependencies
set -euo pipefail
venv=${1:?usage: install.sh VENV dev|deps|app}
mode=${2:?usage: install.sh VENV dev|deps|app}
python=${PYTHON:-python3}

"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip=("$venv/bin/pip" install --quiet --disable-pip-version-check)
"${pip[@]}" --upgrade pip
case "$mode" in
    dev)  "${pip[@]}" -e '.[dev]' ;;
    deps) "${pip[@]}" '.[postgres,supabase]' ;;
    app)  "${pip[@]}" --no-deps --force-reinstall . ;;
    *)    echo "unknown mode: $mode" >&2; exit 2 ;;
esac
