/* http_report.c - periodic review reports through the real binary with
 * demo content (issue 9 item 3):
 *   - a commune's staff see the reminder, open the year's sơ kết with the
 *     platform's figures pre-filled, save a draft, submit it;
 *   - bad input keeps what was typed and writes nothing: a number that is
 *     not one, a missing required field on submit;
 *   - two staff editing the same draft: the second save is told (409),
 *     nothing of the first is lost;
 *   - the city's reviewer sees the board (who has not reported, SVG
 *     charts), exports CSV / XLSX / JSON, returns a report (a comment is
 *     required), accepts it after the correction; an accepted report is
 *     frozen and a correction is a new version; every version is kept;
 *   - the template changed after submissions: the accepted report keeps the
 *     fields it was filled with, the new version has the new ones;
 *   - scope: a commune cannot open the board, decide, or touch another
 *     commune's report (403, nothing written). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sodium.h>
#include "db.h"
#include "log.h"
#include "report.h"
#include "t.h"
#include "tclient.h"

#define STAFF_PASSWORD "Mật-khẩu-cán-bộ-2026"

static TServer srv;
static Db *db;
static int64_t city, ba_dinh, other, year_campaign;

static const char *url(const char *fmt, int64_t a, int64_t b)
{
    static char buf[6][240];
    static int i;
    i = (i + 1) % 6;
    snprintf(buf[i], sizeof buf[i], fmt, (long long)a, (long long)b);
    return buf[i];
}

static const char *url3(const char *fmt, int64_t a, int64_t b, int64_t c)
{
    static char buf[4][240];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], fmt, (long long)a, (long long)b, (long long)c);
    return buf[i];
}

static TClient *signed_in(const char *user)
{
    TClient *c = tc_new(&srv);
    if (tc_login(c, user, STAFF_PASSWORD) != 0) {
        fprintf(stderr, "http_report: login %s failed\n", user);
        t_failed++;
    }
    return c;
}

static int64_t report_rows(void)
{
    return db_int(db, -1, "SELECT (SELECT COUNT(*) FROM reports) + (SELECT COUNT(*) FROM report_values)"
                          " + (SELECT COALESCE(SUM(revision), 0) FROM reports)", "");
}

static const char *status_of(int64_t council)
{
    static char s[32];
    Arena *a = arena_new();
    char *v = db_text(db, a, "SELECT status FROM reports WHERE campaign_id = ?1 AND council_id = ?2 ORDER BY version DESC LIMIT 1",
                      "ll", year_campaign, council);
    snprintf(s, sizeof s, "%s", v ? v : "");
    arena_free(a);
    return s;
}

#define SAVE_URL url("/quan-tri/hoi-dong/%lld/bao-cao/%lld/luu", ba_dinh, year_campaign)

/* A full set of the demo template's fields, the revision given. */
static TResp *post_report(TClient *c, const char *rev, const char *giam_sat, int submit)
{
    return tc_post(c, SAVE_URL, "csrf", c->csrf, "revision", rev, "f_so_ky_hop", "2", "f_so_nghi_quyet", "11",
                   "f_so_giam_sat", giam_sat, "f_so_tiep_xuc_cu_tri", "5", "f_so_kien_nghi", "1.204",
                   "f_so_kien_nghi_tra_loi", "1.100", "f_so_dai_bieu", "25", "f_so_chuyen_trach", "6",
                   "f_ty_le_chuyen_trach", "24,0", "f_co_ke_hoach", "1", "f_tu_danh_gia", "Khá",
                   "f_ket_qua", "Giám sát trật tự xây dựng.", submit ? "nop" : "luu", "1", NULL);
}

TEST(test_commune_fills_and_submits)
{
    TClient *c = signed_in("bd.bientap");
    TResp *res = tc_get(c, "/quan-tri/hoi-dong");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Việc cần làm");
    CHECK_CONTAINS(res->body, "Sơ kết năm 2026 thực hiện Đề án 15-ĐA/TU</a>: Chưa bắt đầu");
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/bao-cao", ba_dinh, 0));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Báo cáo phải nộp cấp trên");
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/bao-cao/%lld", ba_dinh, year_campaign));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Số liệu tự động từ hệ thống");
    char *rev = tc_input_value(res->body, "revision");
    CHECK_STR(rev ? rev : "", "0");
    free(rev);
    /* the delegates figure is pre-filled with what the council data says */
    int64_t serving = db_int(db, -1, "SELECT COUNT(*) FROM delegates d JOIN council_terms t ON t.id = d.term_id"
                                     " WHERE t.council_id = ?1 AND d.valid_to IS NULL", "l", ba_dinh);
    char *pre = tc_input_value(res->body, "f_so_dai_bieu");
    char want[32];
    snprintf(want, sizeof want, "%lld", (long long)serving);
    CHECK_STR(pre ? pre : "", want);
    free(pre);

    int64_t before = report_rows();
    res = post_report(c, "0", "mười", 0);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "“Số cuộc giám sát chuyên đề” phải là một số không âm");
    CHECK_CONTAINS(res->body, "value=\"mười\"");
    CHECK_CONTAINS(res->body, "Giám sát trật tự xây dựng.");
    CHECK_INT(report_rows(), before);
    /* a draft without the required figures is fine; submitting it is not */
    res = tc_post(c, SAVE_URL, "csrf", c->csrf, "revision", "0", "f_so_ky_hop", "2", "luu", "1", NULL);
    CHECK_INT(res->status, 303);
    CHECK_STR(status_of(ba_dinh), "draft");
    res = tc_post(c, SAVE_URL, "csrf", c->csrf, "revision", "1", "f_so_ky_hop", "2", "nop", "1", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Chưa điền “Số nghị quyết đã ban hành” (bắt buộc khi nộp)");
    CHECK_STR(status_of(ba_dinh), "draft");
    tc_free(c);
}

TEST(test_two_editors_same_draft)
{
    TClient *a = signed_in("bd.bientap"), *b = signed_in("bd.bientap2");
    TResp *res = tc_get(a, url("/quan-tri/hoi-dong/%lld/bao-cao/%lld", ba_dinh, year_campaign));
    char *rev = tc_input_value(res->body, "revision");
    CHECK_STR(rev ? rev : "", "1");
    /* both opened revision 1; the first saves */
    res = post_report(a, rev ? rev : "1", "3", 0);
    CHECK_INT(res->status, 303);
    /* the second, with the same revision: told, its typed values kept, nothing overwritten */
    res = post_report(b, rev ? rev : "1", "9", 0);
    CHECK_INT(res->status, 409);
    CHECK_CONTAINS(res->body, "Bản nháp vừa được bd.bientap lưu lúc");
    CHECK_CONTAINS(res->body, "value=\"9\"");
    CHECK_INT(db_int(db, -1, "SELECT CAST(v.num AS INTEGER) FROM report_values v JOIN reports r ON r.id = v.report_id"
                             " JOIN report_fields f ON f.id = v.field_id WHERE r.campaign_id = ?1 AND r.council_id = ?2"
                             " AND f.code = 'so_giam_sat'", "ll", year_campaign, ba_dinh), 3);
    free(rev);
    /* submit: the numbers the Vietnamese way ("1.204") are read as 1204 */
    res = tc_get(a, url("/quan-tri/hoi-dong/%lld/bao-cao/%lld", ba_dinh, year_campaign));
    rev = tc_input_value(res->body, "revision");
    res = post_report(a, rev ? rev : "", "3", 1);
    CHECK_INT(res->status, 303);
    CHECK_STR(status_of(ba_dinh), "submitted");
    CHECK_INT(db_int(db, -1, "SELECT CAST(v.num AS INTEGER) FROM report_values v JOIN reports r ON r.id = v.report_id"
                             " JOIN report_fields f ON f.id = v.field_id WHERE r.campaign_id = ?1 AND r.council_id = ?2"
                             " AND f.code = 'so_kien_nghi'", "ll", year_campaign, ba_dinh), 1204);
    /* submitted: no more saving */
    res = post_report(a, "3", "4", 0);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "đang chờ cấp trên xem xét");
    free(rev);
    tc_free(a);
    tc_free(b);
}

TEST(test_city_board_and_decisions)
{
    TClient *rv = signed_in("tp.xemxet");
    const char *board = url("/quan-tri/hoi-dong/%lld/dot-bao-cao/%lld", city, year_campaign);
    TResp *res = tc_get(rv, board);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "gửi 126 Hội đồng nhân dân");
    CHECK_CONTAINS(res->body, "<svg class=\"chart\"");
    CHECK_CONTAINS(res->body, "Chưa bắt đầu: <strong>");
    CHECK_CONTAINS(res->body, "Tổng hợp số liệu");
    CHECK_CONTAINS(res->body, "Số kiến nghị cử tri tiếp nhận (kiến nghị)");
    /* who has not started */
    res = tc_get(rv, url("/quan-tri/hoi-dong/%lld/dot-bao-cao/%lld?trang-thai=1", city, year_campaign));
    CHECK_INT(res->status, 200);
    CHECK_NOT_CONTAINS(res->body, "Hội đồng nhân dân phường Ba Đình</a>");
    /* exports */
    const char *exp = url("/quan-tri/hoi-dong/%lld/dot-bao-cao/%lld/xuat?dinh-dang=csv", city, year_campaign);
    res = tc_get(rv, exp);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Hội đồng nhân dân,Trạng thái,Phiên bản,Ngày nộp,Quá hạn,Số kỳ họp đã tổ chức");
    CHECK_CONTAINS(res->body, "Hội đồng nhân dân phường Ba Đình,\"Đã nộp, chờ xem xét\",1,");
    res = tc_get(rv, url("/quan-tri/hoi-dong/%lld/dot-bao-cao/%lld/xuat?dinh-dang=xlsx", city, year_campaign));
    CHECK_INT(res->status, 200);
    CHECK(res->len > 1000 && !memcmp(res->body, "PK\x03\x04", 4));
    res = tc_get(rv, url("/quan-tri/hoi-dong/%lld/dot-bao-cao/%lld/xuat?dinh-dang=json", city, year_campaign));
    CHECK_INT(res->status, 200);
    json_error_t je;
    json_t *j = json_loads(res->body, 0, &je);
    CHECK(j != NULL);
    if (j) { CHECK_INT((int64_t)json_array_size(json_object_get(j, "reports")), 126); json_decref(j); }

    const char *view = url3("/quan-tri/hoi-dong/%lld/dot-bao-cao/%lld/hd/%lld", city, year_campaign, ba_dinh);
    const char *decide = url3("/quan-tri/hoi-dong/%lld/dot-bao-cao/%lld/hd/%lld/quyet-dinh", city, year_campaign, ba_dinh);
    res = tc_get(rv, view);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Xem xét báo cáo");
    CHECK_CONTAINS(res->body, "1.204");
    /* returning needs a comment */
    res = tc_post(rv, decide, "csrf", rv->csrf, "quyet-dinh", "tra-lai", "y-kien", "", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "cần ghi rõ nội dung cần sửa");
    CHECK_STR(status_of(ba_dinh), "submitted");
    res = tc_post(rv, decide, "csrf", rv->csrf, "quyet-dinh", "tra-lai", "y-kien", "Số kiến nghị đã trả lời chưa khớp.", NULL);
    CHECK_INT(res->status, 303);
    CHECK_STR(status_of(ba_dinh), "returned");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM audit_log WHERE action = 'report.return' AND council_id = ?1", "l", ba_dinh), 1);

    /* the commune corrects and resubmits */
    TClient *c = signed_in("bd.bientap");
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/bao-cao/%lld", ba_dinh, year_campaign));
    CHECK_CONTAINS(res->body, "Cấp trên trả lại: Số kiến nghị đã trả lời chưa khớp.");
    char *rev = tc_input_value(res->body, "revision");
    res = post_report(c, rev ? rev : "", "3", 1);
    CHECK_INT(res->status, 303);
    free(rev);
    res = tc_post(rv, decide, "csrf", rv->csrf, "quyet-dinh", "chap-nhan", "y-kien", "", NULL);
    CHECK_INT(res->status, 303);
    CHECK_STR(status_of(ba_dinh), "accepted");
    /* frozen */
    res = post_report(c, "5", "4", 0);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "đã được chấp nhận và không sửa được nữa");
    res = tc_post(rv, decide, "csrf", rv->csrf, "quyet-dinh", "tra-lai", "y-kien", "Muộn quá", NULL);
    CHECK_INT(res->status, 400);
    CHECK_STR(status_of(ba_dinh), "accepted");

    /* the template changes after submissions began: v2 drops a field and adds one */
    int64_t tpl = db_int(db, 0, "SELECT v.template_id FROM report_campaigns p JOIN report_template_versions v"
                                " ON v.id = p.version_id WHERE p.id = ?1", "l", year_campaign);
    ReportFieldIn f2[] = {
        {"so_ky_hop", "Số kỳ họp đã tổ chức", "number", "kỳ họp", "", "", 1},
        {"so_hoi_nghi", "Số hội nghị chuyên đề", "number", "hội nghị", "", "", 0},
    };
    int64_t v2 = 0;
    char err[256];
    CHECK_INT(report_template_version_add(db, tpl, f2, 2, 1796443200, &v2, err, sizeof err), 0);
    CHECK_INT(db_exec(db, "UPDATE report_campaigns SET version_id = ?2 WHERE id = ?1", "ll", year_campaign, v2), DB_OK);
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/bao-cao/%lld", ba_dinh, year_campaign));
    CHECK_CONTAINS(res->body, "Số cuộc giám sát chuyên đề");      /* the accepted version keeps its fields */
    CHECK_NOT_CONTAINS(res->body, "Số hội nghị chuyên đề");
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/bao-cao/%lld/phien-ban-moi", ba_dinh, year_campaign), "csrf", c->csrf, NULL);
    CHECK_INT(res->status, 303);
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/bao-cao/%lld", ba_dinh, year_campaign));
    CHECK_CONTAINS(res->body, "Số hội nghị chuyên đề");
    CHECK_NOT_CONTAINS(res->body, "Số cuộc giám sát chuyên đề");
    char *ky = tc_input_value(res->body, "f_so_ky_hop");
    CHECK_STR(ky ? ky : "", "2");                                  /* carried over by code */
    free(ky);
    CHECK_CONTAINS(res->body, "Các phiên bản");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM reports WHERE campaign_id = ?1 AND council_id = ?2", "ll",
                     year_campaign, ba_dinh), 2);
    tc_free(c);
    tc_free(rv);
}

TEST(test_city_opens_a_campaign)
{
    TClient *c = signed_in("tp.bientap");
    const char *list = url("/quan-tri/hoi-dong/%lld/bao-cao", city, 0);
    TResp *res = tc_get(c, list);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Mở đợt báo cáo mới");
    CHECK_CONTAINS(res->body, "gửi tới 126 Hội đồng nhân dân cấp dưới trực tiếp");
    int64_t version = db_int(db, 0, "SELECT MAX(v.id) FROM report_template_versions v JOIN report_templates t"
                                    " ON t.id = v.template_id WHERE t.council_id = ?1", "l", city);
    int64_t before = db_int(db, -1, "SELECT COUNT(*) FROM report_campaigns", "");
    const char *open = url("/quan-tri/hoi-dong/%lld/dot-bao-cao/mo", city, 0);
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)version);
    res = tc_post(c, open, "csrf", c->csrf, "title", "Tổng kết nhiệm kỳ", "kind", "final", "version", v,
                  "from", "1/1/2026", "to", "31/12/2026", "deadline", "31/2/2027", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Ngày không hợp lệ");
    CHECK_CONTAINS(res->body, "value=\"Tổng kết nhiệm kỳ\"");
    res = tc_post(c, open, "csrf", c->csrf, "title", "Tổng kết nhiệm kỳ", "kind", "final", "version", v,
                  "from", "1/1/2026", "to", "31/12/2026", "deadline", "1/1/2025", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Hạn nộp phải sau");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM report_campaigns", ""), before);
    res = tc_post(c, open, "csrf", c->csrf, "title", "Tổng kết nhiệm kỳ", "kind", "final", "version", v,
                  "from", "1/1/2026", "to", "31/12/2026", "deadline", "20/1/2027", NULL);
    CHECK_INT(res->status, 303);
    int64_t camp = db_int(db, 0, "SELECT id FROM report_campaigns WHERE title = 'Tổng kết nhiệm kỳ'", "");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM report_targets WHERE campaign_id = ?1", "l", camp), 126);
    tc_free(c);
    /* the commune sees it due */
    TClient *b = signed_in("bd.bientap");
    res = tc_get(b, "/quan-tri/hoi-dong");
    CHECK_CONTAINS(res->body, "Tổng kết nhiệm kỳ</a>: Chưa bắt đầu");
    /* and cannot open one for the city */
    res = tc_post(b, open, "csrf", b->csrf, "title", "Không được", "kind", "final", "version", v,
                  "from", "1/1/2026", "to", "31/12/2026", "deadline", "20/1/2027", NULL);
    CHECK_INT(res->status, 403);
    tc_free(b);
}

TEST(test_define_template_and_round)
{
    TClient *c = signed_in("tp.bientap");
    const char *tpl = url("/quan-tri/hoi-dong/%lld/mau-bao-cao", city, 0);
    int64_t before = db_int(db, -1, "SELECT COUNT(*) FROM report_fields", "");
    TResp *res = tc_post(c, tpl, "csrf", c->csrf, "tpl_name", "Báo cáo giám sát",
                         "tpl_fields", "so_giam_sat | Số cuộc giám sát | number | cuộc | | | x\n\nmuc_do | Mức độ | choice | | Tốt\n", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "cần ít nhất hai lựa chọn");
    CHECK_CONTAINS(res->body, "so_giam_sat | Số cuộc giám sát");
    res = tc_post(c, tpl, "csrf", c->csrf, "tpl_name", "Báo cáo giám sát", "tpl_fields", "Sai Mã | A | number\n", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Mã trường “Sai Mã” không hợp lệ");
    res = tc_post(c, tpl, "csrf", c->csrf, "tpl_name", "Báo cáo giám sát", "tpl_fields", "chỉ một ô\n", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Dòng 1: cần ít nhất mã | tên | loại");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM report_fields", ""), before);
    res = tc_post(c, tpl, "csrf", c->csrf, "tpl_name", "Báo cáo giám sát",
                  "tpl_fields", "so_giam_sat | Số cuộc giám sát | number | cuộc | | | x\n\nmuc_do | Mức độ | choice | | Tốt;Khá;Chưa đạt\n"
                                "so_dai_bieu | Số đại biểu | number | người | | delegates |\n", NULL);
    CHECK_INT(res->status, 303);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM report_fields", ""), before + 3);
    CHECK_INT(db_int(db, -1, "SELECT required FROM report_fields WHERE code = 'so_giam_sat' ORDER BY id DESC LIMIT 1", ""), 1);
    /* the same name again: its next version */
    res = tc_post(c, tpl, "csrf", c->csrf, "tpl_name", "Báo cáo giám sát", "tpl_fields", "so_giam_sat | Số cuộc | number\n", NULL);
    CHECK_INT(res->status, 303);
    CHECK_INT(db_int(db, -1, "SELECT MAX(v.version) FROM report_template_versions v JOIN report_templates t ON t.id = v.template_id"
                             " WHERE t.name = 'Báo cáo giám sát'", ""), 2);
    /* an emulation round defined as text */
    const char *round = url("/quan-tri/hoi-dong/%lld/thi-dua/moi", city, 0);
    char camp[32];
    snprintf(camp, sizeof camp, "%lld", (long long)year_campaign);
    res = tc_post(c, round, "csrf", c->csrf, "round_title", "Thi đua thử", "round_year", "2026", "campaign", camp,
                  "round_criteria", "Đúng hạn | 10 | report_on_time\nTỷ lệ | mười | report_ratio | a | b\n", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Dòng 2: cần tên | số điểm | cách chấm");
    CHECK_CONTAINS(res->body, "Tỷ lệ | mười");
    res = tc_post(c, round, "csrf", c->csrf, "round_title", "Thi đua thử", "round_year", "2026", "campaign", camp,
                  "round_criteria", "Đúng hạn | 10 | report_on_time\nTỷ lệ | 20 | report_ratio | so_kien_nghi_tra_loi\n", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Dòng 2: Tiêu chí “Tỷ lệ” cần mã trường");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM emulation_rounds WHERE title = 'Thi đua thử'", ""), 0);
    res = tc_post(c, round, "csrf", c->csrf, "round_title", "Thi đua thử", "round_year", "2026", "campaign", camp,
                  "round_criteria", "Đúng hạn | 10 | report_on_time\nĐánh giá | 7,5 | manual\n", NULL);
    CHECK_INT(res->status, 303);
    int64_t rid = db_int(db, 0, "SELECT id FROM emulation_rounds WHERE title = 'Thi đua thử'", "");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM emulation_criteria WHERE round_id = ?1", "l", rid), 2);
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/thi-dua/%lld", city, rid));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Xếp hạng 126 Hội đồng nhân dân");
    tc_free(c);
    /* a commune cannot define the city's */
    TClient *b = signed_in("bd.bientap");
    res = tc_post(b, tpl, "csrf", b->csrf, "tpl_name", "X", "tpl_fields", "a | A | number\n", NULL);
    CHECK_INT(res->status, 403);
    tc_free(b);
}

TEST(test_scope)
{
    TClient *c = signed_in("bd.bientap");
    int64_t before = report_rows();
    TResp *res = tc_get(c, url("/quan-tri/hoi-dong/%lld/dot-bao-cao/%lld", city, year_campaign));
    CHECK_INT(res->status, 403);
    /* its own URL is not the campaign's owner */
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/dot-bao-cao/%lld", ba_dinh, year_campaign));
    CHECK_INT(res->status, 403);
    res = tc_post(c, url3("/quan-tri/hoi-dong/%lld/dot-bao-cao/%lld/hd/%lld/quyet-dinh", city, year_campaign, ba_dinh),
                  "csrf", c->csrf, "quyet-dinh", "chap-nhan", NULL);
    CHECK_INT(res->status, 403);
    /* another commune's report */
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/bao-cao/%lld/luu", other, year_campaign), "csrf", c->csrf,
                  "revision", "0", "f_so_ky_hop", "1", "luu", "1", NULL);
    CHECK_INT(res->status, 403);
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/bao-cao/%lld", other, year_campaign));
    CHECK_INT(res->status, 403);
    tc_free(c);
    /* the reviewer decides but does not fill in */
    TClient *rv = signed_in("tp.xemxet");
    res = tc_post(rv, url("/quan-tri/hoi-dong/%lld/bao-cao/%lld/luu", other, year_campaign), "csrf", rv->csrf,
                  "revision", "0", "f_so_ky_hop", "1", "luu", "1", NULL);
    CHECK_INT(res->status, 403);
    tc_free(rv);
    CHECK_INT(report_rows(), before);
}

static int setup(void)
{
    db = ts_db(&srv);
    if (!db) return -1;
    const char *cur = "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = ?1"
                      " AND c.valid_to IS NULL";
    city = db_int(db, 0, cur, "t", "thanh-pho-ha-noi");
    ba_dinh = db_int(db, 0, cur, "t", "phuong-ba-dinh");
    other = db_int(db, 0, cur, "t", "phuong-ngoc-ha");
    year_campaign = db_int(db, 0, "SELECT id FROM report_campaigns WHERE kind = 'year' ORDER BY id LIMIT 1", "");
    if (city <= 0 || ba_dinh <= 0 || other <= 0 || year_campaign <= 0) {
        fprintf(stderr, "http_report: demo ids missing\n");
        return -1;
    }
    int rc = ts_council_staff(&srv, STAFF_PASSWORD);
    rc |= ts_clock_set(&srv, 1796443200);   /* 5/12/2026 12:00 +07:00: before the year's deadline */
    return rc == 0 ? 0 : -1;
}

int main(void)
{
    t_prog = "http_report";
    log_quiet = 1;
    if (sodium_init() < 0) return 1;
    if (ts_start(&srv, 1) != 0) {
        fprintf(stderr, "http_report: server did not start\n");
        t_failed++;
        return t_done();
    }
    if (setup() != 0) {
        fprintf(stderr, "http_report: setup failed\n");
        t_failed++;
        ts_stop(&srv);
        return t_done();
    }
    RUN(test_commune_fills_and_submits);
    RUN(test_two_editors_same_draft);
    RUN(test_city_board_and_decisions);
    RUN(test_city_opens_a_campaign);
    RUN(test_define_template_and_round);
    RUN(test_scope);
    db_close(db);
    ts_stop(&srv);
    return t_done();
}
