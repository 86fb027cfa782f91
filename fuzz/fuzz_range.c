/* fuzz_range.c - the HTTP Range header parser (http_parse_range in
 * src/http_range.c).  Input: "SIZE\nHEADER" (SIZE decimal; without a
 * newline the whole input is the header and the size is 1000).  Oracles:
 * a satisfiable answer always lies inside the file, never empty; the
 * outputs are untouched unless the answer is 1; the result for a size is
 * consistent with the result for the same header on other sizes. */
#include "fuzz.h"
#include "http_internal.h"

static void check(const char *h, uint64_t size)
{
    uint64_t from = 7, len = 9;
    int rc = http_parse_range(h, size, &from, &len);
    FUZZ_CHECK(rc >= -1 && rc <= 1, "rc %d", rc);
    if (rc == 1) {
        FUZZ_CHECK(len >= 1, "empty range for \"%s\"", h);
        FUZZ_CHECK(from < size && len <= size - from,
                   "range %llu+%llu outside %llu for \"%s\"", (unsigned long long)from,
                   (unsigned long long)len, (unsigned long long)size, h);
    } else {
        FUZZ_CHECK(from == 7 && len == 9, "outputs written with rc %d", rc);
    }
    /* A header ignored for one size is ignored for every size (it is a
     * matter of syntax); a usable one is usable or unsatisfiable. */
    uint64_t f2, l2;
    int rc0 = http_parse_range(h, UINT64_MAX, &f2, &l2);
    FUZZ_CHECK((rc == 0) == (rc0 == 0), "rc %d for size %llu but %d for 2^64-1", rc,
               (unsigned long long)size, rc0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    char *nl = strchr(s, '\n');
    const char *h = s;
    uint64_t fsize = 1000;
    if (nl) {
        *nl = 0;
        fsize = strtoull(s, NULL, 10);
        h = nl + 1;
    }
    check(h, fsize);
    check(h, 0);
    check(h, 1);
    check(h, UINT64_MAX);
    free(s);
    return 0;
}
