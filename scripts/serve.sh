#!/usr/bin/env bash
# Starts the task worker and the web server; stops both on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST="${1:-127.0.0.1}"; PORT="${2:-8000}"
# The demo's own CA (bering/web/demo/pki.py) is trusted only here, and only while no trust
# store is configured: qualified signatures made with `manage.py demo_sign` then pass.
DEMO_PKI="${BERING_DEMO_PKI_DIR:-${BERING_DATA_DIR:-var}/demo-pki}"
if [ -z "${BERING_SIGNATURE_TRUST_ROOTS:-}" ] && [ -f "$DEMO_PKI/root.cer" ]; then
  export BERING_SIGNATURE_TRUST_ROOTS="$DEMO_PKI/root.cer" BERING_SIGNATURE_CRLS="$DEMO_PKI/ca.crl"
fi
# Background work yields the processor to the people waiting on a page (decision 0026):
# nice 10 gives it about a tenth of a busy core, and all of an idle one.
BG="nice -n ${BERING_BACKGROUND_NICE:-10}"
$BG .venv/bin/python manage.py db_worker --interval 1 &
WORKER=$!
( while sleep $(( ${BERING_SWEEP_MINUTES:-5} * 60 )); do $BG .venv/bin/python manage.py sweep -v0 || true; done ) &
SWEEP=$!
# Acts of the types published automatically reach the public site within a minute (decision 0018).
( while sleep 30; do $BG .venv/bin/python manage.py publication_publish_due -v0 || true; done ) &
PUBLISH=$!
trap 'kill $WORKER $SWEEP $PUBLISH 2>/dev/null || true' EXIT INT TERM
echo "== Беринг: http://$HOST:$PORT/  (обработчик задач: pid $WORKER; остановить — Ctrl-C)"
scripts/gunicorn.sh "$HOST" "$PORT"
