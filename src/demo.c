/* demo.c - demo content for a fresh site (`hoidong demo` / `--remove`).
 *
 * What it loads, in one transaction:
 *   - settings: site name and subtitle, SAMPLE contact data (address,
 *     phone, e-mail: placeholders a deployment replaces; `demo --remove`
 *     deletes them while they still hold the sample values) and
 *     demo_loaded = '1';
 *   - the portal's category structure (real structure: is_sample = 0);
 *   - units and councils (council_demo.c): Hanoi's administrative units
 *     before and after 1 July 2025 with the succession map, the councils
 *     they had (real structure), and sample terms, bodies and delegates;
 *   - the articles of demo/articles.txt (format documented at its top): the
 *     real article of the seed page (is_sample = 0) with the summary of
 *     Đề án 15-ĐA/TU attached (demo/de-an-15-DA-TU-tom-tat.docx), and the
 *     invented ones (is_sample = 1), some with a tiny PDF generated here.
 *
 * Why not article_save()/attachment_add(): each opens its own transaction
 * and SQLite transactions do not nest, while the demo must load all or
 * nothing.  So the rows are written here with the same shape content.c
 * gives them (article + revision 1 + search entry; attachment + "document"
 * search entry when it has a number) and one audit row for the whole load.
 * The file store (store_put_mem) and db_fts_put work inside a transaction.
 *
 * Messages in err are for the operator at the command line (English, as
 * the other command-line messages). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "buf.h"
#include "content.h"
#include "council_demo.h"
#include "programme_demo.h"
#include "petition_demo.h"
#include "report_demo.h"
#include "supervision_demo.h"
#include "demo.h"
#include "engage_comment.h"
#include "engage_rating.h"
#include "log.h"
#include "tmpl.h"
#include "vn.h"

#define DEMO_ARTICLES "demo/articles.txt"
#define DEMO_MAX_FILE (20u << 20)

/* ------------------------------------------------------------ static data */

/* Top-level categories in menu order, then children (parent given by slug). */
static const struct {
    const char *slug, *name, *parent, *description;
    int position;
} demo_categories[] = {
    {"tin-tuc-su-kien", "Tin tức – Sự kiện", NULL,
     "Tin tức, sự kiện về hoạt động của Đoàn ĐBQH và HĐND các cấp thành phố Hà Nội.", 1},
    {"hoat-dong-hdnd", "Hoạt động HĐND", NULL,
     "Hoạt động của HĐND Thành phố, Thường trực HĐND, các Ban, Tổ đại biểu và đại biểu HĐND.", 2},
    {"ky-hop", "Kỳ họp", NULL, "Các kỳ họp thường lệ, chuyên đề của HĐND Thành phố.", 3},
    {"giam-sat", "Giám sát", NULL,
     "Giám sát chuyên đề, khảo sát, phiên giải trình và theo dõi kiến nghị sau giám sát.", 4},
    {"tiep-xuc-cu-tri", "Tiếp xúc cử tri", NULL,
     "Tiếp xúc cử tri, tiếp công dân và kết quả giải quyết ý kiến, kiến nghị của cử tri.", 5},
    {"van-ban", "Văn bản", NULL, "Nghị quyết, đề án, kế hoạch và các văn bản khác.", 6},
    {"hoat-dong-doan-dbqh", "Đoàn ĐBQH", NULL,
     "Hoạt động của Đoàn đại biểu Quốc hội thành phố Hà Nội.", 7},
    {"thuong-truc-hdnd", "Thường trực HĐND", "hoat-dong-hdnd",
     "Hoạt động của Thường trực HĐND Thành phố.", 1},
    {"cac-ban-hdnd", "Các Ban HĐND", "hoat-dong-hdnd",
     "Hoạt động của Ban Pháp chế, Ban Kinh tế – Ngân sách, Ban Văn hóa – Xã hội và Ban Đô thị.", 2},
};

/* Settings written only when absent (an administrator's value wins).  The
 * contact data is SAMPLE data (the same placeholders the portal falls back
 * to, see page_portal.c): a deployment sets its own. */
static const struct {
    const char *key, *value;
} demo_settings[] = {
    {"site_name", "Đoàn đại biểu Quốc hội và Hội đồng nhân dân thành phố Hà Nội"},
    {"site_subtitle", "Trang thông tin điện tử"},
    {"site_address", "Số 12 Lê Lai, phường Hoàn Kiếm, Hà Nội"},
    {"site_phone", "024 3825 0000"},
    {"site_email", "banbientap@hdnd-hanoi.example"},
};
/* The sample ones among them, removed by demo_remove while unchanged. */
static const size_t demo_settings_sample_from = 2;

/* ---------------------------------------------------------------- errors */

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* ------------------------------------------------------ articles.txt parser */

typedef struct DemoRec {
    const char *category, *title, *slug, *author, *date, *summary;
    const char *attach, *attach_name, *attach_title, *doc_number, *doc_date, *pdf;
    const char *body;
    int featured, sample;
    int line;       /* line of the record's "====", for messages */
} DemoRec;

/* Store value v for key k in r; 0, or -1 for an unknown key. */
static int rec_set(DemoRec *r, const char *k, const char *v)
{
    static const struct { const char *key; size_t off; } keys[] = {
        {"category", offsetof(DemoRec, category)},   {"title", offsetof(DemoRec, title)},
        {"slug", offsetof(DemoRec, slug)},           {"author", offsetof(DemoRec, author)},
        {"date", offsetof(DemoRec, date)},           {"summary", offsetof(DemoRec, summary)},
        {"attach", offsetof(DemoRec, attach)},       {"attach_name", offsetof(DemoRec, attach_name)},
        {"attach_title", offsetof(DemoRec, attach_title)},
        {"doc_number", offsetof(DemoRec, doc_number)},
        {"doc_date", offsetof(DemoRec, doc_date)},   {"pdf", offsetof(DemoRec, pdf)},
    };
    if (strcmp(k, "featured") == 0) { r->featured = strcmp(v, "1") == 0; return 0; }
    if (strcmp(k, "sample") == 0) { r->sample = strcmp(v, "0") != 0; return 0; }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(k, keys[i].key) == 0) {
            *(const char **)((char *)r + keys[i].off) = v;
            return 0;
        }
    return -1;
}

/* Drop leading and trailing blank lines of a body being built. */
static const char *body_finish(Arena *a, Buf *b)
{
    const char *s = buf_str(b);
    while (*s == '\n') s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '\n') n--;
    return arena_strndup(a, s, n);
}

/* Parse the articles file (text, NUL-terminated) into *out / *count, all in
 * the arena.  Returns 0, or -1 with err naming the line. */
static int demo_parse(Arena *a, const char *text, DemoRec **out, size_t *count, char *err,
                      size_t errlen)
{
    size_t cap = 1;
    for (const char *p = text; (p = strstr(p, "\n====")) != NULL; p++) cap++;
    DemoRec *recs = arena_alloc(a, cap * sizeof *recs);
    size_t n = 0;
    char *s = arena_strdup(a, text);
    enum { PREAMBLE, HEADER, BODY } state = PREAMBLE;
    DemoRec *cur = NULL;
    Buf body;
    buf_init(&body, a);
    int lineno = 0;
    for (char *line = s; line; ) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        lineno++;
        size_t len = strlen(line);
        while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (strcmp(line, "====") == 0) {
            if (cur && state == BODY) cur->body = body_finish(a, &body);
            if (n >= cap) return fail(err, errlen, "%s:%d: too many records", DEMO_ARTICLES, lineno);
            cur = &recs[n++];
            memset(cur, 0, sizeof *cur);
            cur->sample = 1;
            cur->line = lineno;
            buf_reset(&body);
            state = HEADER;
        } else if (state == PREAMBLE) {
            if (len > 0 && line[0] != '#')
                return fail(err, errlen, "%s:%d: text before the first record", DEMO_ARTICLES,
                            lineno);
        } else if (state == HEADER) {
            if (len == 0) {
                state = BODY;
            } else {
                char *colon = strstr(line, ": ");
                if (!colon)
                    return fail(err, errlen, "%s:%d: expected \"key: value\"", DEMO_ARTICLES, lineno);
                *colon = '\0';
                if (rec_set(cur, line, colon + 2) != 0)
                    return fail(err, errlen, "%s:%d: unknown key \"%s\"", DEMO_ARTICLES, lineno, line);
            }
        } else {
            buf_puts(&body, line);
            buf_putc(&body, '\n');
        }
        line = nl ? nl + 1 : NULL;
    }
    if (cur && state == BODY) cur->body = body_finish(a, &body);
    for (size_t i = 0; i < n; i++) {
        DemoRec *r = &recs[i];
        if (!r->category || !r->title || !r->date || !r->body || !*r->body)
            return fail(err, errlen, "%s:%d: category, title, date and a body are required",
                        DEMO_ARTICLES, r->line);
        if (r->attach && !r->attach_name)
            return fail(err, errlen, "%s:%d: attach needs attach_name", DEMO_ARTICLES, r->line);
        if (r->attach && strcmp(r->attach, "pdf") == 0 && !r->pdf)
            return fail(err, errlen, "%s:%d: attach: pdf needs a pdf key", DEMO_ARTICLES, r->line);
    }
    *out = recs;
    *count = n;
    return 0;
}

/* ------------------------------------------------------------ tiny PDFs */

/* Append one PDF text line as a string operand: printable ASCII only (the
 * built-in Helvetica has no Vietnamese glyphs), ( ) \ escaped. */
static void pdf_text(Buf *b, const char *s, size_t n)
{
    buf_putc(b, '(');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '(' || c == ')' || c == '\\') buf_putc(b, '\\');
        buf_putc(b, c >= 0x20 && c < 0x7f ? (char)c : '?');
    }
    buf_puts(b, ") Tj T*\n");
}

/* A valid one-page PDF 1.4 showing the lines of spec (separated by " | ",
 * wrapped at 80 characters).  No dates or ids inside, so the same spec
 * gives the same bytes (and one stored file). */
static void pdf_build(Buf *out, Arena *a, const char *spec)
{
    Buf content;
    buf_init(&content, a);
    buf_puts(&content, "BT\n/F1 12 Tf\n16 TL\n72 770 Td\n");
    const char *p = spec;
    for (;;) {
        const char *sep = strstr(p, " | ");
        size_t n = sep ? (size_t)(sep - p) : strlen(p);
        if (n == 0) buf_puts(&content, "T*\n");
        while (n > 0) {
            size_t k = n;
            if (k > 80) {
                k = 80;
                while (k > 0 && p[k] != ' ') k--;
                if (k == 0) k = 80;
            }
            pdf_text(&content, p, k);
            p += k;
            n -= k;
            while (n > 0 && *p == ' ') { p++; n--; }
        }
        if (!sep) break;
        p = sep + 3;
    }
    buf_puts(&content, "ET\n");

    long off[6];
    buf_puts(out, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    off[1] = (long)out->len;
    buf_puts(out, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    off[2] = (long)out->len;
    buf_puts(out, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    off[3] = (long)out->len;
    buf_puts(out, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                  "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>\nendobj\n");
    off[4] = (long)out->len;
    buf_puts(out, "4 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                  "/Encoding /WinAnsiEncoding >>\nendobj\n");
    off[5] = (long)out->len;
    buf_printf(out, "5 0 obj\n<< /Length %zu >>\nstream\n", content.len);
    buf_append(out, content.data, content.len);
    buf_puts(out, "endstream\nendobj\n");
    long xref = (long)out->len;
    buf_puts(out, "xref\n0 6\n0000000000 65535 f \n");
    for (int i = 1; i <= 5; i++) buf_printf(out, "%010ld 00000 n \n", off[i]);
    buf_printf(out, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", xref);
}

/* ------------------------------------------------------------ loading */

/* Category id by slug; 0 when absent. */
static int64_t category_id(Db *db, const char *slug)
{
    return db_int(db, 0, "SELECT id FROM categories WHERE slug = ?1", "t", slug);
}

static int load_settings(Db *db)
{
    for (size_t i = 0; i < sizeof demo_settings / sizeof demo_settings[0]; i++)
        if (db_exec(db, "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                        "ON CONFLICT (key) DO NOTHING",
                    "tt", demo_settings[i].key, demo_settings[i].value) != DB_OK)
            return -1;
    return db_exec(db, "INSERT INTO settings (key, value) VALUES ('demo_loaded', '1') "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value", "") == DB_OK
               ? 0 : -1;
}

static int load_categories(Db *db)
{
    for (size_t i = 0; i < sizeof demo_categories / sizeof demo_categories[0]; i++) {
        int64_t parent = demo_categories[i].parent ? category_id(db, demo_categories[i].parent) : 0;
        Stmt *st = db_prepare(db,
            "INSERT INTO categories (parent_id, name, slug, description, position, in_menu, is_sample) "
            "VALUES (?1, ?2, ?3, ?4, ?5, 1, 0) ON CONFLICT (slug) DO NOTHING");
        if (!st) return -1;
        db_bindf(st, "nttti", demo_categories[i].name, demo_categories[i].slug,
                 demo_categories[i].description, demo_categories[i].position);
        if (parent > 0) db_bind_int(st, 1, parent);
        int rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE) return -1;
    }
    return 0;
}

/* The slug an article record gets: its explicit slug or one from the title. */
static const char *rec_slug(Arena *a, const DemoRec *r)
{
    return vn_slug(a, r->slug ? r->slug : r->title, 120);
}

/* Write one attachment for article id from record r. */
static int load_attachment(Db *db, Arena *a, const char *files_dir, const DemoRec *r, int64_t id,
                           const char *title, int64_t now, char *err, size_t errlen)
{
    const void *data;
    size_t len;
    if (strcmp(r->attach, "pdf") == 0) {
        Buf pdf;
        buf_init(&pdf, a);
        pdf_build(&pdf, a, r->pdf);
        data = pdf.data;
        len = pdf.len;
    } else {
        const EmbeddedFile *f = embedded_find(r->attach);
        if (!f)
            return fail(err, errlen, "%s:%d: %s is not embedded in this build", DEMO_ARTICLES,
                        r->line, r->attach);
        data = f->data;
        len = f->len;
    }
    const char *e = NULL;
    int64_t file_id = store_put_mem(db, a, files_dir, data, len, DEMO_MAX_FILE, &e);
    if (file_id <= 0)
        return fail(err, errlen, "%s:%d: cannot store %s: %s", DEMO_ARTICLES, r->line, r->attach,
                    e ? e : "?");
    const char *fname = vn_nfc(a, r->attach_name);
    if (!fname || strchr(fname, '/') || strchr(fname, '\\'))
        return fail(err, errlen, "%s:%d: bad attach_name", DEMO_ARTICLES, r->line);
    const char *atitle = r->attach_title ? vn_clean(a, r->attach_title) : title;
    const char *num = r->doc_number ? vn_clean(a, r->doc_number) : "";
    if (!atitle || !num) return fail(err, errlen, "%s:%d: bad attachment text", DEMO_ARTICLES, r->line);
    int64_t issued = 0;
    if (r->doc_date && vn_parse_datetime(r->doc_date, &issued) != 0)
        return fail(err, errlen, "%s:%d: bad doc_date", DEMO_ARTICLES, r->line);
    Stmt *st = db_prepare(db,
        "INSERT INTO attachments (article_id, file_id, filename, title, doc_number, issued_at, "
        "position, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7)");
    if (!st) return fail(err, errlen, "database error: %s", db_errmsg(db));
    db_bindf(st, "lltttnl", id, file_id, fname, atitle, num, now);
    if (issued > 0) db_bind_int(st, 6, issued);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE) return fail(err, errlen, "cannot write attachment: %s", db_errmsg(db));
    int64_t att = db_last_id(db);
    /* Same search entry attachment_add() makes for a numbered document. */
    if (*num && db_fts_put(db, "document", att, atitle, arena_printf(a, "%s %s", num, fname)) != DB_OK)
        return fail(err, errlen, "cannot index attachment: %s", db_errmsg(db));
    return 0;
}

/* Write one article (and its attachment) from record r. */
static int load_article(Db *db, Arena *a, const char *files_dir, const DemoRec *r, int64_t now,
                        char *err, size_t errlen)
{
    int64_t cat = category_id(db, r->category);
    if (cat <= 0)
        return fail(err, errlen, "%s:%d: unknown category %s", DEMO_ARTICLES, r->line, r->category);
    int64_t pub = 0;
    if (vn_parse_datetime(r->date, &pub) != 0)
        return fail(err, errlen, "%s:%d: bad date %s", DEMO_ARTICLES, r->line, r->date);
    const char *title = vn_clean(a, r->title);
    const char *summary = vn_clean(a, r->summary ? r->summary : "");
    const char *body = vn_clean(a, r->body);
    const char *author = vn_clean(a, r->author ? r->author : "");
    if (!title || !summary || !body || !author || !*title || vn_char_count(title) > 300 ||
        vn_char_count(summary) > 1000 || vn_char_count(author) > 200)
        return fail(err, errlen, "%s:%d: title, summary or author invalid or too long",
                    DEMO_ARTICLES, r->line);
    /* A slug already taken (a real article with the same title) gets -2, -3 ... */
    const char *base = rec_slug(a, r), *slug = base;
    for (int k = 2; db_int(db, -1, "SELECT COUNT(*) FROM articles WHERE slug = ?1", "t", slug) != 0;
         k++) {
        if (k > 100) return fail(err, errlen, "%s:%d: no free slug", DEMO_ARTICLES, r->line);
        slug = arena_printf(a, "%s-%d", base, k);
    }
    const char *status = pub <= now ? "published" : "scheduled";
    int64_t created = pub < now ? pub : now;
    Stmt *st = db_prepare(db,
        "INSERT INTO articles (category_id, title, slug, summary, body, author, status, "
        "published_at, featured, created_at, updated_at, revision, is_sample) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, 1, ?11)");
    if (!st) return fail(err, errlen, "database error: %s", db_errmsg(db));
    db_bindf(st, "lttttttlili", cat, title, slug, summary, body, author, status, pub,
             /* the real (non-sample) featured article, the seed, is pinned as the lead story */
             r->featured ? (r->sample ? 1 : 2) : 0, created, r->sample ? 1 : 0);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE) return fail(err, errlen, "cannot write article: %s", db_errmsg(db));
    int64_t id = db_last_id(db);
    if (db_exec(db,
                "INSERT INTO article_revisions (article_id, revision, title, summary, body, "
                "author, status, edited_by, edited_at) VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6, NULL, ?7)",
                "ltttttl", id, title, summary, body, author, status, created) != DB_OK)
        return fail(err, errlen, "cannot write revision: %s", db_errmsg(db));
    /* Same search entry as content.c: title, then summary and body. */
    if (db_fts_put(db, "article", id, title, arena_printf(a, "%s\n\n%s", summary, body)) != DB_OK)
        return fail(err, errlen, "cannot index article: %s", db_errmsg(db));
    if (r->attach) return load_attachment(db, a, files_dir, r, id, title, now, err, errlen);
    return 0;
}

/* ------------------------------------- polls, links, visit statistics (demo_engage) */

/* SAMPLE engagement data (engage_poll.c, stats.c), loaded in the demo's
 * transaction:
 *  - the seed page's poll, open, with INVENTED votes totalling 715 voters
 *    (poll_voters rows with random keys, so the counts stay consistent with
 *    the table), and an older closed multiple-choice poll: both is_sample;
 *  - the "Liên kết website" block: real public sites (is_sample = 0, like
 *    the categories), written only when the site has no links yet;
 *  - INVENTED visit history for the 60 days before the load day in
 *    stats_daily and stats_article_daily (plausible numbers from a fixed
 *    formula of the day, so demo_remove can recognise untouched rows), and
 *    settings stats_base_total chosen so the all-time total reads
 *    4.922.512 right after loading, as on the seed page.  The operator sets
 *    the real starting total on /quan-tri/thong-ke. */

#define DEMO_STATS_DAYS 60
#define DEMO_STATS_TOTAL 4922512

static const struct { const char *name, *url; } demo_links[] = {
    {"Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam", "https://quochoi.vn"},
    {"Cổng Thông tin điện tử Chính phủ", "https://chinhphu.vn"},
    {"Cổng Giao tiếp điện tử thành phố Hà Nội", "https://hanoi.gov.vn"},
    {"Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn"},
    {"Cơ sở dữ liệu quốc gia về văn bản pháp luật", "https://vbpl.vn"},
    {"Báo Đại biểu Nhân dân", "https://daibieunhandan.vn"},
    {"Báo Hànộimới", "https://hanoimoi.vn"},
};

/* One demo poll with its options and invented counts. */
static int demo_poll(Db *db, const char *question, int multiple, const char *status,
                     int64_t opens, int64_t closes, int64_t voters,
                     const char *const *labels, const int64_t *votes, int n)
{
    Stmt *st = db_prepare(db,
        "INSERT INTO polls (question, multiple, opens_at, closes_at, status, voters, created_at, "
        "updated_at, is_sample) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 1)");
    if (!st) return -1;
    db_bindf(st, "tilltll", question, multiple, opens, closes, status, voters, opens);
    if (closes <= 0) db_bind_null(st, 4);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE) return -1;
    int64_t id = db_last_id(db);
    for (int i = 0; i < n; i++)
        if (db_exec(db, "INSERT INTO poll_options (poll_id, label, position, votes) VALUES (?1, ?2, ?3, ?4)",
                    "ltil", id, labels[i], i + 1, votes[i]) != DB_OK)
            return -1;
    /* One voter row per counted voter, with random keys: they match no
     * real visitor, and the table agrees with polls.voters. */
    for (int64_t v = 0; v < voters; v++) {
        unsigned char k[32];
        char hex[65];
        randombytes_buf(k, sizeof k);
        sodium_bin2hex(hex, sizeof hex, k, sizeof k);
        if (db_exec(db, "INSERT INTO poll_voters (poll_id, visitor) VALUES (?1, ?2)", "lt", id, hex) != DB_OK)
            return -1;
    }
    return 0;
}

/* Invented views and visitors of local day `day` (yyyymmdd) whose start is
 * t: weekdays busier than weekends, a fixed pseudo-random spread. */
static void demo_day_counts(int day, int64_t t, int64_t *views, int64_t *visitors)
{
    uint32_t h = (uint32_t)day * 2654435761u;
    h ^= h >> 15;
    h *= 2246822519u;
    h ^= h >> 13;
    int weekday = (int)(((t + 7 * 3600) / 86400 + 4) % 7);   /* 0 = Sunday */
    int64_t v = 1400 + (int64_t)(h % 1100);
    if (weekday == 0 || weekday == 6) v = v * 55 / 100;
    *views = v;
    *visitors = v * (38 + (int64_t)(h >> 24) % 12) / 100;
}

/* Invented views of the k-th most popular sample article on a day. */
static int64_t demo_article_views(int day, int k, int64_t day_views)
{
    uint32_t h = (uint32_t)day * 40503u + (uint32_t)k * 2654435761u;
    h ^= h >> 16;
    return day_views / (12 + 4 * k) + (int64_t)(h % 17);
}

static int load_engage(Db *db, Arena *a, int64_t now, char *err, size_t errlen)
{
    static const char *const q1[] = {"Rất hữu ích", "Hữu ích", "Bình thường", "Chưa hữu ích"};
    static const int64_t v1[] = {318, 241, 109, 47};                 /* 715 voters */
    static const char *const q2[] = {"Kỳ họp HĐND Thành phố", "Hoạt động giám sát",
                                     "Tiếp xúc cử tri, tiếp công dân", "Văn bản, nghị quyết"};
    static const int64_t v2[] = {263, 181, 214, 149};                /* 428 voters, several choices each */
    int64_t day0 = vn_day_start(now);
    if (demo_poll(db, "Bạn quan tâm nhất đến những nội dung nào trên trang thông tin điện tử?", 1,
                  "closed", day0 - 200 * 86400 + 8 * 3600, day0 - 120 * 86400 + 17 * 3600, 428,
                  q2, v2, 4) != 0 ||
        demo_poll(db, "Đánh giá của bạn về trang thông tin điện tử đoàn ĐBQH và HĐND thành phố Hà Nội", 0,
                  "open", day0 - 90 * 86400 + 8 * 3600, 0, 715, q1, v1, 4) != 0)
        return fail(err, errlen, "cannot write demo polls: %s", db_errmsg(db));

    int64_t nlinks = db_int(db, -1, "SELECT COUNT(*) FROM links", "");
    if (nlinks < 0) return fail(err, errlen, "cannot read links: %s", db_errmsg(db));
    for (size_t i = 0; nlinks == 0 && i < sizeof demo_links / sizeof demo_links[0]; i++)
        if (db_exec(db, "INSERT INTO links (name, url, position, is_sample) VALUES (?1, ?2, ?3, 0)",
                    "tti", demo_links[i].name, demo_links[i].url, (int)i + 1) != DB_OK)
            return fail(err, errlen, "cannot write links: %s", db_errmsg(db));

    /* The most recent published sample articles get the article views. */
    int64_t arts[8];
    int narts = 0;
    Stmt *st = db_prepare(db, "SELECT id FROM articles WHERE is_sample = 1 AND status = 'published' "
                              "ORDER BY published_at DESC, id DESC LIMIT 8");
    if (!st) return fail(err, errlen, "cannot read articles: %s", db_errmsg(db));
    while (db_step(st) == DB_ROW && narts < 8) arts[narts++] = db_col_int(st, 0);
    db_done(st);
    for (int k = DEMO_STATS_DAYS; k >= 1; k--) {
        int64_t t = day0 - (int64_t)k * 86400;
        int day = vn_day_number(t);
        int64_t views, visitors;
        demo_day_counts(day, t, &views, &visitors);
        if (db_exec(db, "INSERT INTO stats_daily (day, views, visitors) VALUES (?1, ?2, ?3) "
                        "ON CONFLICT (day) DO NOTHING", "ill", day, views, visitors) != DB_OK)
            return fail(err, errlen, "cannot write demo statistics: %s", db_errmsg(db));
        for (int i = 0; i < narts; i++)
            if (db_exec(db, "INSERT INTO stats_article_daily (day, article_id, views) VALUES (?1, ?2, ?3) "
                            "ON CONFLICT (day, article_id) DO NOTHING",
                        "ill", day, arts[i], demo_article_views(day, i, views)) != DB_OK)
                return fail(err, errlen, "cannot write demo statistics: %s", db_errmsg(db));
    }
    int64_t stored = db_int(db, -1, "SELECT COALESCE(SUM(views), 0) FROM stats_daily", "");
    if (stored < 0) return fail(err, errlen, "cannot read statistics: %s", db_errmsg(db));
    int64_t base = stored < DEMO_STATS_TOTAL ? DEMO_STATS_TOTAL - stored : 0;
    if (db_exec(db, "INSERT INTO settings (key, value) VALUES ('stats_base_total', ?1) "
                    "ON CONFLICT (key) DO NOTHING", "t", arena_printf(a, "%lld", (long long)base)) != DB_OK ||
        db_exec(db, "INSERT INTO settings (key, value) VALUES ('demo_stats', ?1) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value", "t",
                arena_printf(a, "%d %d %lld", vn_day_number(day0 - DEMO_STATS_DAYS * 86400),
                             vn_day_number(day0 - 86400), (long long)base)) != DB_OK)
        return fail(err, errlen, "cannot write statistics settings: %s", db_errmsg(db));
    return 0;
}

/* Undo load_engage inside demo_remove's transaction: the sample polls
 * (options and voters cascade by hand, foreign keys may be off), the
 * history rows that still hold exactly the invented numbers, the views of
 * sample articles, and stats_base_total while it is still the demo's.
 * The links stay (real sites, like the categories).  0 or -1. */
static int remove_engage(Db *db, Arena *a)
{
    if (db_exec(db, "DELETE FROM poll_voters WHERE poll_id IN (SELECT id FROM polls WHERE is_sample = 1)", "") != DB_OK ||
        db_exec(db, "DELETE FROM poll_options WHERE poll_id IN (SELECT id FROM polls WHERE is_sample = 1)", "") != DB_OK ||
        db_exec(db, "DELETE FROM polls WHERE is_sample = 1", "") != DB_OK ||
        db_exec(db, "DELETE FROM stats_article_daily WHERE article_id IN "
                    "(SELECT id FROM articles WHERE is_sample = 1)", "") != DB_OK)
        return -1;
    char *spec = db_text(db, a, "SELECT value FROM settings WHERE key = 'demo_stats'", "");
    int first = 0, last = 0;
    long long base = -1;
    if (spec && sscanf(spec, "%d %d %lld", &first, &last, &base) == 3) {
        int64_t t = vn_day_start((int64_t)time(NULL));
        /* Walk back from today to the first demo day (at most a few years). */
        for (int guard = 0; guard < 4000 && vn_day_number(t) >= first; guard++, t -= 86400) {
            int day = vn_day_number(t);
            if (day > last) continue;
            int64_t views, visitors;
            demo_day_counts(day, t, &views, &visitors);
            if (db_exec(db, "DELETE FROM stats_daily WHERE day = ?1 AND views = ?2 AND visitors = ?3",
                        "ill", day, views, visitors) != DB_OK)
                return -1;
        }
        if (db_exec(db, "DELETE FROM settings WHERE key = 'stats_base_total' AND value = ?1", "t",
                    arena_printf(a, "%lld", base)) != DB_OK)
            return -1;
    }
    return db_exec(db, "DELETE FROM settings WHERE key = 'demo_stats'", "") == DB_OK ? 0 : -1;
}

/* ------------------------------------------------ ratings and comments */
/* Demo reader engagement (issue 3): star ratings on a few articles (the
 * seed article: 37 ratings averaging 4,5), approved readers' comments with
 * staff replies, and a few pending ones for the moderation queue.  All
 * invented, is_sample = 1; rating visitor keys are "mau-..." (real keys
 * are 64 hex digits, so they never collide).  Articles are found by title;
 * one that is missing is skipped.  Written with plain INSERTs because the
 * model's functions open their own transactions (see the top of file). */

static const struct {
    const char *title;              /* NULL: the real (seed) article */
    int stars[5];                   /* how many ratings of 1..5 stars */
} demo_ratings[] = {
    {NULL, {0, 1, 3, 10, 23}},                                                    /* 37, 4,5 */
    {"Hà Nội chính thức thực hiện thí điểm mô hình chính quyền đô thị", {0, 0, 2, 4, 6}},
    {"Cử tri kiến nghị giải quyết dứt điểm tình trạng úng ngập cục bộ", {1, 1, 3, 7, 9}},
    {"Chất vấn về quản lý, sử dụng quỹ nhà tái định cư", {0, 0, 1, 2, 5}},
};

static const struct {
    const char *title;              /* NULL: the seed article */
    int hours;                      /* after the article's publication */
    const char *name, *email, *body;
    const char *status;             /* pending / approved */
    int reply_to;                   /* 1-based index of the comment answered (staff reply), 0 none */
} demo_comments[] = {
    /* 1 */ {NULL, 20, "Nguyễn Văn Hùng", "hung.nv@example.vn",
             "Đề án rất thiết thực. Mong Thành phố công khai kết quả thực hiện từng năm "
             "để cử tri tiện theo dõi.", "approved", 0},
    /* 2 */ {NULL, 44, "Ban biên tập", "",
             "Xin cảm ơn ông đã quan tâm. Kết quả sơ kết, tổng kết việc thực hiện Đề án sẽ "
             "được cập nhật trên Trang thông tin điện tử khi được công bố.", "approved", 1},
    /* 3 */ {NULL, 30, "Trần Thị Mai", "",
             "Tôi đánh giá cao nội dung nâng cao chất lượng tiếp xúc cử tri.\n"
             "Đề nghị bố trí thêm buổi tiếp xúc cử tri vào cuối tuần để người đi làm "
             "có thể tham dự.", "approved", 0},
    /* 4 */ {NULL, 52, "Lê Minh Tuấn", "",
             "Bài viết tóm tắt rõ ràng, dễ hiểu. Xin cảm ơn Ban biên tập.", "approved", 0},
    /* 5 */ {NULL, 75, "Phạm Thu Hà", "",
             "Đề nghị đăng kèm văn bản Đề án để người dân tiện tra cứu.", "approved", 0},
    /* 6 */ {NULL, 80, "Ban biên tập", "",
             "Cảm ơn bạn. Bản tóm tắt Đề án số 15-ĐA/TU đã được đính kèm ở cuối bài viết.",
             "approved", 5},
    /* 7 */ {"Hà Nội chính thức thực hiện thí điểm mô hình chính quyền đô thị", 26,
             "Hoàng Văn Nam", "",
             "Mô hình chính quyền đô thị cần đi kèm việc tăng cường giám sát của HĐND "
             "và của cử tri.", "approved", 0},
    /* 8 */ {"Cử tri kiến nghị giải quyết dứt điểm tình trạng úng ngập cục bộ", 12,
             "Đỗ Thị Lan", "",
             "Khu dân cư chúng tôi vẫn còn ngập mỗi khi mưa lớn. Mong các cơ quan chức năng "
             "sớm có giải pháp.", "approved", 0},
    /* 9 */ {"Cử tri kiến nghị giải quyết dứt điểm tình trạng úng ngập cục bộ", 36,
             "Vũ Đức Thắng", "",
             "Đề nghị HĐND Thành phố giám sát tiến độ cải tạo hệ thống thoát nước tại các "
             "tuyến phố thường xuyên bị ngập.", "pending", 0},
    /* 10 */ {NULL, 100, "Ngô Thanh Bình", "binh.nt@example.vn",
             "Xin hỏi khi nào có lịch tiếp xúc cử tri của Tổ đại biểu tại phường tôi?",
             "pending", 0},
    /* 11 */ {"Chất vấn về quản lý, sử dụng quỹ nhà tái định cư", 8, "Khách", "",
             "Xem thêm tại http://quang-cao.example và http://khuyen-mai.example", "pending", 0},
};

/* Id and publication time of the article with title (NULL: the first real
 * article, i.e. the seed).  0 when absent. */
static int64_t demo_article(Db *db, const char *title, int64_t *pub)
{
    Stmt *st = db_prepare(db, title
        ? "SELECT id, COALESCE(published_at, created_at) FROM articles WHERE title = ?1 ORDER BY id LIMIT 1"
        : "SELECT id, COALESCE(published_at, created_at) FROM articles WHERE is_sample = 0 ORDER BY id LIMIT 1");
    if (!st) return -1;
    if (title) db_bind_text(st, 1, title);
    int64_t id = 0;
    if (db_step(st) == DB_ROW) {
        id = db_col_int(st, 0);
        *pub = db_col_int(st, 1);
    }
    db_done(st);
    return id;
}

static int load_ratings_comments(Db *db, int64_t now, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof demo_ratings / sizeof demo_ratings[0]; i++) {
        int64_t pub = 0, art = demo_article(db, demo_ratings[i].title, &pub);
        if (art < 0) return fail(err, errlen, "database error: %s", db_errmsg(db));
        if (art == 0) continue;
        int n = 0;
        for (int stars = 1; stars <= 5; stars++) {
            for (int k = 0; k < demo_ratings[i].stars[stars - 1]; k++, n++) {
                char key[64];
                snprintf(key, sizeof key, "mau-%lld-%d", (long long)art, n);
                int64_t t = pub + 3600 * (int64_t)(n + 1);
                if (t > now) t = now;
                if (db_exec(db, "INSERT INTO ratings (article_id, visitor, stars, created_at, "
                                "updated_at, is_sample) VALUES (?1, ?2, ?3, ?4, ?4, 1) "
                                "ON CONFLICT (article_id, visitor) DO NOTHING",
                            "ltil", art, key, stars, t) != DB_OK)
                    return fail(err, errlen, "cannot write ratings: %s", db_errmsg(db));
            }
        }
    }
    if (rating_totals_rebuild(db) != 0)
        return fail(err, errlen, "cannot write rating totals: %s", db_errmsg(db));

    int64_t ids[sizeof demo_comments / sizeof demo_comments[0]] = {0};
    for (size_t i = 0; i < sizeof demo_comments / sizeof demo_comments[0]; i++) {
        int64_t pub = 0, art = demo_article(db, demo_comments[i].title, &pub);
        if (art < 0) return fail(err, errlen, "database error: %s", db_errmsg(db));
        int reply = demo_comments[i].reply_to;
        if (art == 0 || (reply && !ids[reply - 1])) continue;
        int64_t t = pub + 3600 * (int64_t)demo_comments[i].hours;
        if (t > now) t = now;
        int approved = !strcmp(demo_comments[i].status, "approved");
        const char *flags = comment_count_links(demo_comments[i].body) >= COMMENT_LINKS_HOLD ? "links" : "";
        Stmt *st = db_prepare(db,
            "INSERT INTO comments (article_id, parent_id, name, email, body, status, flags, "
            "is_staff, created_at, moderated_at, is_sample) "
            "VALUES (?1, NULLIF(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULLIF(?10, 0), 1)");
        if (!st) return fail(err, errlen, "database error: %s", db_errmsg(db));
        db_bindf(st, "lltttttill", art, reply ? ids[reply - 1] : (int64_t)0, demo_comments[i].name,
                 demo_comments[i].email, demo_comments[i].body, demo_comments[i].status, flags,
                 reply ? 1 : 0, t, approved ? t : (int64_t)0);
        int rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE) return fail(err, errlen, "cannot write comments: %s", db_errmsg(db));
        ids[i] = db_last_id(db);
    }
    return 0;
}

int demo_load(Db *db, const char *files_dir, int64_t now, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    const EmbeddedFile *f = embedded_find(DEMO_ARTICLES);
    if (!f) return fail(err, errlen, "%s is not embedded in this build", DEMO_ARTICLES);
    Arena *a = arena_new();
    int ret = -1;
    DemoRec *recs = NULL;
    size_t n = 0;
    if (demo_parse(a, arena_strndup(a, (const char *)f->data, f->len), &recs, &n, err, errlen) != 0)
        goto out;
    const DemoRec *seed = NULL;
    for (size_t i = 0; i < n && !seed; i++)
        if (!recs[i].sample) seed = &recs[i];
    if (!seed) { fail(err, errlen, "%s has no real (sample: 0) article", DEMO_ARTICLES); goto out; }
    int64_t exists = db_int(db, -1, "SELECT COUNT(*) FROM articles WHERE slug = ?1", "t",
                            rec_slug(a, seed));
    if (exists < 0) { fail(err, errlen, "database error: %s", db_errmsg(db)); goto out; }
    if (exists > 0) {
        /* Articles already loaded (perhaps by a version without councils):
         * the council part is idempotent and may still be missing. */
        if (db_begin(db) != DB_OK) { fail(err, errlen, "cannot begin: %s", db_errmsg(db)); goto out; }
        if (council_demo_load(db, err, errlen) != 0) goto undo;
        if (programme_demo_load(db, err, errlen) != 0) goto undo;
        if (report_demo_load(db, now, err, errlen) != 0) goto undo;
        if (petition_demo_load(db, now, err, errlen) != 0) goto undo;
        if (supervision_demo_load(db, now, err, errlen) != 0) goto undo;
        if (db_commit(db) != DB_OK) { fail(err, errlen, "cannot commit: %s", db_errmsg(db)); goto undo; }
        ret = 0;
        goto out;
    }

    if (db_begin(db) != DB_OK) { fail(err, errlen, "cannot begin: %s", db_errmsg(db)); goto out; }
    if (load_settings(db) != 0) { fail(err, errlen, "cannot write settings: %s", db_errmsg(db)); goto undo; }
    if (load_categories(db) != 0) { fail(err, errlen, "cannot write categories: %s", db_errmsg(db)); goto undo; }
    if (council_demo_load(db, err, errlen) != 0) goto undo;   /* units, councils, sample terms */
    if (programme_demo_load(db, err, errlen) != 0) goto undo; /* Đề án 15-ĐA/TU, a commune plan */
    if (report_demo_load(db, now, err, errlen) != 0) goto undo;  /* sơ kết campaigns to the communes */
    if (petition_demo_load(db, now, err, errlen) != 0) goto undo; /* voter meetings and petitions */
    if (supervision_demo_load(db, now, err, errlen) != 0) goto undo; /* a thematic supervision, its recommendations */
    int samples = 0;
    for (size_t i = 0; i < n; i++) {
        if (load_article(db, a, files_dir, &recs[i], now, err, errlen) != 0) goto undo;
        samples += recs[i].sample;
    }
    if (load_engage(db, a, now, err, errlen) != 0) goto undo;   /* polls, links, statistics */
    /* Ratings and comments (page_engage.c's demo data). */
    if (load_ratings_comments(db, now, err, errlen) != 0) goto undo;
    if (audit(db, 0, "demo", now, "demo.load", "site", 0,
              arena_printf(a, "Nạp nội dung minh họa: %zu bài viết (%d bài mẫu)", n, samples)) != 0) {
        fail(err, errlen, "cannot write the audit log: %s", db_errmsg(db));
        goto undo;
    }
    if (db_commit(db) != DB_OK) { fail(err, errlen, "cannot commit: %s", db_errmsg(db)); goto undo; }
    ret = 0;
    goto out;
undo:
    db_rollback(db);
out:
    arena_free(a);
    return ret;
}

/* ------------------------------------------------------------ removing */

/* Ids (first column) of every row sql returns, in the arena; NULL on error. */
static int64_t *collect_ids(Db *db, Arena *a, const char *sql, size_t *count)
{
    size_t n = 0, cap = 16;
    int64_t *ids = arena_alloc(a, cap * sizeof *ids);
    Stmt *st = db_prepare(db, sql);
    if (!st) return NULL;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            ids = arena_realloc(a, ids, cap * sizeof *ids, 2 * cap * sizeof *ids);
            cap *= 2;
        }
        ids[n++] = db_col_int(st, 0);
    }
    db_done(st);
    *count = n;
    return rc == DB_DONE ? ids : NULL;
}

int demo_remove(Db *db, const char *files_dir, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    Arena *a = arena_new();
    int ret = -1;
    size_t nart = 0, natt = 0, nfile = 0;
    const char **gone = NULL;   /* sha256 of files rows deleted: bytes to unlink after commit */
    size_t ngone = 0;
    if (db_begin(db) != DB_OK) { fail(err, errlen, "cannot begin: %s", db_errmsg(db)); goto out; }
    if (remove_engage(db, a) != 0) goto dberr;   /* polls, statistics (demo_engage) */
    if (supervision_demo_remove(db) != 0) goto dberr;  /* the sample supervision and its recommendations */
    if (petition_demo_remove(db) != 0) goto dberr;  /* sample petitions, voter meetings, sessions */
    if (petition_demo_remove_agencies(db) != 0) goto dberr;
    if (report_demo_remove(db) != 0) goto dberr;    /* sample campaigns and their reports */
    if (programme_demo_remove(db) != 0) goto dberr; /* sample tasks and progress (they name sample bodies) */
    if (council_demo_remove(db) != 0) goto dberr;   /* sample terms, bodies, delegates */
    int64_t *arts = collect_ids(db, a, "SELECT id FROM articles WHERE is_sample = 1", &nart);
    int64_t *atts = collect_ids(db, a,
        "SELECT id FROM attachments WHERE article_id IN (SELECT id FROM articles WHERE is_sample = 1)",
        &natt);
    int64_t *files = collect_ids(db, a,
        "SELECT DISTINCT file_id FROM attachments WHERE article_id IN "
        "(SELECT id FROM articles WHERE is_sample = 1) UNION "
        "SELECT cover_file_id FROM articles WHERE is_sample = 1 AND cover_file_id IS NOT NULL",
        &nfile);
    if (!arts || !atts || !files) goto dberr;
    for (size_t i = 0; i < nart; i++)
        if (db_fts_delete(db, "article", arts[i]) != DB_OK) goto dberr;
    for (size_t i = 0; i < natt; i++)
        if (db_fts_delete(db, "document", atts[i]) != DB_OK) goto dberr;
    /* Sample ratings and comments (replies to them go with them), then the
     * rating totals from what is left. */
    if (db_exec(db, "DELETE FROM comments WHERE is_sample = 1", "") != DB_OK ||
        db_exec(db, "DELETE FROM ratings WHERE is_sample = 1", "") != DB_OK ||
        db_exec(db, "DELETE FROM ratings WHERE article_id IN "
                    "(SELECT id FROM articles WHERE is_sample = 1)", "") != DB_OK ||
        db_exec(db, "DELETE FROM comments WHERE article_id IN "
                    "(SELECT id FROM articles WHERE is_sample = 1)", "") != DB_OK ||
        rating_totals_rebuild(db) != 0)
        goto dberr;
    if (db_exec(db, "DELETE FROM attachments WHERE article_id IN "
                    "(SELECT id FROM articles WHERE is_sample = 1)", "") != DB_OK ||
        db_exec(db, "DELETE FROM article_revisions WHERE article_id IN "
                    "(SELECT id FROM articles WHERE is_sample = 1)", "") != DB_OK ||
        db_exec(db, "DELETE FROM articles WHERE is_sample = 1", "") != DB_OK)
        goto dberr;

    /* Files only the removed content used. */
    gone = arena_alloc(a, (nfile + 1) * sizeof *gone);
    for (size_t i = 0; i < nfile; i++) {
        int64_t used = db_int(db, -1,
            "SELECT (SELECT COUNT(*) FROM attachments WHERE file_id = ?1) + "
            "(SELECT COUNT(*) FROM articles WHERE cover_file_id = ?1)", "l", files[i]);
        if (used < 0) goto dberr;
        if (used > 0) continue;
        char *sha = db_text(db, a, "SELECT sha256 FROM files WHERE id = ?1", "l", files[i]);
        if (db_exec(db, "DELETE FROM files WHERE id = ?1", "l", files[i]) != DB_OK) goto dberr;
        if (sha) gone[ngone++] = sha;
    }

    /* Sample categories left empty, children before parents. */
    for (int round = 0; round < 16; round++) {
        if (db_exec(db, "DELETE FROM categories WHERE is_sample = 1 "
                        "AND NOT EXISTS (SELECT 1 FROM articles x WHERE x.category_id = categories.id) "
                        "AND NOT EXISTS (SELECT 1 FROM categories k WHERE k.parent_id = categories.id)",
                    "") != DB_OK)
            goto dberr;
        if (db_changes(db) == 0) break;
    }
    /* Sample users: keep the history they appear in, without the link. */
    if (db_exec(db, "UPDATE audit_log SET user_id = NULL WHERE user_id IN "
                    "(SELECT id FROM users WHERE is_sample = 1)", "") != DB_OK ||
        db_exec(db, "UPDATE articles SET created_by = NULL WHERE created_by IN "
                    "(SELECT id FROM users WHERE is_sample = 1)", "") != DB_OK ||
        db_exec(db, "UPDATE article_revisions SET edited_by = NULL WHERE edited_by IN "
                    "(SELECT id FROM users WHERE is_sample = 1)", "") != DB_OK ||
        db_exec(db, "DELETE FROM sessions WHERE user_id IN "
                    "(SELECT id FROM users WHERE is_sample = 1)", "") != DB_OK ||
        db_exec(db, "DELETE FROM users WHERE is_sample = 1", "") != DB_OK)
        goto dberr;

    for (size_t i = demo_settings_sample_from; i < sizeof demo_settings / sizeof demo_settings[0]; i++)
        if (db_exec(db, "DELETE FROM settings WHERE key = ?1 AND value = ?2", "tt",
                    demo_settings[i].key, demo_settings[i].value) != DB_OK)
            goto dberr;
    if (db_exec(db, "DELETE FROM settings WHERE key = 'demo_loaded'", "") != DB_OK) goto dberr;
    if (audit(db, 0, "demo", (int64_t)time(NULL), "demo.remove", "site", 0,
              arena_printf(a, "Xoá nội dung minh họa: %zu bài viết, %zu tệp đính kèm", nart, natt)) != 0)
        goto dberr;
    if (db_commit(db) != DB_OK) goto dberr;
    /* The rows are gone for good: now the bytes.  A failure here only
     * leaves an unreferenced file, which a later identical upload reuses. */
    for (size_t i = 0; i < ngone; i++) {
        char *path = store_path(a, files_dir, gone[i]);
        if (unlink(path) != 0 && errno != ENOENT)
            log_warn("demo: cannot remove %s: %s", path, strerror(errno));
        /* and its <aa>/ directory once empty (fails harmlessly otherwise) */
        char *slash = strrchr(path, '/');
        if (slash) {
            *slash = '\0';
            rmdir(path);
        }
    }
    ret = 0;
    goto out;
dberr:
    fail(err, errlen, "database error: %s", db_errmsg(db));
    db_rollback(db);
out:
    arena_free(a);
    return ret;
}
