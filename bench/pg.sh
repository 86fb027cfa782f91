#!/usr/bin/env bash
# pg.sh - the PostgreSQL rows of the benchmark (issue 11, "Speed"), all on
# 127.0.0.1, every load bounded in time (`make bench-pg`):
#   1. a SQLite site: init, demo, bench/gen_bulk's articles; copied with
#      `hoidong migrate` into a throw-away PostgreSQL (fsync on: durable, as
#      in production), so both backends hold the same content;
#   2. one node on SQLite, two nodes on PostgreSQL, nginx in front of the two
#      (upstream, keepalive) and serving the article page's exact bytes as a
#      static file (the yardstick);
#   3. wrk, interleaved over BENCH_ROUNDS rounds: nginx static; the article
#      page through nginx -> 2 PostgreSQL nodes, from one PostgreSQL node and
#      from the SQLite node; the rating POST (every request a new rating,
#      answered after its COMMIT) and the comment POST (each with its own
#      verification code) on SQLite and on PostgreSQL; one searcher
#      (search.lua, -c1) on each;
#   4. prints per target ok req/s, p50, p99 (medians over rounds) and the
#      ratio that matters: pages to nginx static, writes and searches
#      PostgreSQL to SQLite.
# Knobs: BENCH_ROUNDS (2), BENCH_DURATION (5s), BENCH_COMMENT_DURATION (2s),
# BENCH_ARTICLES (10000).
# The nodes run the test build with the bench aids of bench/run.sh (per
# network caps off, per-address connection limit 256).
set -u
B=${B:-build}
ROUNDS=${BENCH_ROUNDS:-2}
DUR=${BENCH_DURATION:-5s}
ARTICLES=${BENCH_ARTICLES:-10000}
CDUR=${BENCH_COMMENT_DURATION:-2s}
BIN=$B/hoidong-test
here=$(cd "$(dirname "$0")" && pwd)
for tool in wrk nginx curl sqlite3; do
  command -v "$tool" >/dev/null || { echo "bench-pg: $tool is missing (scripts/install-deps.sh wrk nginx-light)" >&2; exit 1; }
done
TMP=$(mktemp -d /tmp/hd-bench-pg-XXXXXX)
chmod 755 "$TMP"
PIDS=()
PGDIR=
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  [ -n "$PGDIR" ] && "$here/../scripts/pg-temp.sh" stop "$PGDIR" >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

export HOIDONG_TEST_MODE=1 HOIDONG_PER_IP_LIMIT=256 HOIDONG_TEST_NET_CAPS=0
export HOIDONG_ADMIN_PASSWORD="bench-$(date +%s)-Quản-trị"
SQ="$TMP/site.db"
echo "== preparing: demo + $ARTICLES articles on SQLite, copied to PostgreSQL"
"$BIN" --db "$SQ" --files "$TMP/files" init >/dev/null 2>"$TMP/prep.log" &&
  "$BIN" --db "$SQ" --files "$TMP/files" demo >/dev/null 2>>"$TMP/prep.log" &&
  "$B/bench/gen_bulk" "$SQ" "$ARTICLES" 0 2>>"$TMP/prep.log" || { cat "$TMP/prep.log" >&2; exit 1; }
out=$("$here/../scripts/pg-temp.sh" start) || exit 1
PGDIR=$(sed -n 's/^DIR=//p' <<<"$out")
PGPORT=$(sed -n 's/^URL=//p' <<<"$out" | sed -E 's/.*:([0-9]+)\/.*/\1/')
PG="postgresql://hoidong@/hoidong?host=$PGDIR&port=$PGPORT"
start=$(date +%s)
"$BIN" migrate --from "sqlite:$SQ" --to "$PG" 2>"$TMP/migrate.log" >/dev/null \
  || { cat "$TMP/migrate.log" >&2; exit 1; }
tail -n 1 "$TMP/migrate.log"
echo "   (migrate: $(( $(date +%s) - start )) s)"

start_node() {   # name db port
  "$BIN" --db "$2" --files "$TMP/files" serve --listen 127.0.0.1 --port "$3" >"$TMP/$1.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 500); do curl -sf -o /dev/null "http://127.0.0.1:$3/healthz" && return 0; sleep 0.02; done
  echo "bench-pg: node $1 did not start" >&2; cat "$TMP/$1.log" >&2; exit 1
}
PS=$(free_port); P1=$(free_port); P2=$(free_port); NP=$(free_port)
start_node sqlite "$SQ" "$PS"
start_node pg1 "$PG" "$P1"
start_node pg2 "$PG" "$P2"

SLUG=$(sqlite3 "$SQ" "SELECT slug FROM articles WHERE is_sample = 0 ORDER BY id LIMIT 1")
mkdir -p "$TMP/nginx/www" "$TMP/nginx/tmp"
curl -sf -o "$TMP/nginx/www/article.html" "http://127.0.0.1:$P1/bai-viet/$SLUG"
chmod 755 "$TMP/nginx" "$TMP/nginx/www"; chmod 644 "$TMP/nginx/www/article.html"
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log $TMP/nginx/access.log;
  client_body_temp_path $TMP/nginx/tmp; proxy_temp_path $TMP/nginx/tmp;
  fastcgi_temp_path $TMP/nginx/tmp; uwsgi_temp_path $TMP/nginx/tmp; scgi_temp_path $TMP/nginx/tmp;
  sendfile on; tcp_nopush on; keepalive_requests 100000;
  types { text/html html; }
  upstream nodes { server 127.0.0.1:$P1; server 127.0.0.1:$P2; keepalive 64; }
  server {
    listen 127.0.0.1:$NP;
    location = /static.html { root $TMP/nginx/www; try_files /article.html =404; }
    location / {
      proxy_pass http://nodes; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host \$host;
    }
  }
}
EOF
nginx -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx" 2>"$TMP/nginx/stderr" &
PIDS+=($!)
for _ in $(seq 1 200); do curl -sf -o /dev/null "http://127.0.0.1:$NP/static.html" && break; sleep 0.02; done
curl -sf -o /dev/null "http://127.0.0.1:$NP/bai-viet/$SLUG" || { echo "bench-pg: nginx does not proxy" >&2; cat "$TMP/nginx/error.log" >&2; exit 1; }

csrf_of() { curl -sf "$1/bai-viet/$SLUG" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
  else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
RES="$TMP/results.txt"; : >"$RES"
run() {   # name url conns [lua] [origin]
  local args=(-t1 -c"$3" -d"${RUN_DUR:-$DUR}" --latency --timeout 5s)
  [ -n "${4:-}" ] && args+=(-s "$here/$4")
  local o; o=$(BENCH_ORIGIN="${5:-}" BENCH_CSRF="${CSRF:-}" timeout 120 wrk "${args[@]}" "$2" 2>&1)
  local total rps p50 p99 bad
  total=$(awk '/requests in/ { print $1 }' <<<"$o")
  bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$o"); bad=${bad:-0}
  local secs; secs=$(awk '/requests in/ { v = $4; sub(/,$/, "", v); print v }' <<<"$o")
  rps=$(awk -v t="${total:-0}" -v b="$bad" -v s="$secs" 'BEGIN { n = s + 0; if (s ~ /ms$/) n /= 1000; else if (s ~ /m$/) n *= 60;
    printf "%.0f", (n > 0 ? (t - b) / n : 0) }')
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$o")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$o")")
  printf '   %-22s %9s req/s  p50 %7s ms  p99 %7s ms  non-2xx %s\n' "$1" "$rps" "$p50" "$p99" "$bad"
  echo "$1 $rps $p50 $p99 $bad" >>"$RES"
}
for r in $(seq 1 "$ROUNDS"); do
  echo "== round $r/$ROUNDS"
  CSRF= run nginx-static "http://127.0.0.1:$NP/static.html" 64
  CSRF= run article-2pg-nginx "http://127.0.0.1:$NP/bai-viet/$SLUG" 64
  CSRF= run article-1pg "http://127.0.0.1:$P1/bai-viet/$SLUG" 64
  CSRF= run article-sqlite "http://127.0.0.1:$PS/bai-viet/$SLUG" 64
  CSRF=$(csrf_of "http://127.0.0.1:$PS") run rating-sqlite "http://127.0.0.1:$PS/bai-viet/$SLUG/danh-gia" 64 rating.lua "http://127.0.0.1:$PS"
  CSRF=$(csrf_of "http://127.0.0.1:$P1") run rating-pg "http://127.0.0.1:$P1/bai-viet/$SLUG/danh-gia" 64 rating.lua "http://127.0.0.1:$P1"
  # Comments: each needs its own verification code, collected beforehand
  # through the test-mode peek (bench/codes); a shorter run, so the codes
  # last (comment.lua repeats the last one when they run out, which the
  # server refuses: such refusals show as non-2xx).
  for node in sqlite:$PS pg:$P1; do
    n=${node%%:*}; port=${node#*:}
    want=$([ "$n" = sqlite ] && echo 12000 || echo 4000)
    timeout 120 "$B/bench/codes" "$port" "/bai-viet/$SLUG/gui-binh-luan" "$want" "$TMP/codes-$n.txt" 4 >/dev/null 2>&1 || true
    BENCH_CODES="$TMP/codes-$n.txt" RUN_DUR=$CDUR CSRF=$(csrf_of "http://127.0.0.1:$port") \
      run "comment-$n" "http://127.0.0.1:$port/bai-viet/$SLUG/binh-luan" 64 comment.lua "http://127.0.0.1:$port"
  done
  CSRF= run search1-sqlite "http://127.0.0.1:$PS/tim-kiem" 1 search.lua
  CSRF= run search1-pg "http://127.0.0.1:$P1/tim-kiem" 1 search.lua
done
med() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$RES" | sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else print a[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
echo
echo "hoidong bench-pg $(date -u '+%Y-%m-%d %H:%M') UTC  commit $(git -C "$here/.." rev-parse --short HEAD 2>/dev/null)"
echo "wrk -t1 -c64 -d$DUR (comment: -d$CDUR; search1: -c1), $ROUNDS rounds interleaved; $ARTICLES bulk articles; PostgreSQL 15 fsync on"
printf '%-22s %10s %8s %8s %8s  %s\n' target "ok req/s" "p50 ms" "p99 ms" non-2xx ratio
NG=$(med nginx-static 2)
for t in nginx-static article-2pg-nginx article-1pg article-sqlite rating-sqlite rating-pg comment-sqlite comment-pg \
         search1-sqlite search1-pg; do
  v=$(med "$t" 2)
  case $t in
    nginx-static|article-*) x="$(ratio "$v" "$NG")x nginx";;
    rating-pg) x="$(ratio "$v" "$(med rating-sqlite 2)")x SQLite";;
    comment-pg) x="$(ratio "$v" "$(med comment-sqlite 2)")x SQLite";;
    search1-pg) x="p99 $(ratio "$(med search1-pg 4)" "$(med search1-sqlite 4)")x SQLite's";;
    *) x="";;
  esac
  printf '%-22s %10s %8s %8s %8s  %s\n' "$t" "$v" "$(med "$t" 3)" "$(med "$t" 4)" "$(med "$t" 5)" "$x"
done
