#!/usr/bin/env bash
# The web server of one Bering instance. Its control socket lives in the
# instance's data directory, so two instances on one host never share one
# (gunicorn's default is one path per user: the second instance took it over and
# removed it when it stopped).
set -euo pipefail
cd "$(dirname "$0")/.."
HOST="${1:-127.0.0.1}"; PORT="${2:-8000}"
DATA_DIR="${BERING_DATA_DIR:-var}"
mkdir -p "$DATA_DIR"
exec .venv/bin/gunicorn config.wsgi:application --bind "$HOST:$PORT" --workers 2 --threads 4 \
  --timeout 60 --access-logfile - --control-socket "$(cd "$DATA_DIR" && pwd)/gunicorn.ctl"
