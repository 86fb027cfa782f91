/* unit_http_range.c - the Range header parser (src/http_range.c): single
 * ranges, suffixes, clamping, the unsatisfiable cases (416) and what is
 * ignored (several ranges, signs, junk), including the inputs that the
 * old sscanf-based parser got wrong. */
#include "t.h"
#include "http_internal.h"

static int pr(const char *h, uint64_t size, uint64_t *from, uint64_t *len)
{
    *from = 12345;
    *len = 67890;
    return http_parse_range(h, size, from, len);
}

TEST(test_single_ranges)
{
    uint64_t f, l;
    CHECK_INT(pr("bytes=10-29", 100, &f, &l), 1);
    CHECK_INT(f, 10);
    CHECK_INT(l, 20);
    CHECK_INT(pr("bytes=0-0", 1, &f, &l), 1);
    CHECK_INT(f, 0);
    CHECK_INT(l, 1);
    CHECK_INT(pr("bytes=90-", 100, &f, &l), 1);  /* open end */
    CHECK_INT(f, 90);
    CHECK_INT(l, 10);
    CHECK_INT(pr("bytes=50-1000", 100, &f, &l), 1); /* last clamped */
    CHECK_INT(f, 50);
    CHECK_INT(l, 50);
    CHECK_INT(pr("BYTES = 1-2 ", 100, &f, &l), 1); /* unit case-insensitive, OWS */
    CHECK_INT(f, 1);
    CHECK_INT(l, 2);
    CHECK_INT(pr("bytes=0-99999999999999999999999", 100, &f, &l), 1); /* saturates */
    CHECK_INT(f, 0);
    CHECK_INT(l, 100);
}

TEST(test_suffix)
{
    uint64_t f, l;
    CHECK_INT(pr("bytes=-10", 100, &f, &l), 1);
    CHECK_INT(f, 90);
    CHECK_INT(l, 10);
    CHECK_INT(pr("bytes=-1000", 100, &f, &l), 1);
    CHECK_INT(f, 0);
    CHECK_INT(l, 100);
    CHECK_INT(pr("bytes=-0", 100, &f, &l), -1);
    /* An empty file has no last byte: the old parser answered 206 with
     * "bytes 0-18446744073709551615/0". */
    CHECK_INT(pr("bytes=-5", 0, &f, &l), -1);
}

TEST(test_unsatisfiable)
{
    uint64_t f, l;
    CHECK_INT(pr("bytes=100-", 100, &f, &l), -1);
    CHECK_INT(pr("bytes=100-200", 100, &f, &l), -1);
    CHECK_INT(pr("bytes=0-", 0, &f, &l), -1);
    CHECK_INT(pr("bytes=99999999999999999999999-", 100, &f, &l), -1);
}

TEST(test_ignored)
{
    uint64_t f, l;
    const char *bad[] = {"", "bytes", "bytes=", "bytes=-", "bytes=a-b", "items=0-1",
                         "bytes=5-3", "bytes=0-1,5-6", "bytes=-5,0-1", "bytes=--5",
                         "bytes=5--3", "bytes=+5-6", "bytes=1 -2", "bytes=1-2x",
                         "bytes0-1", NULL};
    for (int i = 0; bad[i]; i++) {
        int rc = pr(bad[i], 100, &f, &l);
        if (rc != 0) fprintf(stderr, "  \"%s\" -> %d\n", bad[i], rc);
        CHECK_INT(rc, 0);
        CHECK_INT(f, 12345);   /* untouched */
        CHECK_INT(l, 67890);
    }
    CHECK_INT(http_parse_range(NULL, 100, &f, &l), 0);
}

int main(void)
{
    t_prog = "unit_http_range";
    RUN(test_single_ranges);
    RUN(test_suffix);
    RUN(test_unsatisfiable);
    RUN(test_ignored);
    return t_done();
}
