#!/usr/bin/env bash
# The scale configuration against real servers on loopback (decision 0022): PostgreSQL,
# Redis (the RQ queue and the cache), S3 (moto in server mode, through the production
# storage code), two RQ workers, two gunicorn masters on one port (SO_REUSEPORT). The
# stories in scale/tests/ are driven over HTTP; everything started here is stopped on exit.
#
# Needs PostgreSQL (SCALE_PG, default postgres://postgres@127.0.0.1:5432) and Redis
# (SCALE_REDIS, default redis://127.0.0.1:6379). Uses its own databases
# (bering_scale_test, bering_scale_restored: created and dropped here) and Redis databases
# 13 and 14 (flushed here, no others touched).
set -euo pipefail
started=$(date +%s)
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG="${SCALE_PG:-postgres://postgres@127.0.0.1:5432}"
REDIS="${SCALE_REDIS:-redis://127.0.0.1:6379}"
DB=bering_scale_test
DB_RESTORED=bering_scale_restored
QUEUE_DB=13
CACHE_DB=14

say() { echo "== [$(( $(date +%s) - started )) s] $*"; }
fail() { echo "== test-scale: $*" >&2; exit 1; }

[ -x "$PY" ] || fail ".venv is missing: run make install-test first."
command -v psql >/dev/null || fail "psql is not installed (apt-get install postgresql-client)."
command -v pg_dump >/dev/null || fail "pg_dump is not installed (apt-get install postgresql-client)."
psql "$PG/postgres" -Atqc "select 1" >/dev/null 2>&1 \
  || fail "PostgreSQL does not answer at $PG (set SCALE_PG=postgres://user@host:port)."
"$PY" - "$REDIS/$QUEUE_DB" <<'EOF' || fail "Redis does not answer at $REDIS (set SCALE_REDIS=redis://host:port)."
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()
EOF

WORK="$(mktemp -d /tmp/bering-scale.XXXXXX)"
PIDS=()
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
redis_flush() {
  "$PY" -c 'import sys, redis; [redis.Redis.from_url(u).flushdb() for u in sys.argv[1:]]' \
    "$REDIS/$QUEUE_DB" "$REDIS/$CACHE_DB"
}
drop_databases() {
  for name in "$DB" "$DB_RESTORED"; do
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
cleanup() {
  status=$?
  # INT: gunicorn's quick shutdown, RQ's warm one (the workers are idle by now).
  for pid in "${PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" -ne 0 ]; then
    say "test-scale failed: last lines of the servers' logs" >&2
    for log in "$WORK"/*.log; do
      [ -f "$log" ] && { echo "--- $log" >&2; tail -n 25 "$log" >&2; }
    done
  fi
  drop_databases
  redis_flush 2>/dev/null || true
  rm -rf "$WORK"
  say "stopped and cleaned up"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

S3_PORT="$(free_port)"
WEB_PORT="$(free_port)"
export DJANGO_SETTINGS_MODULE=config.settings
export BERING_DATA_DIR="$WORK/data"
export BERING_SECRET_KEY="scale-test-$(date +%s)-not-a-secret-0123456789abcdefghijklmnop"
export BERING_ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="$PG/$DB"
export BERING_TASKS=rq
export REDIS_URL="$REDIS/$QUEUE_DB"
export BERING_CACHE_URL="$REDIS/$CACHE_DB"
export BERING_STORAGE=s3
export BERING_S3_BUCKET=bering-scale
export BERING_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT"
export BERING_S3_ACCESS_KEY=scale-access
export BERING_S3_SECRET_KEY=scale-secret
export BERING_S3_REGION=us-east-1
export SCALE_RESTORE_BUCKET=bering-scale-restored
export BERING_LOG_LEVEL=WARNING
# Static files are not what this target tests: plain names, no collectstatic (half a minute).
export BERING_MANIFEST_STATIC=0
# boto3 never reads ~/.aws or the machine's own settings here.
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
mkdir -p "$BERING_DATA_DIR"

say "S3: moto server on 127.0.0.1:$S3_PORT"
.venv/bin/moto_server -H 127.0.0.1 -p "$S3_PORT" >"$WORK/moto.log" 2>&1 &
PIDS+=($!)

say "PostgreSQL: fresh databases $DB and $DB_RESTORED"
drop_databases
psql "$PG/postgres" -qc "CREATE DATABASE $DB" -c "CREATE DATABASE $DB_RESTORED" >/dev/null
redis_flush

say "migrate"
"$PY" manage.py migrate --no-input -v0
say "S3 buckets"
"$PY" - <<'EOF' || fail "the moto S3 server did not start (see $WORK/moto.log)."
import os, sys, time, boto3, botocore.exceptions
client = boto3.client(
    "s3", endpoint_url=os.environ["BERING_S3_ENDPOINT_URL"],
    region_name=os.environ["BERING_S3_REGION"],
    aws_access_key_id=os.environ["BERING_S3_ACCESS_KEY"],
    aws_secret_access_key=os.environ["BERING_S3_SECRET_KEY"],
)
for _ in range(600):
    try:
        client.list_buckets()
        break
    except botocore.exceptions.EndpointConnectionError:
        time.sleep(0.1)
else:
    sys.exit(1)
for bucket in (os.environ["BERING_S3_BUCKET"], os.environ["SCALE_RESTORE_BUCKET"]):
    client.create_bucket(Bucket=bucket)
EOF
say "demo region (people, journals, no documents)"
"$PY" manage.py seed_demo --documents 0 >"$WORK/seed.log"

say "two RQ workers, two gunicorn masters on 127.0.0.1:$WEB_PORT (SO_REUSEPORT)"
for n in 1 2; do
  "$PY" manage.py rqworker default --job-class django_tasks_rq.Job >"$WORK/worker-$n.log" 2>&1 &
  PIDS+=($!)
  .venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$WEB_PORT" --reuse-port \
    --workers 1 --threads 4 --timeout 60 --control-socket "$WORK/gunicorn-$n.ctl" \
    --access-logfile "$WORK/access-$n.log" --error-logfile "$WORK/gunicorn-$n.log" &
  PIDS+=($!)
done
for _ in $(seq 100); do
  [ -s "$WORK/gunicorn-1.log" ] && [ -s "$WORK/gunicorn-2.log" ] \
    && grep -q "Booting worker" "$WORK/gunicorn-1.log" && grep -q "Booting worker" "$WORK/gunicorn-2.log" \
    && break
  sleep 0.2
done

say "stories over HTTP (scale/tests)"
export SCALE_BASE_URL="http://127.0.0.1:$WEB_PORT"
export SCALE_ACCESS_LOGS="$WORK/access-1.log:$WORK/access-2.log"
export SCALE_WORK="$WORK"
export SCALE_RESTORE_DATABASE_URL="$PG/$DB_RESTORED"
# Only scale/tests' own conftest and no pytest-django: this process drives HTTP and S3,
# never the database (the servers and manage.py in subprocesses do).
"$PY" -m pytest -p no:cacheprovider -p no:django -p no:playwright -p no:hypothesispytest \
  -W ignore::pytest.PytestConfigWarning --confcutdir=scale -q --durations=5 scale/tests "$@"
say "test-scale: passed"
