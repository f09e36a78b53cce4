#!/usr/bin/env bash
# The web and browser tests again, on a real PostgreSQL server that this machine runs
# (started and stopped by with-postgres.sh). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
echo "— PostgreSQL: tests/web tests/browser"
exec scripts/with-postgres.sh "$PYTHON" -m pytest tests/web tests/browser "$@"
