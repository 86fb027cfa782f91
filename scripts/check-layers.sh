#!/usr/bin/env bash
# check-layers.sh - enforce the layering rule of docs/ARCHITECTURE.md
# ("Layers") on the compiled objects.
#
# A module is one src/*.c file; its object is OBJDIR/<module>.o (default
# build/obj, as `make` leaves it; gen_embed.o is the embedded assets).
# Objects with no src/ file of their name are skipped (main_test.o, main.c
# built for the test server; leftovers of deleted files).  The
# dependency graph is read from the objects, not from the headers: every
# undefined symbol of an object (`nm -u`) is resolved to the object that
# defines it, which gives the edge "module -> module" with the symbols that
# make it.  Calls, data (cfg, routes[]) and function addresses all count.
#
# Checks, each printed as "layers: ok <what>" or "layers: FAIL <what>" with
# the offending edges:
#   upward  - no module outside the page layer (page_*.c) and main.c
#             references a page_* module's symbols.  The one exception is
#             the route table, http_routes.c: naming every handler is its
#             whole job, and by that role it sits at the top with main.c.
#   include - the same rule for includes: outside page_*.c and main.c only
#             http_routes.c may include page.h or page_util.h.
#   acyclic - the module graph (the route table's edges included) has no
#             cycle; a cycle is reported with its members (tsort).  One
#             edge is left out: db.c's list of backends names each
#             backend's ops table (db_sqlite_ops), and the backend in turn
#             uses db.h like any caller.  That registry is the database
#             layer's own plug-in point (db_backend.h), not a dependency of
#             the interface on an engine; only references from db.c to a
#             db_<name>_ops symbol are dropped.
# Exit status 0 when all pass, 1 when one fails, 2 when the objects are
# missing.  The last line is "layers: N passed, M failed".
set -u
export LC_ALL=C   # sort and join must agree on the order
cd "$(dirname "$0")/.."
objdir=${1:-build/obj}
shopt -s nullglob
objs=("$objdir"/*.o)
if [ ${#objs[@]} -eq 0 ]; then
  echo "layers: no objects in $objdir (run make first)" >&2
  exit 2
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Only src/ modules: a stray object of another name in OBJDIR is ignored.
for o in "${objs[@]}"; do
  m=$(basename "$o" .o)
  [ -f "src/$m.c" ] || [ "$m" = gen_embed ] || continue
  nm -g --defined-only "$o" | awk -v m="$m" 'NF == 3 && $2 != "U" {print $3, m}' >>"$tmp/defs"
  nm -u "$o" | awk -v m="$m" '{print $NF, m}' >>"$tmp/uses"
done
sort -u -o "$tmp/defs" "$tmp/defs"
sort -u -o "$tmp/uses" "$tmp/uses"
# edges: "from to symbol", one line per symbol, self references dropped.
join "$tmp/uses" "$tmp/defs" | awk '$2 != $3 {print $2, $3, $1}' | sort -u >"$tmp/edges"

pass=0; fail=0
result() { # ok|fail what [details file]
  if [ "$1" = ok ]; then
    pass=$((pass + 1)); echo "layers: ok $2"
  else
    fail=$((fail + 1)); echo "layers: FAIL $2"
    [ -n "${3:-}" ] && sed 's/^/  /' "$3"
  fi
}

# Modules allowed to reference the page layer: the pages, main, the route table.
allowed_up='^(page_[a-z0-9_]+|main|http_routes)$'

# upward: "from -> to: sym sym ..." for each edge into page_* from elsewhere.
awk -v ok="$allowed_up" '$2 ~ /^page_/ && $1 !~ ok {
    k = $1 " -> " $2; s[k] = s[k] " " $3 }
  END { for (k in s) print k ":" s[k] }' "$tmp/edges" | sort >"$tmp/up"
if [ -s "$tmp/up" ]; then
  result fail "upward: modules below the pages reference page_* symbols" "$tmp/up"
else
  result ok "upward: only page_*, main and http_routes reference page_* modules"
fi

# include: page.h / page_util.h only in the page layer, main.c, http_routes.c.
: >"$tmp/inc"
for f in src/*.c src/*.h; do
  m=$(basename "$f"); m=${m%.*}
  [[ $m =~ $allowed_up ]] && continue
  [ "$m" = page ] && continue
  grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"page(_util)?\.h"' "$f" >>"$tmp/inc"
done
if [ -s "$tmp/inc" ]; then
  result fail "include: page headers included below the pages" "$tmp/inc"
else
  result ok "include: page.h and page_util.h only in page_*, main and http_routes"
fi

# acyclic: tsort reads "from to" pairs and names the members of each loop.
# The backend registry (db.c -> db_<name>_ops) is left out, see above.
awk '!($1 == "db" && $2 ~ /^db_/ && $3 ~ /^db_[a-z0-9]+_ops$/) {print $1, $2}' "$tmp/edges" \
  | sort -u >"$tmp/pairs"
if tsort "$tmp/pairs" >/dev/null 2>"$tmp/loops"; then
  result ok "acyclic: $(wc -l <"$tmp/pairs") module edges, no cycle"
else
  # tsort prints "tsort: FILE: input contains a loop:" then one member a line.
  sed -E -e "s|^tsort: $tmp/pairs: input contains a loop:|cycle:|" -e 's/^tsort: /    /' \
    "$tmp/loops" >"$tmp/cyc"
  result fail "acyclic: the module graph has cycles" "$tmp/cyc"
fi

echo "layers: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
