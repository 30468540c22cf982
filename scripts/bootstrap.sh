#!/usr/bin/env bash
# Installs what Bering needs on a fresh Debian machine: system packages, then
# a local virtual environment with the hashed requirements. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_test="${1:-}"
SYSTEM_PKGS="libmagic1 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 fonts-dejavu-core"
# PDF copies of office files for reading (decision 0013); util-linux gives unshare
SYSTEM_PKGS="$SYSTEM_PKGS libreoffice-writer-nogui libreoffice-calc-nogui"
# Streebog (ГОСТ Р 34.11-2012) at OpenSSL's speed for checking qualified signatures (decision
# 0023); the tests also use its engine to make GOST keys and signatures independently of ours
SYSTEM_PKGS="$SYSTEM_PKGS libengine-gost-openssl"
if [ "$need_test" = "--test" ]; then
  SYSTEM_PKGS="$SYSTEM_PKGS chromium poppler-utils zbar-tools"
fi

missing=""
for pkg in $SYSTEM_PKGS; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  echo "== Устанавливаю пакеты Debian:$missing"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null || PY=python3
if [ ! -x .venv/bin/python ]; then
  echo "== Создаю виртуальное окружение .venv"
  "$PY" -m venv .venv
fi
if [ ! -x .venv/bin/uv ]; then
  .venv/bin/python -m pip --version >/dev/null 2>&1 || .venv/bin/python -m ensurepip >/dev/null
  .venv/bin/python -m pip install -q --disable-pip-version-check uv
fi
stamp=".venv/.installed-$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)${need_test}"
if [ ! -f "$stamp" ]; then
  echo "== Устанавливаю пакеты Python"
  reqs="-r requirements.txt"
  [ "$need_test" = "--test" ] && reqs="$reqs -r requirements-dev.txt"
  .venv/bin/uv pip install -q --python .venv/bin/python --require-hashes $reqs
  rm -f .venv/.installed-*
  touch "$stamp"
fi
