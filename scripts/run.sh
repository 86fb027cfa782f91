#!/usr/bin/env bash
# run.sh - `make run`: create the database with demo content if there is
# none, then serve http://127.0.0.1:8080 (override with HOIDONG_PORT etc.).
set -eu
cd "$(dirname "$0")/.."
BIN=build/hoidong
mkdir -p var
if [ ! -f var/hoidong.db ]; then
  $BIN init --admin-password-file var/admin-password.txt
  $BIN demo
fi
port=${HOIDONG_PORT:-8080}
echo
echo "hoidong: http://127.0.0.1:$port/"
echo "Administration: http://127.0.0.1:$port/quan-tri  (user: admin)"
if [ -f var/admin-password.txt ]; then
  echo "Admin password (from var/admin-password.txt; delete that file once noted): $(cat var/admin-password.txt)"
else
  echo "Reset the admin password with: build/hoidong user passwd admin"
fi
echo "Stop with Ctrl-C."
exec $BIN serve
