/* fuzz_tmpl.c - the template engine: compile and render any source text
 * (tmpl_render_string) against a fixed, rich context: strings with markup
 * and quotes, Vietnamese text, invalid UTF-8, extreme integers and
 * doubles, booleans, nested maps, lists of maps and of scalars, empty
 * lists, and the embedded templates as partials (loaded once).
 * Oracles: the result is 0 or -1 with a message "<string>:LINE: ...";
 * when the source has no raw tag ('&'), no partial ('>') and no '<' of
 * its own, the output holds no '<' or '>' at all, although the context
 * values are full of them ("<xss>"), whatever the filter ({{x}}, url:,
 * json:, num:, date:...). */
#include "fuzz.h"
#include "tmpl.h"

static Arena *ctx_arena;
static Val *ctx;

static Val *item(Arena *a, int i)
{
    Val *m = val_map(a);
    val_set_int(m, "id", i);
    val_set_str(m, "title", i % 2 ? "Kỳ họp thứ <xss> \"HĐND\"" : "' onmouseover='<xss>");
    val_set_str(m, "url", "javascript:<xss>");
    val_set_bool(m, "first", i == 0);
    val_set_int(m, "time", 1652317500 + i * 86400);
    return m;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    char err[256];
    if (tmpl_load(NULL, err, sizeof err) != 0) {
        fprintf(stderr, "tmpl_load: %s\n", err);
        abort();
    }
    Arena *a = ctx_arena = arena_new();
    ctx = val_map(a);
    val_set_str(ctx, "title", "Hội đồng nhân dân <xss> & \"quotes\" 'single'");
    val_set_str(ctx, "name", "Nguyễn Văn A");
    val_set_str(ctx, "empty", "");
    val_set_str(ctx, "html", "<xss>alert(1)</xss>");
    val_set_str(ctx, "bad_utf8", "\xC3\x28 \xED\xA0\x80 \xF4\x90\x80\x80 <xss>");
    val_set_str(ctx, "num_text", "4922512");
    val_set_str(ctx, "neg_text", "-9223372036854775808");
    val_set_str(ctx, "big_text", "99999999999999999999999");
    val_set_int(ctx, "n", 4922512);
    val_set_int(ctx, "zero", 0);
    val_set_int(ctx, "min", INT64_MIN);
    val_set_int(ctx, "max", INT64_MAX);
    val_set_int(ctx, "time", 1652317500);
    val_set_double(ctx, "d", 4.5);
    val_set_double(ctx, "huge", 1e300);
    val_set_double(ctx, "nan", 0.0 / 0.0);
    val_set_double(ctx, "inf", 1.0 / 0.0);
    val_set_double(ctx, "negd", -1234567.891);
    val_set_bool(ctx, "yes", 1);
    val_set_bool(ctx, "no", 0);
    val_set(ctx, "null", val_str(a, NULL));
    Val *items = val_list(a);
    for (int i = 0; i < 3; i++) val_push(items, item(a, i));
    val_set(ctx, "items", items);
    val_set(ctx, "none", val_list(a));
    Val *tags = val_list(a);
    val_push(tags, val_str(a, "<xss>"));
    val_push(tags, val_int(a, -1));
    val_push(tags, val_bool(a, 1));
    val_set(ctx, "tags", tags);
    Val *site = val_map(a);
    val_set_str(site, "name", "HĐND <xss>");
    val_set(site, "article", item(a, 7));
    val_set(ctx, "site", site);
    val_set(ctx, "article", item(a, 9));
    return 0;
}

/* Sections nest and lists multiply: {{#items}} 40 deep over 3 items is
 * 3^40 renders.  Templates are trusted code, so that is not a bug to
 * find; cap the number of section tags per input instead. */
static int too_many_sections(const char *s)
{
    int n = 0;
    for (const char *p = strstr(s, "{{"); p; p = strstr(p + 2, "{{")) {
        const char *q = p + 2;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r' || *q == '\f' || *q == '\v') q++;
        if (*q == '#' || *q == '^') n++;
    }
    return n > 6;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16 * 1024) return 0;
    char *src = fuzz_str(data, size);
    if (too_many_sections(src)) { free(src); return 0; }
    Buf out;
    buf_init(&out, NULL);
    char err[256];
    memset(err, 'x', sizeof err);
    int rc = tmpl_render_string(&out, src, ctx, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -1, "rc %d", rc);
    FUZZ_CHECK(memchr(err, 0, sizeof err), "err not terminated");
    if (rc < 0) {
        FUZZ_CHECK(!strncmp(err, "<string>:", 9), "message \"%s\"", err);
    } else if (!strpbrk(src, "&<>")) {
        /* No raw tag, no partial, no markup of its own: any '<' or '>' in
         * the output would be a value that escaped unescaped. */
        FUZZ_CHECK(!strpbrk(buf_str(&out), "<>"), "unescaped value in output: %s", buf_str(&out));
    }
    buf_free(&out);
    free(src);
    return 0;
}
