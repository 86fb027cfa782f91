#!/usr/bin/env bash
# cluster.sh [--check] - `make cluster`: hoidong on several nodes behind
# nginx, on loopback only, everything in one temp directory:
#   - a throw-away PostgreSQL (scripts/pg-temp.sh), `hoidong init` + `demo` on it;
#   - CLUSTER_NODES (default 2) `hoidong serve` nodes on free 127.0.0.1 ports,
#     sharing one --files directory, with trusted_proxy = 127.0.0.1 so they
#     take the reader's address from nginx's X-Forwarded-For;
#   - nginx (its own config in the temp dir) on one port: an upstream with
#     every node, keepalive connections, X-Forwarded-For set.
# Without --check it prints the URL and the administrator's password and runs
# until Ctrl-C (or until a node exits), then stops everything and removes
# the temp directory.  With --check it starts the same, fetches / and an
# article through nginx and from each node (200 and the same title each
# time), checks that nginx spread requests over every node, stops and exits
# 0 or 1, ending with "cluster-check: N passed, M failed".
# Environment: CLUSTER_NODES, CLUSTER_PORT (nginx's port; default a free
# one), B (build directory, default build), HOIDONG_ADMIN_PASSWORD.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
BIN="$PWD/$B/hoidong"
N=${CLUSTER_NODES:-2}
check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: scripts/cluster.sh [--check]" >&2; exit 2 ;;
esac
die() { echo "cluster: $*" >&2; exit 1; }
[[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 16 ] || die "CLUSTER_NODES must be 1..16"
[ -x "$BIN" ] || die "no $BIN (make $B/hoidong)"
for tool in nginx curl; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/install-deps.sh nginx-light)"
done

TMP=$(mktemp -d /tmp/hoidong-cluster.XXXXXX)
PGDIR=""
NG_PID=""
NODE_PIDS=()
cleanup() {
  trap - EXIT INT TERM
  for p in "${NODE_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${NODE_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  if [ -n "$NG_PID" ]; then kill "$NG_PID" 2>/dev/null; wait "$NG_PID" 2>/dev/null; fi
  [ -n "$PGDIR" ] && scripts/pg-temp.sh stop "$PGDIR"
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'echo; echo "cluster: stopping"; exit 130' INT TERM

taken=" "
free_port() {   # a random port nothing listens on and not handed out yet
  local p
  for _ in $(seq 1 100); do
    p=$(( 20000 + RANDOM % 30000 ))
    [[ $taken == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then taken="$taken$p "; echo "$p"; return 0; fi
  done
  return 1
}
wait_http() {   # URL: up to 10 s for a 200
  for _ in $(seq 1 200); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.05
  done
  return 1
}

# PostgreSQL: the scratch cluster of the tests; fsync off only for --check.
fs=on; [ "$check" -eq 1 ] && fs=off
out=$(PG_TEMP_FSYNC=$fs scripts/pg-temp.sh start) || die "cannot start PostgreSQL"
PGDIR=$(sed -n 's/^DIR=//p' <<<"$out")
URL=$(sed -n 's/^URL=//p' <<<"$out")
[ -n "$URL" ] || die "no URL from pg-temp.sh"
export HOIDONG_DB="$URL" HOIDONG_FILES="$TMP/files"
echo "cluster: PostgreSQL at $URL"
echo "cluster: loading the demo content (a minute or so on PostgreSQL)"
"$BIN" init --admin-password-file "$TMP/admin-password.txt" >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; die "init failed"; }
"$BIN" demo >>"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; die "demo failed"; }

NPORT=${CLUSTER_PORT:-$(free_port)} || die "no free port"
taken="$taken$NPORT "
PORTS=()
for i in $(seq 1 "$N"); do
  p=$(free_port) || die "no free port"
  taken="$taken$p "
  PORTS+=("$p")
  HOIDONG_TRUSTED_PROXY=127.0.0.1 "$BIN" serve --listen 127.0.0.1 --port "$p" \
    --site-url "http://127.0.0.1:$NPORT" >"$TMP/node$i.log" 2>&1 &
  NODE_PIDS+=($!)
done
for i in $(seq 1 "$N"); do
  wait_http "http://127.0.0.1:${PORTS[$((i-1))]}/healthz" || { cat "$TMP/node$i.log" >&2; die "node $i did not start"; }
done

mkdir -p "$TMP/nginx/tmp"
chmod 755 "$TMP" "$TMP/nginx"   # nginx's workers run unprivileged when started as root
{
  echo "worker_processes 1;"
  echo "daemon off;"
  echo "pid $TMP/nginx/nginx.pid;"
  echo "error_log $TMP/nginx/error.log warn;"
  echo "events { worker_connections 1024; }"
  echo "http {"
  echo "  access_log $TMP/nginx/access.log;"
  echo "  client_body_temp_path $TMP/nginx/tmp; proxy_temp_path $TMP/nginx/tmp;"
  echo "  fastcgi_temp_path $TMP/nginx/tmp; uwsgi_temp_path $TMP/nginx/tmp; scgi_temp_path $TMP/nginx/tmp;"
  echo "  upstream hoidong {"
  for p in "${PORTS[@]}"; do echo "    server 127.0.0.1:$p;"; done
  echo "    keepalive 32;"
  echo "  }"
  echo "  server {"
  echo "    listen 127.0.0.1:$NPORT;"
  echo "    client_max_body_size 64m;"
  echo "    location / {"
  echo "      proxy_pass http://hoidong;"
  echo "      proxy_http_version 1.1;"
  echo "      proxy_set_header Connection \"\";"
  echo "      proxy_set_header Host \$http_host;"
  echo "      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;"
  echo "      proxy_set_header X-Forwarded-Proto \$scheme;"
  echo "    }"
  echo "  }"
  echo "}"
} >"$TMP/nginx/nginx.conf"
nginx -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx" 2>"$TMP/nginx/stderr" &
NG_PID=$!
wait_http "http://127.0.0.1:$NPORT/healthz" || { cat "$TMP/nginx/stderr" "$TMP/nginx/error.log" >&2 2>/dev/null; die "nginx did not start"; }
BASE="http://127.0.0.1:$NPORT"

if [ "$check" -eq 0 ]; then
  echo
  echo "hoidong cluster: $BASE/  (nginx in front of $N nodes: ${PORTS[*]/#/127.0.0.1:})"
  echo "Administration: $BASE/quan-tri  (user: admin)"
  if [ -n "${HOIDONG_ADMIN_PASSWORD:-}" ]; then
    echo "Admin password: the one in HOIDONG_ADMIN_PASSWORD"
  else
    echo "Admin password (this cluster and its data are thrown away at exit): $(cat "$TMP/admin-password.txt")"
  fi
  echo "Logs: $TMP/node*.log, $TMP/nginx/; files: $TMP/files"
  echo "Stop with Ctrl-C."
  wait -n "${NODE_PIDS[@]}" "$NG_PID"
  echo "cluster: a process exited; stopping" >&2
  exit 1
fi

# --check
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "cluster-check: FAIL $*" >&2; }
title_of() { sed -n 's:.*<title>\(.*\)</title>.*:\1:p' "$1" | head -n 1; }
fetch() {   # URL FILE -> status code
  curl -s -o "$2" -w '%{http_code}' "$1"
}
st=$(fetch "$BASE/" "$TMP/home.html")
[ "$st" = 200 ] && ok || bad "GET / through nginx: $st"
ART=$(grep -o 'href="/bai-viet/[^"/?#]*"' "$TMP/home.html" | head -n 1 | sed 's/^href="//; s/"$//')
[ -n "$ART" ] && ok || bad "no article link on the home page"
st=$(fetch "$BASE$ART" "$TMP/art.html")
[ "$st" = 200 ] && ok || bad "GET $ART through nginx: $st"
want=$(title_of "$TMP/art.html")
[ -n "$want" ] && ok || bad "no <title> in $ART"
home_title=$(title_of "$TMP/home.html")
for i in $(seq 1 "$N"); do
  nb="http://127.0.0.1:${PORTS[$((i-1))]}"
  st=$(fetch "$nb/" "$TMP/h$i.html")
  [ "$st" = 200 ] && [ "$(title_of "$TMP/h$i.html")" = "$home_title" ] && ok || bad "GET / on node $i: $st"
  st=$(fetch "$nb$ART" "$TMP/a$i.html")
  got=$(title_of "$TMP/a$i.html")
  [ "$st" = 200 ] && [ "$got" = "$want" ] && ok || bad "GET $ART on node $i: $st, title '$got', expected '$want'"
done
# nginx spreads requests over every node (round robin): each node's access
# log names the article after a few requests through nginx.
for _ in $(seq 1 $((4 * N))); do curl -s -o /dev/null "$BASE$ART?r=$RANDOM"; done
sleep 0.2
for i in $(seq 1 "$N"); do
  c=$(grep -c "GET /bai-viet/" "$TMP/node$i.log")
  [ "$c" -ge 2 ] && ok || bad "node $i served $c article requests (nginx does not reach it?)"
done
echo "cluster-check: nginx :$NPORT, nodes ${PORTS[*]}, article $ART, title '$want'"
echo "cluster-check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
