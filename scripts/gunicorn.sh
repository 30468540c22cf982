#!/usr/bin/env bash
# The web server of one Bering instance. Its control socket lives in the
# instance's data directory, so two instances on one host never share one
# (gunicorn's default is one path per user: the second instance took it over and
# removed it when it stopped). --preload: the application (Django, the URL map, the
# Russian morphology) is loaded once, frozen (config/wsgi.py) and shared by the
# workers after the fork: 267 MB of PSS for the master and 2 workers instead of 303
# (bench/RESULTS.md, issue 14). A code update therefore needs a restart, not a HUP.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST="${1:-127.0.0.1}"; PORT="${2:-8000}"
DATA_DIR="${BERING_DATA_DIR:-var}"
mkdir -p "$DATA_DIR"
exec .venv/bin/gunicorn config.wsgi:application --bind "$HOST:$PORT" --workers 2 --threads 4 --preload \
  --timeout 60 --access-logfile - --control-socket "$(cd "$DATA_DIR" && pwd)/gunicorn.ctl"
