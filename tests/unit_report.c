/* unit_report.c - review reports (report.c; issue 9 item 3): numbers typed
 * the Vietnamese way, the template and campaign writers' refusals, the
 * aggregate against the same figures summed by SQL, and the demo's board
 * (126 communes addressed, every status present). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "demo.h"
#include "report.h"
#include "t.h"
#include "vn.h"

static Db *db;
static char dir[200];

static int64_t day(const char *iso)
{
    int64_t t = 0;
    vn_parse_datetime(iso, &t);
    return t;
}

TEST(test_parse_number)
{
    static const struct { const char *in; double want; int ok; } cases[] = {
        {"4.922.512", 4922512, 0}, {"4,5", 4.5, 0}, {"1.204", 1204, 0}, {"4.5", 4.5, 0}, {"4.25", 4.25, 0},
        {"12", 12, 0}, {" 7 ", 7, 0}, {"1.204,5", 1204.5, 0}, {"25,4%", 25.4, 0},
        {"mười", 0, -1}, {"", 0, -1}, {"1,2,3", 0, -1}, {"4.5.x", 0, -1}, {"nan", 0, -1}, {"1e999", 0, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v = -1;
        int rc = report_parse_number(cases[i].in, &v);
        if (rc != cases[i].ok || (rc == 0 && fabs(v - cases[i].want) > 1e-9)) {
            fprintf(stderr, "  parse \"%s\": rc %d value %g, expected rc %d value %g\n", cases[i].in, rc, v,
                    cases[i].ok, cases[i].want);
            CHECK(0);
        }
    }
}

TEST(test_writers_refuse)
{
    char err[512];
    int64_t city = db_int(db, 0, "SELECT id FROM councils WHERE level = 'province' AND valid_to IS NULL", "");
    int64_t ward = db_int(db, 0, "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = 'phuong-ba-dinh'"
                                 " AND c.valid_to IS NULL", "");
    int64_t tpl = 0, ver = 0;
    CHECK_INT(report_template_add(db, city, "Mẫu thử", 0, &tpl, err, sizeof err), 0);
    ReportFieldIn dup[] = {{"a", "A", "number", "", "", "", 0}, {"a", "B", "number", "", "", "", 0}};
    CHECK_INT(report_template_version_add(db, tpl, dup, 2, 0, &ver, err, sizeof err), -1);
    CHECK_CONTAINS(err, "bị trùng");
    ReportFieldIn bad[] = {{"Bad Code", "A", "number", "", "", "", 0}};
    CHECK_INT(report_template_version_add(db, tpl, bad, 1, 0, &ver, err, sizeof err), -1);
    ReportFieldIn one_choice[] = {{"c", "C", "choice", "", "Chỉ một", "", 0}};
    CHECK_INT(report_template_version_add(db, tpl, one_choice, 1, 0, &ver, err, sizeof err), -1);
    CHECK_CONTAINS(err, "hai lựa chọn");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM report_template_versions WHERE template_id = ?1", "l", tpl), 0);
    ReportFieldIn ok[] = {{"a", "A", "number", "", "", "", 1}};
    CHECK_INT(report_template_version_add(db, tpl, ok, 1, 0, &ver, err, sizeof err), 0);
    ReportCampaignIn in = {.council_id = city, .version_id = ver, .title = "Đợt thử", .kind = "year",
                           .period_from = day("2026-01-01"), .period_to = day("2026-12-31"), .deadline = day("2025-12-01")};
    int64_t camp = 0;
    CHECK_INT(report_campaign_add(db, &in, &camp, err, sizeof err), -1);
    CHECK_CONTAINS(err, "Hạn nộp phải sau");
    in.deadline = day("2027-01-15");
    in.council_id = ward;   /* the template is the city's */
    CHECK_INT(report_campaign_add(db, &in, &camp, err, sizeof err), -1);
    in.council_id = city;
    CHECK_INT(report_campaign_add(db, &in, &camp, err, sizeof err), 0);
    /* only to councils below */
    CHECK_INT(report_target_add(db, camp, city, err, sizeof err), -1);
    CHECK_CONTAINS(err, "cấp dưới");
    CHECK_INT(report_target_add(db, camp, ward, err, sizeof err), 0);
    /* a council not addressed cannot save */
    int64_t other = db_int(db, 0, "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = 'phuong-ngoc-ha'"
                                  " AND c.valid_to IS NULL", "");
    ReportValueIn v[] = {{"a", "3"}};
    CHECK_INT(report_save(db, camp, other, v, 1, 0, 0, "x", day("2026-06-01"), NULL, err, sizeof err), -1);
    CHECK_CONTAINS(err, "không gửi tới");
    /* deciding a draft is refused */
    int64_t rid = 0;
    CHECK_INT(report_save(db, camp, ward, v, 1, 0, 0, "x", day("2026-06-01"), &rid, err, sizeof err), 0);
    CHECK_INT(report_decide(db, rid, 1, "", "y", day("2026-06-02"), err, sizeof err), -1);
    CHECK_CONTAINS(err, "Chỉ xem xét được báo cáo đã nộp");
    CHECK_INT(report_new_version(db, camp, ward, "x", day("2026-06-02"), NULL, err, sizeof err), -1);
}

TEST(test_aggregate_matches_sql)
{
    int64_t camp = db_int(db, 0, "SELECT id FROM report_campaigns WHERE kind = 'half_year' ORDER BY id LIMIT 1", "");
    CHECK(camp > 0);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM report_targets WHERE campaign_id = ?1", "l", camp), 126);
    Arena *a = arena_new();
    ReportAgg *g;
    int n;
    CHECK_INT(report_aggregate(db, a, camp, 0, &g, &n), 0);
    CHECK(n >= 10);
    int64_t accepted = db_int(db, -1, "SELECT COUNT(*) FROM reports WHERE campaign_id = ?1 AND status = 'accepted'", "l", camp);
    CHECK(accepted > 50);
    int64_t sql_sum = db_int(db, -1, "SELECT CAST(SUM(v.num) AS INTEGER) FROM reports r JOIN report_values v ON v.report_id = r.id"
                                     " JOIN report_fields f ON f.id = v.field_id WHERE r.campaign_id = ?1 AND r.status = 'accepted'"
                                     " AND f.code = 'so_kien_nghi'", "l", camp);
    int found = 0;
    for (int i = 0; i < n; i++) {
        if (!strcmp(g[i].code, "so_kien_nghi")) {
            found = 1;
            CHECK_INT((int64_t)g[i].sum, sql_sum);
            CHECK_INT(g[i].n, accepted);
            CHECK(g[i].min <= g[i].max);
        }
        if (!strcmp(g[i].code, "tu_danh_gia")) {
            int total = 0;
            for (int c = 0; c < g[i].nchoices; c++) total += g[i].counts[c];
            CHECK_INT(total, accepted);
            CHECK_INT(g[i].nchoices, 4);
        }
        if (!strcmp(g[i].code, "co_ke_hoach")) CHECK_INT(g[i].yes + g[i].no, accepted);
    }
    CHECK(found);
    /* with the submitted ones */
    ReportAgg *g2;
    int n2;
    CHECK_INT(report_aggregate(db, a, camp, 1, &g2, &n2), 0);
    int64_t sub = db_int(db, -1, "SELECT COUNT(*) FROM reports WHERE campaign_id = ?1 AND status IN ('accepted','submitted')", "l", camp);
    for (int i = 0; i < n2; i++)
        if (!strcmp(g2[i].code, "so_kien_nghi")) CHECK_INT(g2[i].n, sub);
    /* every status, and late ones, appear in the half year's demo */
    ReportState s;
    int seen[5] = {0}, late = 0;
    Stmt *st = db_prepare(db, "SELECT council_id FROM report_targets WHERE campaign_id = ?1");
    db_bind_int(st, 1, camp);
    int64_t ids[200];
    int k = 0;
    while (k < 200 && db_step(st) == DB_ROW) ids[k++] = db_col_int(st, 0);
    db_done(st);
    for (int i = 0; i < k; i++) {
        CHECK_INT(report_state(db, camp, ids[i], day("2026-12-05"), &s), 0);
        seen[s.status]++;
        late += s.late;
    }
    CHECK(seen[RS_NONE] > 0 && seen[RS_SUBMITTED] > 0 && seen[RS_RETURNED] > 0 && seen[RS_ACCEPTED] > 0);
    CHECK_INT(late, seen[RS_NONE] + seen[RS_RETURNED] + seen[RS_DRAFT]);
    arena_free(a);
}

int main(void)
{
    t_prog = "unit_report";
    snprintf(dir, sizeof dir, "/tmp/hd-unit-report-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char path[300], files[300], err[512] = "";
    snprintf(path, sizeof path, "%s/t.db", dir);
    snprintf(files, sizeof files, "%s/files", dir);
    db = db_open(t_db(path), 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); return 1; }
    if (demo_load(db, files, day("2026-11-27 12:00"), err, sizeof err) != 0) { fprintf(stderr, "demo: %s\n", err); return 1; }
    RUN(test_parse_number);
    RUN(test_writers_refuse);
    RUN(test_aggregate_matches_sql);
    db_close(db);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
    return t_done();
}
