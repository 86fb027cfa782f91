#!/usr/bin/env bash
# bench/run.sh - `make bench`: throughput, latency, memory and start-up of
# hoidong against a yardstick measured in the same run.
#
# What it does (all on loopback, every load bounded in time):
#  1. builds a database in a temp dir: `hoidong init`, `hoidong demo`, then
#     bench/gen_bulk adds BENCH_ARTICLES articles and BENCH_COMMENTS comments;
#  2. measures start-up (exec to the first 200 from /healthz) over 5 runs;
#  3. starts hoidong, fetches the seed article's HTML and gives the very same
#     bytes to nginx (own config in the temp dir, one port on 127.0.0.1);
#  4. runs `wrk -t1 -c64 -d$DUR --latency` against nginx's static file and
#     each hoidong page in turn, interleaved, for $ROUNDS rounds;
#     the mixed read/write targets (article-mixed, article-mixed-other) read
#     the seed article while bench/rating_paced.lua posts ~BENCH_WRITE_RATE
#     (300) ratings/s to it or to 50 other articles;
#  5. prints per target: requests/s, p50, p99 (medians over rounds) and the
#     ratio to nginx (median of the per-round ratios), the server's resident
#     memory after start-up and under load, and the start-up time.
# Results also go to $B/bench/results.txt.  Environment knobs:
#   BENCH_ROUNDS (3)  BENCH_DURATION (10s)  BENCH_ARTICLES (10000)
#   BENCH_COMMENTS (50000)  BENCH_PORT (a free one)  B (build)  BENCH_NO_BUILD (use
#   the binaries as they are)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build}
ROUNDS=${BENCH_ROUNDS:-3}
DUR=${BENCH_DURATION:-10s}
CONNS=64
ARTICLES=${BENCH_ARTICLES:-10000}
COMMENTS=${BENCH_COMMENTS:-50000}
# A free port pair: libmicrohttpd listens with SO_REUSEPORT, so a stray
# server on the same port would silently take half the connections.
port_free() { ! ss -Htln "( sport = :$1 )" | grep -q .; }
PORT=${BENCH_PORT:-}
if [ -z "$PORT" ]; then
  for _ in $(seq 1 50); do
    PORT=$((20000 + RANDOM % 20000))
    port_free "$PORT" && port_free $((PORT + 1)) && break
  done
fi
port_free "$PORT" && port_free $((PORT + 1)) || { echo "bench: port $PORT or $((PORT + 1)) is in use" >&2; exit 1; }
NPORT=$((PORT + 1))
BASE="http://127.0.0.1:$PORT"
# The test build: the shipped server plus the test aids below (tuning.h).
BIN="$PWD/$B/hoidong-test"

for tool in wrk nginx curl sqlite3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh wrk nginx-light)" >&2; exit 1; }
done
[ -n "${BENCH_NO_BUILD:-}" ] || make -s --no-print-directory "$B/hoidong-test" "$B/bench/gen_bulk" "$B/bench/startup" "$B/bench/codes" "$B/bench/council_render" "$B/bench/programme_rollup" "$B/bench/report_board" >/dev/null

TMP=$(mktemp -d /tmp/hoidong-bench.XXXXXX)
HD_PID=""
NG_PID=""
SAMPLER=""
cleanup() {
  [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
  [ -n "$HD_PID" ] && kill "$HD_PID" 2>/dev/null && wait "$HD_PID" 2>/dev/null || true
  [ -n "$NG_PID" ] && kill "$NG_PID" 2>/dev/null && wait "$NG_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

export HOIDONG_DB="$TMP/hoidong.db" HOIDONG_FILES="$TMP/files"
export HOIDONG_LISTEN=127.0.0.1 HOIDONG_PORT=$PORT
# The test build's aids: HOIDONG_TEST_MODE (loopback only) lets the comment
# bench read verification codes; wrk's 64 connections plus probes come from
# one address, so the per-address connection limit is raised and the
# per-network daily caps (200 ratings, 300 comments a day from 127.0.0.0/24)
# are off (HOIDONG_TEST_NET_CAPS=0: not possible in the shipped server).
# Flood limits, single-use codes and durability (synchronous=FULL) are as in
# production.
export HOIDONG_TEST_MODE=1 HOIDONG_PER_IP_LIMIT=256 HOIDONG_TEST_NET_CAPS=0
export HOIDONG_ADMIN_PASSWORD="bench-$(date +%s)-Quản-trị"

echo "== preparing the database ($ARTICLES articles, $COMMENTS comments)"
"$BIN" init >/dev/null 2>"$TMP/init.log"
"$BIN" demo >/dev/null 2>>"$TMP/init.log"
"$B/bench/gen_bulk" "$HOIDONG_DB" "$ARTICLES" "$COMMENTS" 2>>"$TMP/init.log" || { cat "$TMP/init.log" >&2; exit 1; }
sqlite3 "$HOIDONG_DB" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null

echo "== start-up time (exec to first /healthz 200), 5 runs"
"$B/bench/startup" "$PORT" 5 "$BIN" serve 2>/dev/null | tee "$TMP/startup.txt" | tail -n 1
STARTUP_MS=$(awk '/^startup_ms/ { sub("median=", "", $2); print $2 }' "$TMP/startup.txt")

"$BIN" serve >"$TMP/server.log" 2>&1 &
HD_PID=$!
for _ in $(seq 1 500); do
  curl -sf -o /dev/null "$BASE/healthz" && break
  sleep 0.01
done
curl -sf -o /dev/null "$BASE/healthz" || { echo "bench: server did not start" >&2; cat "$TMP/server.log" >&2; exit 1; }
rss_kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }
RSS_START=$(rss_kb "$HD_PID" VmRSS)

SLUG=$(sqlite3 "$HOIDONG_DB" "SELECT slug FROM articles WHERE is_sample = 0 ORDER BY id LIMIT 1")
ART_ID=$(sqlite3 "$HOIDONG_DB" "SELECT id FROM articles WHERE is_sample = 0 ORDER BY id LIMIT 1")
CAT=$(sqlite3 "$HOIDONG_DB" "SELECT c.slug FROM categories c JOIN articles a ON a.category_id = c.id
  WHERE a.status = 'published' GROUP BY c.id ORDER BY COUNT(*) DESC LIMIT 1")

# The yardstick: nginx serving the article page's exact bytes.
mkdir -p "$TMP/nginx/www" "$TMP/nginx/tmp"
curl -sf -o "$TMP/nginx/www/article.html" "$BASE/bai-viet/$SLUG"
# nginx's workers run as an unprivileged user when started as root.
chmod 755 "$TMP" "$TMP/nginx" "$TMP/nginx/www"
chmod 644 "$TMP/nginx/www/article.html"
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
  # Logging each request, as hoidong does (its access log goes to a file too).
  access_log $TMP/nginx/access.log;
  client_body_temp_path $TMP/nginx/tmp; proxy_temp_path $TMP/nginx/tmp;
  fastcgi_temp_path $TMP/nginx/tmp; uwsgi_temp_path $TMP/nginx/tmp; scgi_temp_path $TMP/nginx/tmp;
  sendfile on; tcp_nopush on; keepalive_requests 100000;
  types { text/html html; }
  server { listen 127.0.0.1:$NPORT; root $TMP/nginx/www; }
}
EOF
nginx -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx" 2>"$TMP/nginx/stderr" &
NG_PID=$!
for _ in $(seq 1 200); do
  curl -sf -o /dev/null "http://127.0.0.1:$NPORT/article.html" && break
  sleep 0.01
done
cmp -s <(curl -sf "http://127.0.0.1:$NPORT/article.html") "$TMP/nginx/www/article.html" \
  || { echo "bench: nginx does not serve the article copy" >&2; exit 1; }

# The mixed read/write targets rate other articles too (article-mixed-other).
OTHER_PATHS=$(sqlite3 "$HOIDONG_DB" "SELECT '/bai-viet/' || slug || '/danh-gia' FROM articles
  WHERE is_sample = 0 AND id <> $ART_ID AND status = 'published' ORDER BY id LIMIT 50" | tr '\n' ' ')

# POST targets: the anonymous form token is in every public page.
CSRF=$(curl -sf "$BASE/bai-viet/$SLUG" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
export BENCH_ORIGIN="$BASE" BENCH_CSRF="$CSRF" BENCH_ARTICLE_ID="$ART_ID" BENCH_SLUG="$SLUG"
export BENCH_CODES="$TMP/codes.txt"

# name | url | lua script ("" = plain GET) | connections (default 64).
# search-1: one reader searching alone, the latency of the search itself
# (with 64 at once on 2 cores, p99 is mostly waiting for a turn).
TARGETS=(
  "nginx-static|http://127.0.0.1:$NPORT/article.html|"
  "home|$BASE/|"
  "article|$BASE/bai-viet/$SLUG|"
  "category|$BASE/chuyen-muc/$CAT|"
  "councils|$BASE/hoi-dong|"
  "council|$BASE/hoi-dong/phuong-ba-dinh|"
  "search|$BASE/tim-kiem|bench/search.lua"
  "search-1|$BASE/tim-kiem|bench/search.lua|1"
  "article-mixed|$BASE/bai-viet/$SLUG|"
  "article-mixed-other|$BASE/bai-viet/$SLUG|"
  "rating-post|$BASE/bai-viet/$SLUG/danh-gia|bench/rating.lua"
  "comment-post|$BASE/bai-viet/$SLUG/binh-luan|bench/comment.lua"
)

# A target whose route does not answer (a feature not built yet) is skipped.
available() {
  local name=$1 url=$2 code
  case $name in
    rating-post|comment-post) code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data "csrf=$CSRF" "$url") ;;
    *) code=$(curl -s -o /dev/null -w '%{http_code}' "$url") ;;
  esac
  [ "$code" != 404 ] && [ "$code" != 405 ] && [ "$code" != 000 ]
}

# Comment POSTs each need a fresh single-use verification code: bench/codes
# renders the comment form and reads each code (test mode, loopback) before
# the run.  The server holds at most 20 000 codes, so the comment run is
# shorter (COMMENT_DUR) and gets CODES codes; should they run out, the rest
# are refused (400) and show as non-2xx/3xx.
COMMENT_DUR=${BENCH_COMMENT_DURATION:-2s}
WRITE_RATE=${BENCH_WRITE_RATE:-300}
CODES=${BENCH_CODES_COUNT:-19000}
prepare_codes() {
  rm -f "$BENCH_CODES"
  timeout 120 "$B/bench/codes" "$PORT" "/bai-viet/$SLUG/gui-binh-luan" "$CODES" "$BENCH_CODES" 4 || true
  echo "   ($(wc -l <"$BENCH_CODES" 2>/dev/null || echo 0) verification codes ready)"
}

# Latency text from wrk ("850.00us", "1.20ms", "1.02s") -> milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
  else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

SAMPLES="$TMP/samples.txt"
: >"$SAMPLES"
(
  while kill -0 "$HD_PID" 2>/dev/null; do
    awk '$1 == "VmRSS:" { print $2 }' "/proc/$HD_PID/status" 2>/dev/null >>"$SAMPLES" || true
    sleep 0.2
  done
) &
SAMPLER=$!

declare -A SKIP=()
for t in "${TARGETS[@]}"; do
  IFS='|' read -r name url lua conns <<<"$t"
  available "$name" "$url" || { SKIP[$name]=1; echo "   $name: not available (HTTP 404/405), skipped"; }
done

RAW="$TMP/raw.txt"
: >"$RAW"
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round/$ROUNDS"
  for t in "${TARGETS[@]}"; do
    IFS='|' read -r name url lua conns <<<"$t"
    [ -n "${SKIP[$name]:-}" ] && continue
    [ "$name" = comment-post ] && prepare_codes
    # A second between targets: the requests still in the server's queue
    # when the previous wrk stopped (64 searches: ~0.3 s) belong to that
    # target, not to this one's first second (search-1 right after search
    # measured p99 150-210 ms from that backlog alone, 10 ms a second later).
    sleep 1
    echo "# $name" >>"$SAMPLES"      # memory samples from here on belong to this target
    d=$DUR
    [ "$name" = comment-post ] && d=$COMMENT_DUR
    args=(-t1 -c"${conns:-$CONNS}" -d"$d" --latency --timeout 5s)
    [ -n "$lua" ] && args+=(-s "$lua")
    # Mixed read/write (issue 7): the same read of the seed article while a
    # bounded writer (bench/rating_paced.lua, WRITE_RATE ratings/s) rates
    # the seed article itself (article-mixed) or 50 other articles
    # (article-mixed-other); compare with "article" (read-only) of the
    # same round.
    WPID=""
    case $name in
      article-mixed|article-mixed-other)
        wpaths=""
        [ "$name" = article-mixed-other ] && wpaths=$OTHER_PATHS
        BENCH_RATE_PATHS=$wpaths BENCH_WRITE_RATE=$WRITE_RATE BENCH_WRITER_CONNS=8 \
          timeout 120 wrk -t1 -c8 -d"$d" --latency --timeout 5s -s bench/rating_paced.lua \
          "$BASE/bai-viet/$SLUG/danh-gia" >"$TMP/writer.txt" 2>&1 &
        WPID=$!
        ;;
    esac
    out=$(timeout 120 wrk "${args[@]}" "$url" 2>&1) || true
    if [ -n "$WPID" ]; then
      wait "$WPID" || true
      wtotal=$(awk '/requests in/ { print $1 }' "$TMP/writer.txt")
      wsecs=$(awk '/requests in/ { sub(/s,?$/, "", $4); print $4 }' "$TMP/writer.txt")
      wbad=$(awk '/Non-2xx or 3xx responses:/ { print $5 }' "$TMP/writer.txt")
      wrps=$(awk -v n="${wtotal:-0}" -v b="${wbad:-0}" -v s="${wsecs:-0}" 'BEGIN { if (s > 0) printf "%.0f", (n - b) / s; else print 0 }')
      echo "   ($name: writer $wrps ratings/s accepted, ${wbad:-0} refused)"
      echo "$round $name $wrps ${wbad:-0}" >>"$TMP/writers.txt"
    fi
    # Throughput counts only the answers that did what was asked (2xx/3xx):
    # a POST refused for a spent code is not a write.
    total=$(awk '/requests in/ { print $1 }' <<<"$out")
    secs=$(awk '/requests in/ { sub(/s,?$/, "", $4); print $4 }' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    bad=$(awk '/Non-2xx or 3xx responses:/ { print $5 }' <<<"$out")
    rps=$(awk -v n="${total:-0}" -v b="${bad:-0}" -v s="${secs:-0}" 'BEGIN { if (s > 0) printf "%.2f", (n - b) / s; else print 0 }')
    errs=$(awk '/Socket errors:/ { print }' <<<"$out")
    printf '   %-13s %10s req/s  p50 %7s ms  p99 %7s ms%s%s\n' "$name" "${rps:-0}" "$p50" "$p99" \
      "${bad:+  non-2xx/3xx: $bad}" "${errs:+  ($errs)}"
    # comment.lua reuses the last code once the codes run out; the server
    # refuses those (400).  Say how many were past the end of the codes, so
    # they are not mistaken for caps or the code table (issue 7, item 4).
    if [ "$name" = comment-post ] && [ -f "$BENCH_CODES" ]; then
      past=$(( ${total:-0} - $(wc -l <"$BENCH_CODES") ))
      [ "$past" -gt 0 ] && echo "   (comment-post: $past requests after the $(wc -l <"$BENCH_CODES") codes ran out)"
    fi
    echo "$round $name ${rps:-0} $p50 $p99 ${bad:-0}" >>"$RAW"
  done
done

kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
SAMPLER=""
RSS_LOAD=$(grep -v '^#' "$SAMPLES" | sort -n | tail -n 1)
# The largest VmRSS seen while each target ran (its code collection included).
RSS_BY=$(awk '/^#/ { cur = $2; next } cur != "" && $1 > max[cur] { max[cur] = $1 }
  END { for (k in max) printf "%s %.1f MB; ", k, max[k] / 1024 }' "$SAMPLES")
HWM=$(rss_kb "$HD_PID" VmHWM)

mkdir -p "$B/bench"
RES="$B/bench/results.txt"
{
  echo "hoidong bench $(date -u '+%Y-%m-%d %H:%M UTC')  commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr)"
  echo "wrk -t1 -c$CONNS -d$DUR --latency (search-1: -c1; comment-post: -d$COMMENT_DUR), $ROUNDS rounds interleaved; $ARTICLES bulk articles, $COMMENTS comments"
  echo
  printf '%-14s %12s %9s %9s %9s %8s\n' target "ok req/s" "p50 ms" "p99 ms" "x nginx" "non-2xx"
  awk '
    function median(list,   n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { r = $1; name = $2; rps[name] = rps[name] " " $3; p50[name] = p50[name] " " $4; p99[name] = p99[name] " " $5
      bad[name] += $6; byround[r, name] = $3; if (!(name in seen)) { seen[name] = 1; order[++n] = name } }
    END {
      for (i = 1; i <= n; i++) {
        name = order[i]; ratios = ""
        for (r = 1; (r, name) in byround; r++)
          if (byround[r, "nginx-static"] > 0) ratios = ratios " " byround[r, name] / byround[r, "nginx-static"]
        printf "%-14s %12.0f %9.2f %9.2f %8.2fx %8d\n", name, median(rps[name]), median(p50[name]), median(p99[name]), median(ratios), bad[name]
      }
    }' "$RAW"
  echo
  awk -v a="$RSS_START" -v b="${RSS_LOAD:-0}" -v c="${HWM:-0}" 'BEGIN {
    printf "memory: VmRSS after start-up %.1f MB; under load max VmRSS %.1f MB, VmHWM %.1f MB\n", a / 1024, b / 1024, c / 1024 }'
  echo "largest VmRSS per target: $RSS_BY"
  # Mixed read/write against read-only, per round, then the median.
  for m in article-mixed article-mixed-other; do
    awk -v m="$m" '$2 == "article" { ro[$1] = $3 } $2 == m { mx[$1] = $3; p99[$1] = $5 }
      END { n = 0; for (r in mx) if (ro[r] > 0) { v[++n] = mx[r] / ro[r]; q[n] = p99[r] }
        if (!n) exit
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) { if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
          if (q[j] < q[i]) { t = q[i]; q[i] = q[j]; q[j] = t } }
        printf "%s: reads %.2fx read-only (the rounds, sorted:", m, v[int((n + 1) / 2)]
        for (i = 1; i <= n; i++) printf " %.2f", v[i]; printf "), p99 median %.2f ms\n", q[int((n + 1) / 2)] }' "$RAW"
    [ -f "$TMP/writers.txt" ] && awk -v m="$m" '$2 == m { printf "  writer round %s: %s ratings/s, %s refused\n", $1, $3, $4 }' "$TMP/writers.txt"
  done
  echo "start-up: median ${STARTUP_MS} ms (exec to first /healthz 200, 5 runs)"
  echo "council pages rendered in-process, uncached (bench/council_render 200; goal < 5 ms):"
  "$B/bench/council_render" 200 2>/dev/null | sed 's/^/  /'
  echo "programme roll-up, five levels, 5,000 tasks (bench/programme_rollup; goal < 20 ms):"
  "$B/bench/programme_rollup" 5000 51 2>/dev/null | sed 's/^/  /'
  echo "review-report board and aggregate, 126 councils x 40 fields (bench/report_board 100; goal < 50 ms):"
  "$B/bench/report_board" 100 2>/dev/null | sed 's/^/  /'
} | tee "$RES"
