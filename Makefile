# hoidong - one Makefile.  `make run` installs what is missing, builds and
# serves the portal with demo content; `make test` runs the whole suite
# (normal build, then again under ASan+UBSan).  See README.md.

CC      ?= gcc
PKGS    := libmicrohttpd sqlite3 libpq libsodium libcmark libutf8proc zlib gdlib jansson xlsxwriter libzip libxml-2.0
TESTPKGS:= libcurl
WARN    := -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral -Wvla -Wpointer-arith
HARDEN  := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
LDHARDEN:= -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack
OPT     ?= -O2 -g
PKGCFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKGLIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lmagic -lpthread -lm
CURLLIBS  = $(shell pkg-config --libs $(TESTPKGS) 2>/dev/null)
CFLAGS  := $(WARN) $(OPT) $(HARDEN) -D_GNU_SOURCE -Isrc -Ibuild/gen $(PKGCFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(LDHARDEN) $(EXTRA_LDFLAGS)

# B is the build directory: build/ for the normal build, build/asan for the
# sanitizer build (make B=build/asan SAN=1 ...).
B       ?= build
ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -O1
CFLAGS  := $(filter-out -D_FORTIFY_SOURCE=2,$(CFLAGS))
LDFLAGS += -fsanitize=address,undefined
endif
# Fuzz build (issue 4, fuzzing): clang + libFuzzer instrumentation on top
# of SAN=1, only with B=build/fuzz (see `make fuzz-build` at the end).
ifeq ($(FUZZ),1)
CC      := clang
CFLAGS  += -fsanitize=fuzzer-no-link -Wno-error
endif

SRC      := $(wildcard src/*.c)
# src/testaids.c is only in the test build (build/hoidong-test, tuning.h).
LIBSRC   := $(filter-out src/main.c src/testaids.c,$(SRC))
LIBOBJ   := $(LIBSRC:src/%.c=$(B)/obj/%.o) $(B)/obj/gen_embed.o
EMBEDDED := $(sort $(wildcard templates/*.html static/*) $(wildcard demo/*))
UNIT     := $(patsubst tests/%.c,$(B)/tests/%,$(wildcard tests/unit_*.c))
HTTPT    := $(patsubst tests/%.c,$(B)/tests/%,$(wildcard tests/http_*.c))
# tests/crash.c is a stand-alone program (scripts/test-extra-crash.sh, make soak), not a helper.
TESTLIB  := $(filter-out tests/unit_%.c tests/http_%.c tests/crash.c,$(wildcard tests/*.c))

.PHONY: all run test test-fast test-asan test-pg deps clean bench fuzz soak security e2e format cluster

all: $(B)/hoidong $(B)/hoidong-test

deps:
	@scripts/install-deps.sh

$(B)/obj/%.o: src/%.c $(wildcard src/*.h) | $(B)/obj
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/embed: scripts/embed.c | $(B)/obj
	$(CC) -O1 $< -o $@

$(B)/gen/gen_embed.c: $(B)/embed $(EMBEDDED) | $(B)/obj
	@mkdir -p $(B)/gen
	$(B)/embed $(EMBEDDED) > $@.tmp && mv $@.tmp $@

$(B)/obj/gen_embed.o: $(B)/gen/gen_embed.c
	$(CC) $(CFLAGS) -Wno-missing-prototypes -c $< -o $@

$(B)/libhoidong.a: $(LIBOBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/hoidong: $(B)/obj/main.o $(B)/libhoidong.a
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(PKGLIBS) -o $@

# The test build: the same server plus src/testaids.c (HOIDONG_TEST_*
# variables: the verification-code peek, shorter protections, an injected
# clock).  Only the tests and make bench run it; never install it.
$(B)/obj/main_test.o: src/main.c $(wildcard src/*.h) | $(B)/obj
	$(CC) $(CFLAGS) -DHOIDONG_TEST_AIDS -c $< -o $@

$(B)/hoidong-test: $(B)/obj/main_test.o $(B)/obj/testaids.o $(B)/libhoidong.a
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(PKGLIBS) -o $@

$(B)/tests/%: tests/%.c $(TESTLIB) tests/t.h $(B)/libhoidong.a | $(B)/obj
	@mkdir -p $(B)/tests
	$(CC) $(CFLAGS) -Itests $(LDFLAGS) $< $(TESTLIB) $(B)/libhoidong.a $(PKGLIBS) $(CURLLIBS) -o $@

$(B)/obj:
	@mkdir -p $(B)/obj $(B)/gen $(B)/tests

# Build and run the suite once (this build directory only).
test-fast: $(B)/hoidong $(B)/hoidong-test $(UNIT) $(HTTPT)
	@scripts/run-tests.sh $(B)

# The unit tests against a throw-away PostgreSQL cluster (scripts/pg-temp.sh,
# docs/POSTGRESQL.md); fails if PostgreSQL cannot start.
test-pg: $(B)/hoidong $(B)/hoidong-test $(UNIT) $(HTTPT)
	@scripts/test-pg.sh $(B)

test-asan:
	@$(MAKE) --no-print-directory B=build/asan SAN=1 test-fast

# nginx: the several-nodes check of test-pg (scripts/cluster.sh --check)
# puts the two nodes behind it; without it that check is only skipped.
test: deps
	@scripts/install-deps.sh nginx-light
	@$(MAKE) --no-print-directory build/hoidong build/hoidong-test
	@scripts/test-all.sh

run: deps
	@$(MAKE) --no-print-directory build/hoidong
	@scripts/run.sh

# make cluster: a throw-away PostgreSQL, CLUSTER_NODES (default 2) nodes
# sharing one files directory and nginx in front, all on 127.0.0.1, until
# Ctrl-C (scripts/cluster.sh; `scripts/cluster.sh --check` is the quick
# proof that make test-pg runs).  docs/POSTGRESQL.md.
cluster: deps
	@scripts/install-deps.sh nginx-light
	@$(MAKE) --no-print-directory build/hoidong
	@scripts/cluster.sh

# --- bench (issue 4): tools linked with the library, then bench/run.sh ---
$(B)/bench/%: bench/%.c $(B)/libhoidong.a | $(B)/obj
	@mkdir -p $(B)/bench
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(B)/libhoidong.a $(PKGLIBS) -o $@

bench: deps
	@scripts/install-deps.sh wrk nginx-light
	@$(MAKE) --no-print-directory $(B)/hoidong $(B)/hoidong-test $(B)/bench/gen_bulk $(B)/bench/startup $(B)/bench/codes $(B)/bench/council_render $(B)/bench/programme_rollup $(B)/bench/report_board
	@bench/run.sh

format:
	clang-format -i src/*.c src/*.h tests/*.c tests/*.h

clean:
	rm -rf build

# --- browser, accessibility and security checks (issue 4, items 5-7) ---
# make e2e: headless Chromium (Debian) + playwright-core/axe-core (e2e/);
# also run by `make test` through scripts/test-extra-e2e.sh.
e2e: deps
	@scripts/test-extra-e2e.sh

# make security: sqlmap, XSS payloads in Chromium, CSRF/headers, checksec,
# password rules; bounded in time, loopback only.  Results: docs/SECURITY.md.
security: deps
	@scripts/security.sh

# --- fuzzing (issue 4, item 4): libFuzzer targets fuzz/fuzz_*.c ---
# make fuzz [FUZZ_SECONDS=60]: build them (clang, ASan+UBSan, in build/fuzz)
# and run each with its seed corpus fuzz/corpus/<name>; crash inputs are
# saved in fuzz/out/<name>/.  `make test` runs each for a few seconds
# (scripts/test-extra-fuzz.sh).
FUZZ_SECONDS ?= 60
FUZZERS := $(patsubst fuzz/%.c,build/fuzz/%,$(wildcard fuzz/fuzz_*.c))
.PHONY: fuzz-build
$(B)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(B)/libhoidong.a
	$(CC) $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) $< $(B)/libhoidong.a $(PKGLIBS) -o $@

fuzz-build:
	@$(MAKE) --no-print-directory B=build/fuzz SAN=1 FUZZ=1 $(FUZZERS)

fuzz:
	@scripts/fuzz.sh $(FUZZ_SECONDS)

# --- soak (issue 4, durability and hostile clients) ---
# make soak: the long crash-safety run (60 SIGKILLs under write load, backup
# under load) and slowhttptest against the server, 10-20 minutes; figures
# printed, ends with "soak-total: N passed, M failed".  See scripts/soak.sh.
soak: deps
	@scripts/install-deps.sh slowhttptest
	@$(MAKE) --no-print-directory build/hoidong build/hoidong-test build/tests/crash build/tests/http_slow
	@scripts/soak.sh

# --- bench-pg (issue 11, Speed): PostgreSQL beside SQLite and nginx ---
.PHONY: bench-pg
bench-pg: deps
	@scripts/install-deps.sh wrk nginx-light
	@$(MAKE) --no-print-directory $(B)/hoidong $(B)/hoidong-test $(B)/bench/gen_bulk $(B)/bench/codes
	@B=$(B) bench/pg.sh

# --- bench-search (issue 3 item 6, issue 12 item 3): search latency ---
# make bench-search [SEARCH_BENCH_ARGS="sizes queries"]: generates corpora
# of 10 000 and 1 000 000 articles (bench/search_corpus.c, with a progress
# bar), runs the queries through search_parse + search_run and prints
# median/p99, build time and index size beside a LIKE-scan yardstick
# (see bench/search_bench.c).  SEARCH_BENCH_DIR=dir keeps the databases
# and reuses them.  The 1M corpus needs about 12 GB of disk in /tmp.
SEARCH_BENCH_ARGS ?= 10000,1000000 1000
.PHONY: bench-search
bench-search: $(B)/libhoidong.a
	@mkdir -p $(B)/bench
	$(CC) $(CFLAGS) $(LDFLAGS) bench/search_bench.c bench/search_corpus.c $(B)/libhoidong.a $(PKGLIBS) -o $(B)/bench/search_bench
	@$(B)/bench/search_bench $(SEARCH_BENCH_ARGS)
