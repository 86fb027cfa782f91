/* unit_buf.c - tests for the arena, the Buf type and the escapers. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "log.h"
#include "t.h"

TEST(test_arena_basic)
{
    Arena *a = arena_new();
    CHECK(a != NULL);
    CHECK_INT(arena_used(a), 0);
    for (int i = 1; i < 2000; i += 37) {
        unsigned char *p = arena_alloc(a, (size_t)i);
        CHECK(((uintptr_t)p % 16) == 0);
        int zero = 1;
        for (int k = 0; k < i; k++)
            if (p[k])
                zero = 0;
        CHECK(zero);
        memset(p, 0xAB, (size_t)i);
    }
    /* big allocation gets its own block, still aligned and zeroed */
    unsigned char *big = arena_alloc(a, 1 << 20);
    CHECK(((uintptr_t)big % 16) == 0);
    CHECK(big[0] == 0 && big[(1 << 20) - 1] == 0);
    /* a small allocation after a big one still works */
    char *s = arena_strdup(a, "xin chào");
    CHECK_STR(s, "xin chào");
    CHECK(arena_strdup(a, NULL) == NULL);
    CHECK_STR(arena_strndup(a, "abcdef", 3), "abc");
    CHECK_STR(arena_strndup(a, "ab", 10), "ab");
    CHECK_STR(arena_printf(a, "%d-%s", 42, "x"), "42-x");
    char longs[1000];
    memset(longs, 'z', sizeof longs - 1);
    longs[sizeof longs - 1] = 0;
    CHECK_STR(arena_printf(a, "%s!", longs) + 990, "zzzzzzzzz!");
    CHECK(arena_used(a) >= (1 << 20));
    arena_free(a);
    arena_free(NULL);
}

TEST(test_arena_realloc)
{
    Arena *a = arena_new();
    char *p = arena_alloc(a, 16);
    memcpy(p, "0123456789abcde", 16);
    size_t before = arena_used(a);
    char *q = arena_realloc(a, p, 16, 100);
    CHECK(q == p); /* last allocation grows in place */
    CHECK_STR(q, "0123456789abcde");
    CHECK(q[99] == 0);
    CHECK_INT(arena_used(a), before - 16 + 112);
    char *other = arena_alloc(a, 8);
    (void)other;
    char *r = arena_realloc(a, q, 100, 200); /* no longer last: copied */
    CHECK(r != q);
    CHECK_STR(r, "0123456789abcde");
    CHECK(r[199] == 0);
    /* shrinking keeps the pointer */
    CHECK(arena_realloc(a, r, 200, 10) == r);
    /* NULL old behaves like alloc */
    char *n = arena_realloc(a, NULL, 0, 32);
    CHECK(n != NULL && n[31] == 0);
    /* growth beyond the block moves but keeps the data */
    char *g = arena_alloc(a, 1000);
    memset(g, 'g', 1000);
    char *g2 = arena_realloc(a, g, 1000, 300000);
    CHECK(g2[0] == 'g' && g2[999] == 'g' && g2[1000] == 0 && g2[299999] == 0);
    arena_free(a);
}

static char order[16];
static size_t norder;
static void note(void *p)
{
    order[norder++] = *(const char *)p;
}

TEST(test_arena_cleanups)
{
    static const char c1 = '1', c2 = '2', c3 = '3';
    norder = 0;
    Arena *a = arena_new();
    arena_on_free(a, note, (void *)&c1);
    arena_on_free(a, note, (void *)&c2);
    arena_on_free(a, note, (void *)&c3);
    CHECK_INT(norder, 0);
    arena_free(a);
    order[norder] = 0;
    CHECK_STR(order, "321");
}

static void check_growth(Arena *a)
{
    Buf b;
    buf_init(&b, a);
    CHECK_STR(buf_str(&b), "");
    for (int i = 0; i < 10000; i++)
        buf_printf(&b, "%d,", i % 10);
    CHECK_INT(b.len, 20000);
    CHECK(b.data[b.len] == 0);
    int ok = 1;
    for (int i = 0; i < 10000; i++)
        if (b.data[2 * i] != '0' + i % 10 || b.data[2 * i + 1] != ',')
            ok = 0;
    CHECK(ok);
    buf_reset(&b);
    CHECK_STR(buf_str(&b), "");
    buf_puts(&b, "a");
    buf_puts(&b, NULL);
    buf_putc(&b, 'b');
    buf_append(&b, "cdef", 2);
    CHECK_STR(buf_str(&b), "abcd");
    /* printf longer than the initial room */
    char big[500];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    buf_printf(&b, "[%s]", big);
    CHECK_INT(b.len, 4 + 501);
    CHECK(b.data[b.len - 1] == ']');
    buf_free(&b);
}

TEST(test_buf_growth)
{
    check_growth(NULL);
    Arena *a = arena_new();
    check_growth(a);
    /* interleaved arena buffers do not clobber each other */
    Buf x, y;
    buf_init(&x, a);
    buf_init(&y, a);
    for (int i = 0; i < 3000; i++) {
        buf_putc(&x, 'x');
        buf_putc(&y, 'y');
    }
    int ok = 1;
    for (size_t i = 0; i < 3000; i++)
        if (x.data[i] != 'x' || y.data[i] != 'y')
            ok = 0;
    CHECK(ok);
    CHECK_INT(strlen(x.data), 3000);
    arena_free(a);
}

#define ESC(fn, in) esc_run(fn, in)
static char out_s[4096];
static const char *esc_run(void (*fn)(Buf *, const char *), const char *in)
{
    Buf b;
    buf_init(&b, NULL);
    fn(&b, in);
    snprintf(out_s, sizeof out_s, "%s", buf_str(&b));
    buf_free(&b);
    return out_s;
}

TEST(test_escapers)
{
    CHECK_STR(ESC(buf_html, "<a href=\"x\" title='y'>&</a>"),
              "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    CHECK_STR(ESC(buf_html, "Hội đồng"), "Hội đồng");
    CHECK_STR(ESC(buf_html, NULL), "");
    Buf b;
    buf_init(&b, NULL);
    buf_html_n(&b, "<b>cut", 2);
    CHECK_STR(buf_str(&b), "&lt;b");
    buf_free(&b);

    CHECK_STR(ESC(buf_url, "a b&c=d/é~-._"), "a%20b%26c%3Dd%2F%C3%A9~-._");
    CHECK_STR(ESC(buf_url, "Đ"), "%C4%90");

    CHECK_STR(ESC(buf_json, "a\"b\\c/d\n\x01</script>&"),
              "a\\\"b\\\\c\\/d\\u000A\\u0001\\u003C\\/script\\u003E\\u0026");
    CHECK_STR(ESC(buf_json, "x\xe2\x80\xa8y"), "x\\u2028y");
    CHECK_STR(ESC(buf_json, "Tiếng Việt"), "Tiếng Việt");

    CHECK_STR(ESC(buf_xml, "a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
    CHECK_STR(ESC(buf_xml, "a\x01\x08\tb\nc\x1f" "d"), "a\tb\ncd");
    CHECK_STR(ESC(buf_xml, "x\xef\xbf\xbey\xff\xc0\xafz"), "xyz"); /* U+FFFE, bad bytes */
    CHECK_STR(ESC(buf_xml, "Nghị quyết"), "Nghị quyết");

    CHECK_STR(ESC(buf_csv, "plain"), "plain");
    CHECK_STR(ESC(buf_csv, "a,b"), "\"a,b\"");
    CHECK_STR(ESC(buf_csv, "say \"hi\""), "\"say \"\"hi\"\"\"");
    CHECK_STR(ESC(buf_csv, "line\nbreak"), "\"line\nbreak\"");
    CHECK_STR(ESC(buf_csv, "=1+2"), "'=1+2");
    CHECK_STR(ESC(buf_csv, "+x"), "'+x");
    CHECK_STR(ESC(buf_csv, "-x"), "'-x");
    CHECK_STR(ESC(buf_csv, "@SUM(A1)"), "'@SUM(A1)");
    CHECK_STR(ESC(buf_csv, "=HYPERLINK(\"a,b\")"), "\"'=HYPERLINK(\"\"a,b\"\")\"");
    CHECK_STR(ESC(buf_csv, ""), "");
}

/* The log writes one line per event to stderr: capture it in a temp file
 * and check quiet mode, the level, and that a newline in the message (log
 * forging) cannot start a second line. */
TEST(test_log)
{
    char path[] = "/tmp/unit_buf_log.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) return;
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    log_quiet = 1;
    log_info("hidden %d", 1);
    log_quiet = 0;
    log_info("shown %d", 2);
    log_warn("warning line with\nnewline %s", "ok");
    dup2(saved, STDERR_FILENO);
    close(saved);
    char text[1024] = {0};
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    close(fd);
    unlink(path);
    CHECK(n > 0);
    CHECK_NOT_CONTAINS(text, "hidden");
    CHECK_CONTAINS(text, " INFO shown 2\n");
    CHECK_CONTAINS(text, " WARN warning line with newline ok\n");
    int lines = 0;
    for (const char *p = text; *p; p++) lines += *p == '\n';
    CHECK_INT(lines, 2);
}

int main(void)
{
    t_prog = "unit_buf";
    RUN(test_arena_basic);
    RUN(test_arena_realloc);
    RUN(test_arena_cleanups);
    RUN(test_buf_growth);
    RUN(test_escapers);
    RUN(test_log);
    return t_done();
}
