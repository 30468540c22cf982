#!/usr/bin/env bash
# pytest on SQLite, then on PostgreSQL when DATABASE_URL is set or a local server answers.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings
mkdir -p var
PYTEST=(.venv/bin/python -m pytest -q -n 2 --create-db "$@")

echo "== pytest on SQLite"
env -u DATABASE_URL "${PYTEST[@]}"

PG_URL="${DATABASE_URL:-}"
if [ -z "$PG_URL" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
  PG_URL="postgres://postgres@127.0.0.1:5432/bering"
fi
if [ -n "$PG_URL" ]; then
  echo "== pytest on PostgreSQL"
  DATABASE_URL="$PG_URL" "${PYTEST[@]}" -m "not browser"
else
  echo "== PostgreSQL not available: skipped the PostgreSQL run"
fi
