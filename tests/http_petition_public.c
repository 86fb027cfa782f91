/* http_petition_public.c - the citizens' side of voters' petitions
 * against the real binary with demo content (issue 10 item 3):
 *   - a petition sent online (with a PDF) answers with a tracking code;
 *     the lookup by that code (as typed: lower case, no dashes) shows
 *     "Đã tiếp nhận"; once the lead's writers forward, answer and publish
 *     it, the lookup and the public list show the answer, and not before;
 *   - the answer's documents are served once published, the sender's
 *     attachment never;
 *   - the sender's name and contact never appear on the lookup, the list
 *     or the search;
 *   - a guessed, an altered, an unknown and a malformed code all get the
 *     same status and the same bytes; lookups are limited per visitor and
 *     per network (429), and never cached (no-store);
 *   - the form: flooded by one visitor (429, typed text given back, the
 *     second petition not stored) and from one network (429 after the
 *     daily cap); a verification code replayed (400, nothing stored); a
 *     filled honeypot (looks sent, nothing stored); bad fields (400 with
 *     the messages); CSRF missing (403, nothing stored, no file written);
 *     a file that is not PDF/JPEG/PNG (400, nothing stored); the city
 *     level goes to the city council;
 *   - hostile text escaped on the refused form, the sent page, the
 *     lookup, the list and the search;
 *   - the search is diacritic-insensitive ("dat dai" finds "đất đai").
 * The server runs on an injected clock: each test that counts per day
 * moves it to a day of its own (noon, Vietnam time), so no run crosses
 * midnight between two requests. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "content.h"
#include "db.h"
#include "log.h"
#include "petition.h"
#include "t.h"
#include "tclient.h"
#include "vn.h"

#define DAY 86400
#define LOOKUP_VISITOR_MAX 10     /* page_petition_public.c */
#define LOOKUP_NET_CAP 200
#define PETITION_NET_CAP 100
#define SENDER_NAME "Phạm Thị Riêngtư"
#define SENDER_CONTACT "0911 222 333"
#define NOT_FOUND "Không tìm thấy kiến nghị có mã này"

static TServer srv;
static int64_t noon;          /* the clock of the first day */
static int day_no;            /* days moved on so far */
static char ward_unit[32];    /* don_vi of phường Ba Đình */
static int64_t ward_council, city_council;
static char dir[200];
static char pdf_path[300], html_path[300];

/* ------------------------------------------------------------ helpers */

/* A day of its own for a test that counts per day. */
static void new_day(void)
{
    day_no++;
    ts_clock_set(&srv, noon + (int64_t)day_no * DAY);
}

static int64_t clock_now(void) { return noon + (int64_t)day_no * DAY; }

typedef struct Form { char *csrf, *id; } Form;

static int form_get(TClient *c, Form *f)
{
    TResp *res = tc_get(c, "/kien-nghi/gui");
    if (res->status != 200) return -1;
    char *cc = tc_header(res, "Cache-Control");
    int nostore = cc && strstr(cc, "no-store");
    free(cc);
    if (!nostore) return -1;
    f->csrf = tc_input_value(res->body, "csrf");
    f->id = tc_input_value(res->body, "ma_id");
    return f->csrf && f->id && strlen(f->id) == 32 ? 0 : -1;
}

static void form_free(Form *f)
{
    free(f->csrf);
    free(f->id);
    f->csrf = f->id = NULL;
}

static const char *peek(TClient *c, const char *id)
{
    static char code[16];
    char path[128];
    snprintf(path, sizeof path, "/xac-thuc/%s/thu-nghiem", id);
    TResp *res = tc_get(c, path);
    code[0] = 0;
    if (res->status == 200 && res->len < sizeof code) snprintf(code, sizeof code, "%s", res->body);
    return code;
}

typedef struct Send {
    const char *name, *contact, *place, *text, *honey, *file, *file_name;
} Send;

static TResp *post_send(TClient *c, const Form *f, const char *code, const Send *s)
{
    const char *place = s->place ? s->place : ward_unit;
    if (s->file)
        return tc_post_multipart(c, "/kien-nghi/gui", "csrf", f->csrf, "ho_ten", s->name, "lien_he", s->contact,
                                 "don_vi", place, "noi_dung", s->text, "@tep", s->file, s->file_name, "website",
                                 s->honey ? s->honey : "", "ma_id", f->id, "ma_xac_thuc", code, NULL);
    return tc_post_multipart(c, "/kien-nghi/gui", "csrf", f->csrf, "ho_ten", s->name, "lien_he", s->contact,
                             "don_vi", place, "noi_dung", s->text, "website", s->honey ? s->honey : "", "ma_id",
                             f->id, "ma_xac_thuc", code, NULL);
}

/* Fetch a form, read its code through the test aid and send s. */
static TResp *send_new(TClient *c, const Send *s)
{
    Form f = {0};
    if (form_get(c, &f) != 0) { form_free(&f); return NULL; }
    char code[16];
    snprintf(code, sizeof code, "%s", peek(c, f.id));
    TResp *res = post_send(c, &f, code, s);
    form_free(&f);
    return res;
}

/* The tracking code on a sent page into out; 0 or -1. */
static int sent_code(const char *html, char out[PETITION_CODE_SIZE])
{
    const char *p = html ? strstr(html, "<output id=\"ma-tra-cuu\">") : NULL;
    if (!p) return -1;
    p += strlen("<output id=\"ma-tra-cuu\">");
    if (strncmp(p, "KN-", 3) != 0 || strlen(p) < PETITION_CODE_SIZE - 1) return -1;
    memcpy(out, p, PETITION_CODE_SIZE - 1);
    out[PETITION_CODE_SIZE - 1] = 0;
    return 0;
}

static char *public_csrf(TClient *c)
{
    TResp *res = tc_get(c, "/kien-nghi/tra-cuu");
    return res->status == 200 ? tc_input_value(res->body, "csrf") : NULL;
}

static TResp *lookup(TClient *c, const char *csrf, const char *code)
{
    return tc_post(c, "/kien-nghi/tra-cuu", "csrf", csrf, "ma", code, NULL);
}

static int64_t count_sql(const char *sql, const char *text)
{
    Db *db = ts_db(&srv);
    if (!db) return -1;
    int64_t n = text ? db_int(db, -1, sql, "t", text) : db_int(db, -1, sql, "");
    db_close(db);
    return n;
}

static int64_t stored(const char *text)
{
    return count_sql("SELECT COUNT(*) FROM petitions WHERE text = ?1", text);
}

/* Files in the store (not the request spools, which go when their request ends). */
static int files_on_disk(void)
{
    char path[400];
    snprintf(path, sizeof path, "find '%s/files' -type f ! -name '.upload-*' | wc -l", srv.dir);
    FILE *p = popen(path, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1) n = -1;
        pclose(p);
    }
    return n;
}

/* Forward, answer and (when publish) publish the petition with this code,
 * through the lead's writers on the server's database. */
static int answer_code(const char *code, const char *kind, const char *text, int publish)
{
    Db *db = ts_db(&srv);
    if (!db) return -1;
    char err[300] = "";
    int64_t id = db_int(db, 0, "SELECT id FROM petitions WHERE code = ?1", "t", code);
    int64_t council = db_int(db, 0, "SELECT council_id FROM petitions WHERE id = ?1", "l", id);
    int64_t agency = db_int(db, 0, "SELECT id FROM agencies WHERE council_id = ?1 AND name = ?2", "lt", council,
                            "Ủy ban nhân dân (kiểm thử)");
    int64_t today = vn_day_start(clock_now());
    int rc = id > 0 ? 0 : -1;
    if (!rc && agency <= 0) rc = agency_create(db, council, "Ủy ban nhân dân (kiểm thử)", "commune", 0, &agency, err, sizeof err);
    if (!rc) rc = petition_classify(db, id, "dat-dai", "commune", agency, NULL, clock_now(), err, sizeof err);
    if (!rc) rc = petition_forward(db, id, agency, today, today + 30 * DAY, NULL, clock_now(), err, sizeof err);
    if (!rc) rc = petition_answer(db, id, kind, text, !strcmp(kind, "scheduled") ? today + 60 * DAY : 0, today, 0, NULL,
                                  clock_now(), err, sizeof err);
    if (!rc && publish) rc = petition_publish(db, id, 1, NULL, clock_now(), err, sizeof err);
    if (rc) fprintf(stderr, "answer_code: %s\n", err);
    db_close(db);
    return rc;
}

static int publish_code(const char *code)
{
    Db *db = ts_db(&srv);
    if (!db) return -1;
    char err[300] = "";
    int64_t id = db_int(db, 0, "SELECT id FROM petitions WHERE code = ?1", "t", code);
    int rc = petition_publish(db, id, 1, NULL, clock_now(), err, sizeof err);
    db_close(db);
    return rc;
}

/* ------------------------------------------------------------- tests */

TEST(test_send_and_look_up)
{
    new_day();
    TClient *c = tc_new(&srv);
    const char *text = "Đề nghị sửa đường ngõ 48 phố Đội Cấn, mặt đường hư hỏng nặng sau mưa.";
    int before = files_on_disk();
    Send s = {SENDER_NAME, SENDER_CONTACT, NULL, text, NULL, pdf_path, "ảnh hiện trường.pdf"};
    TResp *res = send_new(c, &s);
    CHECK(res != NULL);
    if (!res) { tc_free(c); return; }
    CHECK_INT(res->status, 200);
    if (res->status != 200) { const char *m = strstr(res->body, "form-error"); fprintf(stderr, "  %.300s\n", m ? m : res->body); }
    CHECK_CONTAINS(res->body, "Mã tra cứu của bạn");
    CHECK_CONTAINS(res->body, "Hãy ghi lại hoặc chụp lại mã này");
    CHECK_CONTAINS(res->body, "Hội đồng nhân dân phường Ba Đình");
    char *cc = tc_header(res, "Cache-Control");
    CHECK(cc && strstr(cc, "no-store"));
    free(cc);
    char code[PETITION_CODE_SIZE];
    CHECK_INT(sent_code(res->body, code), 0);
    CHECK_INT(stored(text), 1);
    CHECK_INT(count_sql("SELECT COUNT(*) FROM petitions WHERE text = ?1 AND channel = 'online' AND status = 'received'", text), 1);
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM petitions WHERE text = ?1 AND council_id = %lld AND received_on = %lld",
             (long long)ward_council, (long long)vn_day_start(clock_now()));
    CHECK_INT(count_sql(sql, text), 1);
    CHECK_INT(count_sql("SELECT COUNT(*) FROM petition_files pf JOIN petitions p ON p.id = pf.petition_id JOIN files f"
                        " ON f.id = pf.file_id WHERE p.text = ?1 AND pf.kind = 'sender' AND f.mime = 'application/pdf'",
                        text), 1);
    CHECK_INT(files_on_disk(), before + 1);

    /* look it up as a person might type it: lower case, no dashes */
    char typed[40];
    snprintf(typed, sizeof typed, "kn%.4s%.4s %.4s%.4s", code + 3, code + 8, code + 13, code + 18);
    for (char *p = typed; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    char *csrf = public_csrf(c);
    CHECK(csrf != NULL);
    res = lookup(c, csrf, typed);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Đã tiếp nhận");
    CHECK_CONTAINS(res->body, code);
    CHECK_CONTAINS(res->body, "Đội Cấn");
    CHECK_NOT_CONTAINS(res->body, SENDER_NAME);
    CHECK_NOT_CONTAINS(res->body, SENDER_CONTACT);
    cc = tc_header(res, "Cache-Control");
    CHECK(cc && strstr(cc, "no-store"));
    free(cc);
    /* the form page too */
    res = tc_get(c, "/kien-nghi/tra-cuu");
    cc = tc_header(res, "Cache-Control");
    CHECK(cc && strstr(cc, "no-store"));
    free(cc);
    free(csrf);
    tc_free(c);
}

TEST(test_answer_shown_once_published)
{
    new_day();
    TClient *c = tc_new(&srv);
    const char *text = "Kiến nghị zqhttp về cấp giấy chứng nhận quyền sử dụng đất đai cho các hộ ở tổ 7.";
    Send s = {SENDER_NAME, SENDER_CONTACT, NULL, text, NULL, NULL, NULL};
    TResp *res = send_new(c, &s);
    CHECK(res && res->status == 200);
    char code[PETITION_CODE_SIZE];
    CHECK_INT(sent_code(res ? res->body : NULL, code), 0);
    const char *answer = "Ủy ban nhân dân phường đã rà soát hồ sơ zqanswer; dự kiến cấp giấy trong quý II.";
    CHECK_INT(answer_code(code, "scheduled", answer, 0), 0);
    char *csrf = public_csrf(c);
    /* answered, not published: no answer, no kind */
    res = lookup(c, csrf, code);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Đã có kết quả trả lời, đang chờ công bố");
    CHECK_NOT_CONTAINS(res->body, "zqanswer");
    CHECK_NOT_CONTAINS(res->body, "Có lộ trình giải quyết");
    CHECK_CONTAINS(res->body, "Ủy ban nhân dân (kiểm thử)");   /* the agency */
    res = tc_get(c, "/kien-nghi?q=zqhttp");
    CHECK_INT(res->status, 200);
    CHECK_NOT_CONTAINS(res->body, "tổ 7");
    /* published: the answer, its kind and roadmap date, on the lookup and the list */
    CHECK_INT(publish_code(code), 0);
    res = lookup(c, csrf, code);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "zqanswer");
    CHECK_CONTAINS(res->body, "Có lộ trình giải quyết");
    Buf due;
    Arena *a = arena_new();
    buf_init(&due, a);
    vn_date(&due, vn_day_start(clock_now()) + 60 * DAY);
    CHECK_CONTAINS(res->body, buf_str(&due));
    CHECK_NOT_CONTAINS(res->body, SENDER_NAME);
    CHECK_NOT_CONTAINS(res->body, SENDER_CONTACT);
    res = tc_get(c, "/kien-nghi?q=zqhttp");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "tổ 7");
    CHECK_CONTAINS(res->body, "zqanswer");
    CHECK_CONTAINS(res->body, "Có lộ trình giải quyết");
    CHECK_NOT_CONTAINS(res->body, SENDER_NAME);
    CHECK_NOT_CONTAINS(res->body, SENDER_CONTACT);
    CHECK_NOT_CONTAINS(res->body, code);          /* codes are never listed */
    /* the unfiltered list and a search for the name find nothing personal */
    res = tc_get(c, "/kien-nghi");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Kiến nghị cử tri");
    CHECK_NOT_CONTAINS(res->body, SENDER_NAME);
    CHECK_NOT_CONTAINS(res->body, SENDER_CONTACT);
    res = tc_get(c, "/kien-nghi?q=Ri%C3%AAngt%C6%B0");   /* "Riêngtư": part of the sender's name */
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "0 kiến nghị phù hợp");
    res = tc_get(c, "/kien-nghi?q=0911+222+333");
    CHECK_CONTAINS(res->body, "0 kiến nghị phù hợp");
    /* the menu entry */
    res = tc_get(c, "/");
    CHECK_CONTAINS(res->body, "href=\"/kien-nghi\"");
    CHECK_CONTAINS(res->body, "Kiến nghị cử tri");
    arena_free(a);
    free(csrf);
    tc_free(c);
}

TEST(test_answer_documents)
{
    new_day();
    TClient *c = tc_new(&srv);
    const char *text = "Kiến nghị zqdoc kèm ảnh, để thử văn bản trả lời công khai.";
    Send s = {SENDER_NAME, "", NULL, text, NULL, pdf_path, "anh-cua-toi.pdf"};
    TResp *res = send_new(c, &s);
    char code[PETITION_CODE_SIZE];
    CHECK_INT(sent_code(res ? res->body : NULL, code), 0);
    CHECK_INT(answer_code(code, "resolved", "Đã giải quyết, có công văn kèm theo.", 0), 0);
    /* the agency's document, stored as the staff pages would */
    Db *db = ts_db(&srv);
    CHECK(db != NULL);
    if (!db) { tc_free(c); return; }
    char files[400];
    snprintf(files, sizeof files, "%s/files", srv.dir);
    Arena *a = arena_new();
    const char *serr = NULL;
    static const char doc[] = "%PDF-1.4\n% cong van tra loi zqdoc\ntrailer<<>>\n%%EOF\n";
    int64_t fid = store_put_mem(db, a, files, doc, sizeof doc - 1, 1 << 20, &serr);
    int64_t pid = db_int(db, 0, "SELECT id FROM petitions WHERE code = ?1", "t", code);
    int64_t sender_fid = db_int(db, 0, "SELECT file_id FROM petition_files WHERE petition_id = ?1 AND kind = 'sender'", "l", pid);
    CHECK(fid > 0 && pid > 0 && sender_fid > 0);
    CHECK_INT(petition_add_file(db, pid, fid, "Công văn trả lời.pdf", "answer"), 0);
    db_close(db);
    char url[120], sender_url[120];
    snprintf(url, sizeof url, "/kien-nghi/tra-loi/%lld/%lld", (long long)pid, (long long)fid);
    snprintf(sender_url, sizeof sender_url, "/kien-nghi/tra-loi/%lld/%lld", (long long)pid, (long long)sender_fid);
    res = tc_get(c, url);
    CHECK_INT(res->status, 404);                  /* not published yet */
    char *csrf = public_csrf(c);
    res = lookup(c, csrf, code);
    CHECK_NOT_CONTAINS(res->body, url);
    CHECK_INT(publish_code(code), 0);
    res = lookup(c, csrf, code);
    CHECK_CONTAINS(res->body, url);
    CHECK_CONTAINS(res->body, "Công văn trả lời.pdf");
    res = tc_get(c, "/kien-nghi?q=zqdoc");
    CHECK_CONTAINS(res->body, url);
    CHECK_NOT_CONTAINS(res->body, sender_url);
    res = tc_get(c, url);
    CHECK_INT(res->status, 200);
    CHECK(res->len == sizeof doc - 1 && memcmp(res->body, doc, res->len) == 0);
    res = tc_get(c, sender_url);
    CHECK_INT(res->status, 404);                  /* the sender's attachment is never public */
    arena_free(a);
    free(csrf);
    tc_free(c);
}

TEST(test_wrong_codes_same_answer)
{
    new_day();
    TClient *c = tc_new(&srv);
    const char *text = "Kiến nghị để thử mã tra cứu sai, đoán và không hợp lệ.";
    Send s = {"Lê Văn Mã", "", NULL, text, NULL, NULL, NULL};
    TResp *res = send_new(c, &s);
    char code[PETITION_CODE_SIZE];
    CHECK_INT(sent_code(res ? res->body : NULL, code), 0);
    char *csrf = public_csrf(c);
    /* altered: the last character changed; guessed: a fresh random code */
    char altered[PETITION_CODE_SIZE], guessed[PETITION_CODE_SIZE];
    memcpy(altered, code, sizeof altered);
    altered[PETITION_CODE_SIZE - 2] = altered[PETITION_CODE_SIZE - 2] == 'Z' ? 'Y' : 'Z';
    petition_new_code(guessed);
    const char *codes[] = {altered, guessed, "KN-0000-0000-0000-0000", "abc", "KN-1234", "' OR 1=1 --",
                           "KN-UUUU-UUUU-UUUU-UUUU", "", "KN-0000-0000-0000-0000-0000"};
    char *first = NULL;
    long first_status = 0;
    char *first_type = NULL;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        res = lookup(c, csrf, codes[i]);
        char *type = tc_header(res, "Content-Type");
        if (!first) {
            first = strdup(res->body);
            first_status = res->status;
            first_type = type;
            CHECK_INT(res->status, 404);
            CHECK_CONTAINS(res->body, NOT_FOUND);
            continue;
        }
        CHECK_INT(res->status, first_status);
        CHECK_STR(type, first_type);
        if (strcmp(res->body, first) != 0) {
            fprintf(stderr, "lookup of \"%s\" differs from the first miss\n", codes[i]);
            CHECK(0);
        }
        free(type);
    }
    /* the real code still works (positive control) */
    res = lookup(c, csrf, code);
    CHECK_INT(res->status, 200);
    CHECK(first && strcmp(res->body, first) != 0);
    free(first);
    free(first_type);
    free(csrf);
    tc_free(c);
}

TEST(test_lookups_rate_limited)
{
    new_day();
    /* per visitor: LOOKUP_VISITOR_MAX in 10 minutes, then 429 */
    TClient *c = tc_new(&srv);
    char *csrf = public_csrf(c);
    char guess[PETITION_CODE_SIZE];
    int over = 0;
    for (int i = 0; i < LOOKUP_VISITOR_MAX; i++) {
        petition_new_code(guess);
        TResp *res = lookup(c, csrf, guess);
        over += res->status == 429;
    }
    CHECK_INT(over, 0);
    TResp *res = lookup(c, csrf, guess);
    CHECK_INT(res->status, 429);
    CHECK_CONTAINS(res->body, "Bạn đã tra cứu nhiều lần trong ít phút");
    /* 10 minutes later the visitor may look up again */
    ts_clock_set(&srv, clock_now() + 601);
    res = lookup(c, csrf, guess);
    CHECK_INT(res->status, 404);
    /* per network: LOOKUP_NET_CAP a day, whatever the cookies (new visitors);
     * the network counted the 12 above, the visitor's refused one included */
    int used = LOOKUP_VISITOR_MAX + 2, refused = 0;
    for (int i = used; i < LOOKUP_NET_CAP; i++) {
        TClient *v = tc_new(&srv);
        petition_new_code(guess);
        res = lookup(v, csrf, guess);
        refused += res->status != 404;
        tc_free(v);
    }
    CHECK_INT(refused, 0);
    TClient *v = tc_new(&srv);
    res = lookup(v, csrf, guess);
    CHECK_INT(res->status, 429);
    CHECK_CONTAINS(res->body, "Mạng của bạn đã tra cứu quá nhiều lần trong hôm nay");
    tc_free(v);
    /* the next day the network may look up again */
    new_day();
    v = tc_new(&srv);
    free(csrf);
    csrf = public_csrf(v);
    res = lookup(v, csrf, guess);
    CHECK_INT(res->status, 404);
    tc_free(v);
    free(csrf);
    tc_free(c);
}

TEST(test_form_flooded)
{
    new_day();
    TClient *c = tc_new(&srv);
    Send s = {"Hoàng Văn Nhanh", "", NULL, "Kiến nghị thứ nhất của một người gửi liên tiếp.", NULL, NULL, NULL};
    TResp *res = send_new(c, &s);
    CHECK(res && res->status == 200);
    const char *text2 = "Kiến nghị thứ hai gửi ngay sau đó, phải được giữ lại trên biểu mẫu.";
    Send s2 = {"Hoàng Văn Nhanh", "nhanh@example.vn", NULL, text2, NULL, NULL, NULL};
    res = send_new(c, &s2);
    CHECK(res != NULL);
    if (res) {
        CHECK_INT(res->status, 429);
        CHECK_CONTAINS(res->body, "Bạn vừa gửi một kiến nghị");
        CHECK_CONTAINS(res->body, "phải được giữ lại trên biểu mẫu.</textarea>");
        char *v = tc_input_value(res->body, "ho_ten");
        CHECK_STR(v, "Hoàng Văn Nhanh");
        free(v);
        v = tc_input_value(res->body, "lien_he");
        CHECK_STR(v, "nhanh@example.vn");
        free(v);
        v = tc_input_value(res->body, "ma_xac_thuc");
        CHECK_STR(v, "");                       /* the code is new, never given back */
        free(v);
        CHECK(strstr(res->body, "name=\"ma_id\"") != NULL);
    }
    CHECK_INT(stored(text2), 0);
    /* a minute later it goes through */
    ts_clock_set(&srv, clock_now() + 61);
    res = send_new(c, &s2);
    CHECK(res && res->status == 200);
    CHECK_INT(stored(text2), 1);
    tc_free(c);

    /* one network: PETITION_NET_CAP a day whatever the visitor */
    new_day();
    int refused = 0;
    char text[200];
    for (int i = 0; i < PETITION_NET_CAP; i++) {
        TClient *v = tc_new(&srv);
        snprintf(text, sizeof text, "Kiến nghị số %d từ cùng một mạng trong một ngày.", i);
        Send sn = {"Người gửi thử", "", NULL, text, NULL, NULL, NULL};
        res = send_new(v, &sn);
        refused += !res || res->status != 200;
        tc_free(v);
    }
    CHECK_INT(refused, 0);
    TClient *v = tc_new(&srv);
    const char *over = "Kiến nghị vượt giới hạn trong ngày của một mạng.";
    Send so = {"Người gửi thử", "", NULL, over, NULL, NULL, NULL};
    res = send_new(v, &so);
    CHECK(res && res->status == 429);
    if (res) CHECK_CONTAINS(res->body, "Mạng của bạn đã gửi quá nhiều kiến nghị trong hôm nay");
    if (res) CHECK_CONTAINS(res->body, "giới hạn trong ngày của một mạng.</textarea>");
    CHECK_INT(stored(over), 0);
    tc_free(v);
}

TEST(test_code_replayed)
{
    new_day();
    TClient *c = tc_new(&srv);
    Form f = {0};
    CHECK_INT(form_get(c, &f), 0);
    char code[16];
    snprintf(code, sizeof code, "%s", peek(c, f.id));
    Send s = {"Vũ Thị Một", "", NULL, "Kiến nghị gửi với mã xác thực lần đầu.", NULL, NULL, NULL};
    TResp *res = post_send(c, &f, code, &s);
    CHECK_INT(res->status, 200);
    /* the same code again, by another visitor (so no flood limit is involved) */
    TClient *c2 = tc_new(&srv);
    const char *text2 = "Kiến nghị gửi lại với mã đã dùng, phải bị từ chối.";
    Send s2 = {"Vũ Thị Hai", "", NULL, text2, NULL, NULL, NULL};
    res = post_send(c2, &f, code, &s2);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Mã xác thực không đúng");
    CHECK_CONTAINS(res->body, "phải bị từ chối.</textarea>");
    CHECK_INT(stored(text2), 0);
    /* a wrong code costs the code: the right one afterwards fails too */
    Form g = {0};
    CHECK_INT(form_get(c2, &g), 0);
    char right[16];
    snprintf(right, sizeof right, "%s", peek(c2, g.id));
    res = post_send(c2, &g, "WRONG", &s2);
    CHECK_INT(res->status, 400);
    res = post_send(c2, &g, right, &s2);
    CHECK_INT(res->status, 400);
    CHECK_INT(stored(text2), 0);
    form_free(&f);
    form_free(&g);
    tc_free(c2);
    tc_free(c);
}

TEST(test_honeypot_and_bad_fields)
{
    new_day();
    TClient *c = tc_new(&srv);
    const char *text = "Kiến nghị của một chương trình tự động điền ô bẫy.";
    Send s = {"Rô Bốt", "", NULL, text, "http://spam.example", NULL, NULL};
    TResp *res = send_new(c, &s);
    CHECK(res && res->status == 200);
    if (res) CHECK_CONTAINS(res->body, "Mã tra cứu của bạn");
    if (res) CHECK_CONTAINS(res->body, "Hội đồng nhân dân phường Ba Đình");   /* like a real answer */
    CHECK_INT(stored(text), 0);
    /* bad fields: 400 with each message, nothing stored */
    TClient *c2 = tc_new(&srv);
    Send b = {"", "số 12 phố Huế", "99999999", "ngắn", NULL, NULL, NULL};
    res = send_new(c2, &b);
    CHECK(res && res->status == 400);
    if (res) {
        CHECK_CONTAINS(res->body, "Vui lòng nhập họ và tên.");
        CHECK_CONTAINS(res->body, "Vui lòng nhập số điện thoại");
        CHECK_CONTAINS(res->body, "Vui lòng chọn phường, xã");
        CHECK_CONTAINS(res->body, "Nội dung kiến nghị quá ngắn");
        CHECK_CONTAINS(res->body, "ngắn</textarea>");
    }
    CHECK_INT(stored("ngắn"), 0);
    /* the city level: to the city council */
    const char *city_text = "Kiến nghị cấp thành phố về quy hoạch tuyến đường sắt đô thị.";
    Send sc = {"Đỗ Văn Thành", "do.thanh@example.vn", "thanh-pho", city_text, NULL, NULL, NULL};
    res = send_new(c2, &sc);
    CHECK(res && res->status == 200);
    if (res) CHECK_CONTAINS(res->body, "Hội đồng nhân dân thành phố Hà Nội");
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM petitions WHERE text = ?1 AND council_id = %lld AND unit_id IS NULL",
             (long long)city_council);
    CHECK_INT(count_sql(sql, city_text), 1);
    tc_free(c2);
    tc_free(c);
}

TEST(test_csrf_missing_and_bad_file)
{
    new_day();
    TClient *c = tc_new(&srv);
    Form f = {0};
    CHECK_INT(form_get(c, &f), 0);
    char code[16];
    snprintf(code, sizeof code, "%s", peek(c, f.id));
    int before = files_on_disk();
    const char *text = "Kiến nghị gửi không có mã bảo vệ biểu mẫu, kèm tệp.";
    TResp *res = tc_post_multipart(c, "/kien-nghi/gui", "ho_ten", "Không Có Mã", "lien_he", "", "don_vi", ward_unit,
                                   "noi_dung", text, "@tep", pdf_path, "a.pdf", "ma_id", f.id, "ma_xac_thuc", code, NULL);
    CHECK_INT(res->status, 403);
    CHECK_INT(stored(text), 0);
    CHECK_INT(files_on_disk(), before);
    res = tc_post(c, "/kien-nghi/tra-cuu", "ma", "KN-0000-0000-0000-0000", NULL);
    CHECK_INT(res->status, 403);
    form_free(&f);

    /* a file that is not a PDF or an image, named .pdf: 400, nothing stored */
    const char *text2 = "Kiến nghị kèm một tệp HTML đội lốt PDF.";
    Send s = {"Tệp Giả", "", NULL, text2, NULL, html_path, "van-ban.pdf"};
    res = send_new(c, &s);
    CHECK(res && res->status == 400);
    if (res) CHECK_CONTAINS(res->body, "Tệp đính kèm phải là PDF hoặc ảnh JPEG, PNG.");
    if (res) CHECK_CONTAINS(res->body, "đội lốt PDF.</textarea>");
    CHECK_INT(stored(text2), 0);
    CHECK_INT(files_on_disk(), before);
    tc_free(c);
}

TEST(test_hostile_text_escaped)
{
    new_day();
    TClient *c = tc_new(&srv);
    const char *script = "<script>alert(1)</script>", *img = "\"><img src=x onerror=1>",
               *formula = "=HYPERLINK(\"http://x\")";
    char text[400];
    snprintf(text, sizeof text, "Kiến nghị zqhostile %s %s %s kết thúc.", script, img, formula);
    /* refused (hostile contact): the form gives everything back escaped */
    Send bad = {script, img, NULL, text, NULL, NULL, NULL};
    TResp *res = send_new(c, &bad);
    CHECK(res && res->status == 400);
    if (res) {
        CHECK_NOT_CONTAINS(res->body, script);
        CHECK_NOT_CONTAINS(res->body, "<img src=x");
        CHECK_CONTAINS(res->body, "&lt;script&gt;alert(1)&lt;/script&gt;");
        CHECK_CONTAINS(res->body, "=HYPERLINK(&quot;http://x&quot;)");
    }
    /* accepted: the sent page, the lookup, the list and the search */
    Send ok = {script, "", NULL, text, NULL, NULL, NULL};
    res = send_new(c, &ok);
    CHECK(res && res->status == 200);
    char code[PETITION_CODE_SIZE];
    CHECK_INT(sent_code(res ? res->body : NULL, code), 0);
    if (res) CHECK_NOT_CONTAINS(res->body, script);
    char answer[300];
    snprintf(answer, sizeof answer, "Trả lời %s %s %s", script, img, formula);
    CHECK_INT(answer_code(code, "answered_explained", answer, 1), 0);
    char *csrf = public_csrf(c);
    res = lookup(c, csrf, code);
    CHECK_INT(res->status, 200);
    const char *pages[3] = {NULL, "/kien-nghi?q=zqhostile", "/kien-nghi?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"};
    for (int i = 0; i < 3; i++) {
        if (pages[i]) res = tc_get(c, pages[i]);
        CHECK_INT(res->status, 200);
        CHECK_NOT_CONTAINS(res->body, script);
        CHECK_NOT_CONTAINS(res->body, "<img src=x");
        CHECK_CONTAINS(res->body, "zqhostile &lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=1&gt;");
        CHECK_CONTAINS(res->body, "=HYPERLINK(&quot;http://x&quot;)");
        CHECK_CONTAINS(res->body, "Trả lời &lt;script&gt;");
    }
    /* the search for the script text found it, and the query is shown escaped */
    CHECK_CONTAINS(res->body, "value=\"&lt;script&gt;alert(1)&lt;/script&gt;\"");
    free(csrf);
    tc_free(c);
}

TEST(test_search_without_diacritics)
{
    new_day();
    TClient *c = tc_new(&srv);
    const char *text = "Tranh chấp ĐẤT ĐAI kéo dài ở thôn Đoài zqfold, đề nghị giải quyết dứt điểm.";
    Send s = {"Ngô Thị Tìm", "", NULL, text, NULL, NULL, NULL};
    TResp *res = send_new(c, &s);
    char code[PETITION_CODE_SIZE];
    CHECK_INT(sent_code(res ? res->body : NULL, code), 0);
    CHECK_INT(answer_code(code, "resolved", "Đã giải quyết dứt điểm.", 1), 0);
    res = tc_get(c, "/kien-nghi?q=dat+dai+zqfold");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "thôn Đoài zqfold");
    CHECK_CONTAINS(res->body, "1 kiến nghị phù hợp");
    res = tc_get(c, "/kien-nghi?q=%C4%91%E1%BA%A5t+%C4%91ai+zqfold");   /* "đất đai zqfold" */
    CHECK_CONTAINS(res->body, "thôn Đoài zqfold");
    res = tc_get(c, "/kien-nghi?q=doai+ZQFOLD");
    CHECK_CONTAINS(res->body, "thôn Đoài zqfold");
    res = tc_get(c, "/kien-nghi?q=zqfold+nuoc");
    CHECK_NOT_CONTAINS(res->body, "thôn Đoài zqfold");
    CHECK_CONTAINS(res->body, "0 kiến nghị phù hợp");
    /* filters: the field the writers classified (dat-dai) and the unit */
    char path[200];
    snprintf(path, sizeof path, "/kien-nghi?q=zqfold&linh-vuc=dat-dai&don-vi=%s", ward_unit);
    res = tc_get(c, path);
    CHECK_CONTAINS(res->body, "thôn Đoài zqfold");
    res = tc_get(c, "/kien-nghi?q=zqfold&linh-vuc=y-te");
    CHECK_NOT_CONTAINS(res->body, "thôn Đoài zqfold");
    tc_free(c);
}

static int write_file(char *path, size_t n, const char *name, const char *data, size_t len)
{
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    fwrite(data, 1, len, f);
    return fclose(f);
}

#define STAFF_PASSWORD "Mật-khẩu-cán-bộ-2026"

/* The "done when", through the pages only: a citizen sends a
 * petition online and follows it by code; the ward's staff classify and
 * forward it; the agency's account takes it up and answers; the staff
 * publish the answer; the citizen's lookup and the public list show it. */
TEST(test_end_to_end_through_pages)
{
    new_day();
    TClient *citizen = tc_new(&srv);
    Send s = {"Lê Văn Côngdân", "0900 111 999", NULL,
              "Đề nghị sửa đèn chiếu sáng ngõ 12 phố Đội Cấn, tối cả tháng nay.", NULL, NULL, NULL};
    TResp *res = send_new(citizen, &s);
    CHECK(res && res->status == 200);
    char code[PETITION_CODE_SIZE] = "";
    CHECK_INT(sent_code(res ? res->body : NULL, code), 0);
    char *csrf = public_csrf(citizen);
    res = lookup(citizen, csrf, code);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Đã tiếp nhận");
    Db *db = ts_db(&srv);
    int64_t id = db ? db_int(db, 0, "SELECT id FROM petitions WHERE code = ?1", "t", code) : 0;
    int64_t agency = db ? db_int(db, 0, "SELECT id FROM agencies WHERE council_id = ?1 AND name = ?2", "lt", ward_council,
                                 "Ủy ban nhân dân phường Ba Đình") : 0;
    if (db) db_close(db);
    CHECK(id > 0 && agency > 0);
    char cmd[200], page[200], action[240], agency_s[24];
    snprintf(agency_s, sizeof agency_s, "%lld", (long long)agency);
    setenv("HOIDONG_PASSWORD", STAFF_PASSWORD, 1);
    CHECK_INT(ts_cmd(&srv, NULL, "user add e2e.bientap editor 'Biên tập' --council phuong-ba-dinh"), 0);
    snprintf(cmd, sizeof cmd, "user add e2e.ubnd agency 'UBND phường' --agency %lld", (long long)agency);
    CHECK_INT(ts_cmd(&srv, NULL, cmd), 0);
    unsetenv("HOIDONG_PASSWORD");
    TClient *staff = tc_new(&srv);
    CHECK_INT(tc_login(staff, "e2e.bientap", STAFF_PASSWORD), 0);
    snprintf(page, sizeof page, "/quan-tri/hoi-dong/%lld/kien-nghi/%lld", (long long)ward_council, (long long)id);
    res = tc_get(staff, page);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Lê Văn Côngdân");   /* the receiving office sees the sender */
    snprintf(action, sizeof action, "%s/phan-loai", page);
    res = tc_post(staff, action, "csrf", staff->csrf, "field", "xay-dung", "level", "commune", "agency", agency_s, NULL);
    CHECK_INT(res->status, 303);
    snprintf(action, sizeof action, "%s/chuyen", page);
    char today[40], later[40];
    time_t t = (time_t)(clock_now() + 7 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(today, sizeof today, "%d/%d/%d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
    snprintf(later, sizeof later, "%d/%d/%d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1901);
    res = tc_post(staff, action, "csrf", staff->csrf, "agency", agency_s, "day", "1/1/2020", "deadline", later, NULL);
    CHECK_INT(res->status, 400);   /* forwarded before it was received */
    CHECK_CONTAINS(res->body, "trước ngày tiếp nhận");
    res = tc_post(staff, action, "csrf", staff->csrf, "agency", agency_s, "day", today, "deadline", later, NULL);
    CHECK_INT(res->status, 303);
    TClient *ag = tc_new(&srv);
    CHECK_INT(tc_login(ag, "e2e.ubnd", STAFF_PASSWORD), 0);
    snprintf(action, sizeof action, "/quan-tri/co-quan/kien-nghi/%lld", (long long)id);
    res = tc_get(ag, action);
    CHECK_INT(res->status, 200);
    CHECK(!strstr(res->body, "Côngdân"));
    snprintf(action, sizeof action, "/quan-tri/co-quan/kien-nghi/%lld/tra-loi", (long long)id);
    res = tc_post_multipart(ag, action, "csrf", ag->csrf, "kind", "resolved", "text",
                            "Đã thay bóng đèn và sửa đường dây chiếu sáng ngõ 12.", "day", today, NULL);
    CHECK_INT(res->status, 303);
    res = lookup(citizen, csrf, code);   /* answered, not yet published: the answer is not shown */
    CHECK(!strstr(res->body, "Đã thay bóng đèn"));
    snprintf(action, sizeof action, "%s/cong-bo", page);
    res = tc_post(staff, action, "csrf", staff->csrf, NULL);
    CHECK_INT(res->status, 303);
    res = lookup(citizen, csrf, code);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Đã thay bóng đèn và sửa đường dây chiếu sáng ngõ 12.");
    CHECK(!strstr(res->body, "Côngdân") && !strstr(res->body, "0900 111 999"));
    res = tc_get(citizen, "/kien-nghi?q=den+chieu+sang");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Đã thay bóng đèn");
    free(csrf);
    tc_free(citizen);
    tc_free(staff);
    tc_free(ag);
}

int main(void)
{
    t_prog = "http_petition_public";
    log_quiet = 1;
    snprintf(dir, sizeof dir, "/tmp/hd-http-petpub-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    static const char html[] = "<html><body><script>alert(1)</script></body></html>\n";
    if (write_file(pdf_path, sizeof pdf_path, "a.pdf", pdf, sizeof pdf - 1) ||
        write_file(html_path, sizeof html_path, "b.pdf", html, sizeof html - 1)) { perror("write"); return 1; }
    if (ts_start(&srv, 1) != 0) { fprintf(stderr, "server did not start\n"); return 1; }
    noon = ts_vn_noon_today();
    ts_clock_set(&srv, noon);
    Db *db = ts_db(&srv);
    if (!db) return 1;
    const char *cur = "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = ?1 AND c.valid_to IS NULL";
    ward_council = db_int(db, 0, cur, "t", "phuong-ba-dinh");
    city_council = db_int(db, 0, cur, "t", "thanh-pho-ha-noi");
    int64_t unit = db_int(db, 0, "SELECT unit_id FROM councils WHERE id = ?1", "l", ward_council);
    db_close(db);
    if (ward_council <= 0 || city_council <= 0 || unit <= 0) { fprintf(stderr, "councils missing\n"); return 1; }
    snprintf(ward_unit, sizeof ward_unit, "%lld", (long long)unit);
    RUN(test_send_and_look_up);
    RUN(test_answer_shown_once_published);
    RUN(test_answer_documents);
    RUN(test_wrong_codes_same_answer);
    RUN(test_lookups_rate_limited);
    RUN(test_form_flooded);
    RUN(test_code_replayed);
    RUN(test_honeypot_and_bad_fields);
    RUN(test_csrf_missing_and_bad_file);
    RUN(test_hostile_text_escaped);
    RUN(test_search_without_diacritics);
    RUN(test_end_to_end_through_pages);
    ts_stop(&srv);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
    return t_done();
}
