/* unit_petition_public.c - the public readers of voters' petitions
 * (petition_public.c; issue 10 item 3):
 *   - the lookup by code: as typed (lower case, spaces, no dashes), the
 *     status label, nothing of an answer until it is published (status
 *     masked, no text, kind or roadmap date), then the answer; an unknown
 *     and a malformed code both "not found"; a merged petition shows the
 *     one it was merged into (followed through two merges);
 *   - the public list: only answered AND published petitions; filters by
 *     field, unit and session; search folded (đ -> d, no diacritics, any
 *     case), every word required, % and _ literal (not LIKE wildcards);
 *     pagination and the total;
 *   - the places of the online form and where a petition goes: a
 *     commune's council, the city council for the city level, a unit that
 *     is not a current commune of the city refused;
 *   - the answer's documents: listed and served only once published,
 *     never the sender's attachment;
 *   - the attachment's type from its bytes: PDF, JPEG, PNG accepted, a
 *     text file or a zip named .pdf refused.
 * Every petition made here carries the word "zqpub" so that the checks
 * count only their own rows, whatever demo content the database holds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content.h"
#include "db.h"
#include "demo.h"
#include "petition.h"
#include "petition_public.h"
#include "t.h"
#include "vn.h"

#define DAY 86400

static char dir[200];
static Db *db;
static int64_t now, today, city, ward, ward_unit, other_unit, agency;

static int64_t make(const char *text, const char *field, int64_t council, int64_t unit, int64_t session,
                    char code[PETITION_CODE_SIZE])
{
    PetitionIn in = {.council_id = council, .text = text, .field_code = field, .unit_id = unit, .channel = "online",
                     .session_id = session, .received_on = today, .sender_name = "Trần Thị Bí Mật",
                     .sender_contact = "0987654321"};
    char err[300] = "";
    int64_t id = 0;
    char tmp[PETITION_CODE_SIZE];
    if (petition_create(db, &in, NULL, now, &id, code ? code : tmp, err, sizeof err) != 0) {
        fprintf(stderr, "petition_create: %s\n", err);
        return 0;
    }
    return id;
}

/* classify, forward, answer (kind, text), and publish when asked. */
static int answer(int64_t id, const char *kind, const char *text, int publish)
{
    char err[300] = "";
    int rc = petition_classify(db, id, "dat-dai", "commune", agency, NULL, now, err, sizeof err) ||
             petition_forward(db, id, agency, today, today + 30 * DAY, NULL, now, err, sizeof err) ||
             petition_answer(db, id, kind, text, !strcmp(kind, "scheduled") ? today + 90 * DAY : 0, today + DAY, 0,
                             NULL, now, err, sizeof err) ||
             (publish && petition_publish(db, id, 1, NULL, now, err, sizeof err));
    if (rc) fprintf(stderr, "answer flow: %s\n", err);
    return rc ? -1 : 0;
}

static int64_t list_count(const char *q, const char *field, int64_t unit, int64_t session)
{
    Arena *a = arena_new();
    PetitionFilter f = {.q = q, .field = field, .unit_id = unit, .session_id = session, .limit = 50};
    PetitionPublic *l = NULL;
    size_t n = 0;
    int64_t total = -1;
    if (petition_public_list(db, a, &f, today, &l, &n, &total) != 0) total = -1;
    else if ((int64_t)n != (total < 50 ? total : 50)) total = -2;
    arena_free(a);
    return total;
}

TEST(test_lookup_and_unpublished_answer)
{
    char code[PETITION_CODE_SIZE];
    int64_t id = make("zqpub Cống thoát nước ở ngõ 12 bị tắc, đề nghị nạo vét.", NULL, city, ward_unit, 0, code);
    CHECK(id > 0);
    Arena *a = arena_new();
    PetitionPublic p;
    /* as typed by a person: lower case, spaces, no dashes, O for 0 */
    char typed[64];
    snprintf(typed, sizeof typed, "  kn %.4s %.4s%.4s %.4s ", code + 3, code + 8, code + 13, code + 18);
    for (char *c = typed; *c; c++)
        if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
    CHECK_INT(petition_public_lookup(db, a, typed, today, &p), 1);
    CHECK_INT(p.id, id);
    CHECK_STR(p.status_label, "Đã tiếp nhận");
    CHECK_INT(p.answer_shown, 0);
    CHECK_STR(p.unit, "Phường Ba Đình");
    /* unknown, malformed, empty */
    char other[PETITION_CODE_SIZE];
    petition_new_code(other);
    CHECK_INT(petition_public_lookup(db, a, other, today, &p), 0);
    CHECK_INT(petition_public_lookup(db, a, "KN-1234", today, &p), 0);
    CHECK_INT(petition_public_lookup(db, a, "'; DROP TABLE petitions; --", today, &p), 0);
    CHECK_INT(petition_public_lookup(db, a, "", today, &p), 0);

    /* answered, not published: neither the answer nor its kind */
    CHECK_INT(answer(id, "scheduled", "zqpub Sẽ nạo vét trong quý I năm sau.", 0), 0);
    CHECK_INT(petition_public_lookup(db, a, code, today, &p), 1);
    CHECK_INT(p.answer_shown, 0);
    CHECK_STR(p.status_label, PETITION_PUBLIC_PENDING_LABEL);
    CHECK_STR(p.answer_text, "");
    CHECK_STR(p.answer_kind, "");
    CHECK_INT(p.roadmap_due, 0);
    CHECK_STR(p.agency, "UBND phường Ba Đình (zqpub)");
    CHECK_INT(list_count("Cống thoát nước zqpub", NULL, 0, 0), 0);

    /* published: all of it */
    char err[300];
    CHECK_INT(petition_publish(db, id, 1, NULL, now, err, sizeof err), 0);
    CHECK_INT(petition_public_lookup(db, a, code, today, &p), 1);
    CHECK_INT(p.answer_shown, 1);
    CHECK_STR(p.status_label, "Có lộ trình giải quyết");
    CHECK_STR(p.answer_label, "Có lộ trình giải quyết");
    CHECK_STR(p.answer_text, "zqpub Sẽ nạo vét trong quý I năm sau.");
    CHECK_INT(p.roadmap_due, today + 90 * DAY);
    CHECK_INT(list_count("Cống thoát nước zqpub", NULL, 0, 0), 1);
    /* unpublished again: hidden again */
    CHECK_INT(petition_publish(db, id, 0, NULL, now, err, sizeof err), 0);
    CHECK_INT(petition_public_lookup(db, a, code, today, &p), 1);
    CHECK_INT(p.answer_shown, 0);
    CHECK_INT(list_count("Cống thoát nước zqpub", NULL, 0, 0), 0);
    arena_free(a);
}

TEST(test_merged_shows_the_kept_one)
{
    char c1[PETITION_CODE_SIZE], c2[PETITION_CODE_SIZE], c3[PETITION_CODE_SIZE];
    int64_t a1 = make("zqpub Đèn đường ngõ 5 hỏng (lần 1).", NULL, city, ward_unit, 0, c1);
    int64_t a2 = make("zqpub Đèn đường ngõ 5 hỏng (lần 2).", NULL, city, ward_unit, 0, c2);
    int64_t a3 = make("zqpub Đèn đường ngõ 5 hỏng, đề nghị thay.", NULL, city, ward_unit, 0, c3);
    char err[300];
    CHECK_INT(petition_merge(db, a1, a2, NULL, now, err, sizeof err), 0);
    CHECK_INT(petition_merge(db, a2, a3, NULL, now, err, sizeof err), 0);   /* a1 -> a2 -> a3 */
    Arena *a = arena_new();
    PetitionPublic p;
    CHECK_INT(petition_public_lookup(db, a, c1, today, &p), 1);
    CHECK_INT(p.merged, 1);
    CHECK_INT(p.id, a3);
    CHECK_STR(p.status_label, "Đã tiếp nhận");
    CHECK_INT(answer(a3, "resolved", "zqpub Đã thay bóng đèn.", 1), 0);
    CHECK_INT(petition_public_lookup(db, a, c1, today, &p), 1);
    CHECK_INT(p.id, a3);
    CHECK_INT(p.answer_shown, 1);
    CHECK_STR(p.answer_text, "zqpub Đã thay bóng đèn.");
    CHECK_INT(petition_public_lookup(db, a, c3, today, &p), 1);
    CHECK_INT(p.merged, 0);
    /* the merged ones are never in the list; the kept one is */
    CHECK_INT(list_count("zqpub den duong ngo 5", NULL, 0, 0), 1);
    arena_free(a);
}

TEST(test_filters)
{
    char err[300];
    int64_t s1 = 0, s2 = 0;
    CHECK_INT(session_create(db, city, 0, 41, "regular", "", today - 10 * DAY, today - 8 * DAY, 0, &s1, err, sizeof err), 0);
    CHECK_INT(session_create(db, city, 0, 42, "thematic", "", today + 20 * DAY, today + 21 * DAY, 0, &s2, err, sizeof err), 0);
    int64_t p1 = make("zqpub zqfilter Giao thông: ổ gà trên đường Kim Mã.", "giao-thong", city, ward_unit, s1, NULL);
    int64_t p2 = make("zqpub zqfilter Môi trường: rác thải ven hồ.", "moi-truong", city, other_unit, s2, NULL);
    int64_t p3 = make("zqpub zqfilter Giao thông: thiếu biển báo.", "giao-thong", city, other_unit, s1, NULL);
    int64_t p4 = make("zqpub zqfilter Chưa trả lời: giao thông.", "giao-thong", city, ward_unit, s1, NULL);
    CHECK(p1 > 0 && p2 > 0 && p3 > 0 && p4 > 0);
    /* petition_classify in answer() sets the field to dat-dai: classify again to the real field after */
    CHECK_INT(answer(p1, "resolved", "Đã vá.", 1), 0);
    CHECK_INT(answer(p2, "answered_explained", "Đã giải thích.", 1), 0);
    CHECK_INT(answer(p3, "not_resolvable", "Chưa có kinh phí.", 1), 0);
    CHECK_INT(db_exec(db, "UPDATE petitions SET field_id = (SELECT id FROM petition_fields WHERE code = 'giao-thong') WHERE id IN (?1, ?2)",
                      "ll", p1, p3), DB_OK);
    CHECK_INT(db_exec(db, "UPDATE petitions SET field_id = (SELECT id FROM petition_fields WHERE code = 'moi-truong') WHERE id = ?1",
                      "l", p2), DB_OK);
    CHECK_INT(list_count("zqfilter", NULL, 0, 0), 3);   /* p4 has no answer */
    CHECK_INT(list_count("zqfilter", "giao-thong", 0, 0), 2);
    CHECK_INT(list_count("zqfilter", "moi-truong", 0, 0), 1);
    CHECK_INT(list_count("zqfilter", "y-te", 0, 0), 0);
    CHECK_INT(list_count("zqfilter", NULL, ward_unit, 0), 1);
    CHECK_INT(list_count("zqfilter", NULL, other_unit, 0), 2);
    CHECK_INT(list_count("zqfilter", NULL, 0, s1), 2);
    CHECK_INT(list_count("zqfilter", NULL, 0, s2), 1);
    CHECK_INT(list_count("zqfilter", "giao-thong", other_unit, s1), 1);
    /* the options of the filters name what is published */
    Arena *a = arena_new();
    PetitionOption *o = NULL;
    size_t n = 0;
    int found = 0;
    CHECK_INT(petition_public_sessions_used(db, a, &o, &n), 0);
    for (size_t i = 0; i < n; i++)
        if (o[i].id == s2) found = !strcmp(o[i].label, "Kỳ họp thứ 42 (chuyên đề) – Hội đồng nhân dân thành phố Hà Nội");
    CHECK(found);
    found = 0;
    CHECK_INT(petition_public_units_used(db, a, &o, &n), 0);
    for (size_t i = 0; i < n; i++) found += o[i].id == ward_unit || o[i].id == other_unit;
    CHECK_INT(found, 2);
    CHECK_INT(petition_public_fields(db, a, &o, &n), 0);
    CHECK(n >= 10);
    CHECK_STR(o[0].code, "dat-dai");
    /* pagination: 2 per page */
    PetitionFilter f = {.q = "zqfilter", .limit = 2};
    PetitionPublic *l = NULL;
    int64_t total = 0;
    CHECK_INT(petition_public_list(db, a, &f, today, &l, &n, &total), 0);
    CHECK_INT(total, 3);
    CHECK_INT(n, 2);
    f.offset = 2;
    CHECK_INT(petition_public_list(db, a, &f, today, &l, &n, &total), 0);
    CHECK_INT(n, 1);
    arena_free(a);
}

TEST(test_search_folds_and_escapes)
{
    int64_t p1 = make("zqpub zqsearch Tranh chấp ĐẤT ĐAI ở thôn Đông.", NULL, city, ward_unit, 0, NULL);
    int64_t p2 = make("zqpub zqsearch Đề nghị giảm 50% phí gửi xe.", NULL, city, ward_unit, 0, NULL);
    int64_t p3 = make("zqpub zqsearch Mã tuyến a_b chạy thưa.", NULL, city, ward_unit, 0, NULL);
    int64_t p4 = make("zqpub zqsearch Tuyến axb và 500 phí khác.", NULL, city, ward_unit, 0, NULL);
    CHECK_INT(answer(p1, "resolved", "Đã giải quyết.", 1), 0);
    CHECK_INT(answer(p2, "resolved", "Đã giải quyết.", 1), 0);
    CHECK_INT(answer(p3, "resolved", "Đã giải quyết.", 1), 0);
    CHECK_INT(answer(p4, "resolved", "Đã giải quyết.", 1), 0);
    CHECK_INT(list_count("zqsearch dat dai", NULL, 0, 0), 1);
    CHECK_INT(list_count("zqsearch đất đai", NULL, 0, 0), 1);
    CHECK_INT(list_count("ZQSEARCH Đất Đai", NULL, 0, 0), 1);
    CHECK_INT(list_count("zqsearch dong", NULL, 0, 0), 1);    /* Đông -> dong */
    CHECK_INT(list_count("zqsearch dai dat", NULL, 0, 0), 1); /* every word, any order */
    CHECK_INT(list_count("zqsearch dat zzzz", NULL, 0, 0), 0);
    /* % and _ are literal */
    CHECK_INT(list_count("zqsearch 50%", NULL, 0, 0), 1);
    CHECK_INT(list_count("zqsearch 5_%", NULL, 0, 0), 0);   /* a wildcard _ would match "50%" */
    CHECK_INT(list_count("zqsearch %", NULL, 0, 0), 1);
    CHECK_INT(list_count("zqsearch a_b", NULL, 0, 0), 1);   /* not "axb" */
    CHECK_INT(list_count("zqsearch a\\b", NULL, 0, 0), 0);
    CHECK_INT(list_count("zqsearch", NULL, 0, 0), 4);
    Arena *a = arena_new();
    CHECK_STR(petition_public_like(a, "a%b_c\\d"), "%a\\%b\\_c\\\\d%");
    arena_free(a);
}

TEST(test_places_and_route)
{
    Arena *a = arena_new();
    int64_t c = 0;
    const char *cname = NULL;
    PetitionOption *o = NULL;
    size_t n = 0;
    CHECK_INT(petition_public_places(db, a, today, &c, &cname, &o, &n), 0);
    CHECK_INT(c, city);
    CHECK_STR(cname, "Hội đồng nhân dân thành phố Hà Nội");
    CHECK_INT(n, 126);
    int has = 0;
    for (size_t i = 0; i < n; i++) has += o[i].id == ward_unit;
    CHECK_INT(has, 1);
    int64_t to = 0;
    CHECK_INT(petition_public_route(db, 0, today, &to), 0);
    CHECK_INT(to, city);
    CHECK_INT(petition_public_route(db, ward_unit, today, &to), 0);
    CHECK_INT(to, ward);
    /* the city's own unit, a unit that ended with the 2025 reform, no unit */
    int64_t city_unit = db_int(db, 0, "SELECT unit_id FROM councils WHERE id = ?1", "l", city);
    int64_t former = db_int(db, 0, "SELECT id FROM units WHERE level = 'commune' AND valid_to IS NOT NULL ORDER BY id LIMIT 1", "");
    CHECK(former > 0);
    CHECK_INT(petition_public_route(db, city_unit, today, &to), -1);
    CHECK_INT(petition_public_route(db, former, today, &to), -1);
    CHECK_INT(petition_public_route(db, 99999999, today, &to), -1);
    arena_free(a);
}

TEST(test_answer_documents)
{
    char code[PETITION_CODE_SIZE], files[300], err[300];
    snprintf(files, sizeof files, "%s/files", dir);
    int64_t id = make("zqpub zqdocs Đề nghị công khai quy hoạch khu dân cư.", NULL, city, ward_unit, 0, code);
    Arena *a = arena_new();
    const char *serr = NULL;
    static const char answer_pdf[] = "%PDF-1.4\n% văn bản trả lời\ntrailer<<>>\n%%EOF\n";
    static const char sender_pdf[] = "%PDF-1.4\n% tệp của người gửi\ntrailer<<>>\n%%EOF\n";
    int64_t fa = store_put_mem(db, a, files, answer_pdf, sizeof answer_pdf - 1, 1 << 20, &serr);
    int64_t fs = store_put_mem(db, a, files, sender_pdf, sizeof sender_pdf - 1, 1 << 20, &serr);
    CHECK(fa > 0 && fs > 0);
    CHECK_INT(petition_add_file(db, id, fs, "ảnh của tôi.pdf", "sender"), 0);
    CHECK_INT(answer(id, "answered_explained", "zqpub Đã công khai tại trụ sở.", 0), 0);
    CHECK_INT(petition_add_file(db, id, fa, "Công văn trả lời số 12.pdf", "answer"), 0);
    const char *sha = NULL, *mime = NULL, *name = NULL;
    PetitionPublic p;
    /* not published: no documents, the file is not served */
    CHECK_INT(petition_public_lookup(db, a, code, today, &p), 1);
    CHECK_INT(p.ndocs, 0);
    CHECK_INT(petition_public_answer_file(db, a, id, fa, &sha, &mime, &name), 0);
    /* published: the answer's document, never the sender's */
    CHECK_INT(petition_publish(db, id, 1, NULL, now, err, sizeof err), 0);
    CHECK_INT(petition_public_lookup(db, a, code, today, &p), 1);
    CHECK_INT(p.ndocs, 1);
    if (p.ndocs == 1) {
        CHECK_INT(p.docs[0].file_id, fa);
        CHECK_STR(p.docs[0].name, "Công văn trả lời số 12.pdf");
        CHECK_STR(p.docs[0].mime, "application/pdf");
    }
    CHECK_INT(petition_public_answer_file(db, a, id, fa, &sha, &mime, &name), 1);
    CHECK_STR(name, "Công văn trả lời số 12.pdf");
    CHECK_INT(petition_public_answer_file(db, a, id, fs, &sha, &mime, &name), 0);
    CHECK_INT(petition_public_answer_file(db, a, id + 100000, fa, &sha, &mime, &name), 0);
    PetitionFilter f = {.q = "zqdocs", .limit = 5};
    PetitionPublic *l = NULL;
    size_t n = 0;
    int64_t total = 0;
    CHECK_INT(petition_public_list(db, a, &f, today, &l, &n, &total), 0);
    CHECK_INT(n, 1);
    if (n == 1) CHECK_INT(l[0].ndocs, 1);
    arena_free(a);
}

static const char *write_file(const char *name, const void *data, size_t n)
{
    static char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return NULL;
    fwrite(data, 1, n, f);
    fclose(f);
    return path;
}

TEST(test_file_type)
{
    static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R',
                                        0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde};
    static const unsigned char jpg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0};
    static const char html[] = "<html><script>alert(1)</script></html>\n";
    static const unsigned char zip[] = {'P', 'K', 3, 4, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                        0, 0, 1, 0, 0, 0, 'a', 'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    CHECK_STR(petition_public_file_type(write_file("a.pdf", pdf, sizeof pdf - 1)), "application/pdf");
    CHECK_STR(petition_public_file_type(write_file("a.png", png, sizeof png)), "image/png");
    CHECK_STR(petition_public_file_type(write_file("a.jpg", jpg, sizeof jpg)), "image/jpeg");
    CHECK(petition_public_file_type(write_file("b.pdf", html, sizeof html - 1)) == NULL);
    CHECK(petition_public_file_type(write_file("c.pdf", zip, sizeof zip)) == NULL);
    CHECK(petition_public_file_type("/nonexistent/file.pdf") == NULL);
    CHECK(petition_public_file_type(NULL) == NULL);
}

int main(void)
{
    t_prog = "unit_petition_public";
    snprintf(dir, sizeof dir, "/tmp/hd-unit-petpub-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char path[300], files[300], err[512] = "";
    snprintf(path, sizeof path, "%s/t.db", dir);
    snprintf(files, sizeof files, "%s/files", dir);
    db = db_open(t_db(path), 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); return 1; }
    vn_parse_datetime("2026-12-05 12:00", &now);
    today = vn_day_start(now);
    if (demo_load(db, files, now, err, sizeof err) != 0) { fprintf(stderr, "demo: %s\n", err); return 1; }
    const char *cur = "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = ?1 AND c.valid_to IS NULL";
    city = db_int(db, 0, cur, "t", "thanh-pho-ha-noi");
    ward = db_int(db, 0, cur, "t", "phuong-ba-dinh");
    ward_unit = db_int(db, 0, "SELECT unit_id FROM councils WHERE id = ?1", "l", ward);
    other_unit = db_int(db, 0, "SELECT u.unit_id FROM councils u JOIN units x ON x.id = u.unit_id WHERE x.slug = ?1"
                               " AND u.valid_to IS NULL", "t", "phuong-ngoc-ha");
    if (city <= 0 || ward <= 0 || ward_unit <= 0 || other_unit <= 0) { fprintf(stderr, "councils missing\n"); return 1; }
    if (agency_create(db, city, "UBND phường Ba Đình (zqpub)", "commune", 0, &agency, err, sizeof err) != 0) {
        fprintf(stderr, "agency: %s\n", err);
        return 1;
    }
    RUN(test_lookup_and_unpublished_answer);
    RUN(test_merged_shows_the_kept_one);
    RUN(test_filters);
    RUN(test_search_folds_and_escapes);
    RUN(test_answer_documents);
    RUN(test_places_and_route);
    RUN(test_file_type);
    db_close(db);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
    return t_done();
}
