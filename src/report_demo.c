/* report_demo.c - the review-report part of `hoidong demo` (issue 9 item 3).
 *
 * All sample content (is_sample = 1 on the template and campaigns; their
 * reports go with them): the city council's template "Sơ kết thực hiện Đề
 * án 15-ĐA/TU" (figures the Đề án asks about, three pre-filled from the
 * council data, a yes/no, a choice and two narratives), and two campaigns
 * addressed to the 126 commune councils: the first half of 2026 (deadline
 * 15/7/2026: mostly accepted, some returned, some never sent, so late) and
 * the year 2026 (deadline 15/12/2026: in progress).  Figures are seeded
 * per commune from its code, so every run gives the same board.  phường
 * Ba Đình has not started its year report: its staff can fill it in. */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "emulation.h"
#include "report.h"
#include "report_demo.h"
#include "vn.h"

static int64_t day(const char *iso)
{
    int64_t t = 0;
    vn_parse_datetime(iso, &t);
    return t;
}

static const ReportFieldIn fields[] = {
    {"so_ky_hop", "Số kỳ họp đã tổ chức", "number", "kỳ họp", "", "", 1},
    {"so_nghi_quyet", "Số nghị quyết đã ban hành", "number", "nghị quyết", "", "", 1},
    {"so_giam_sat", "Số cuộc giám sát chuyên đề", "number", "cuộc", "", "", 1},
    {"so_chat_van", "Số phiên chất vấn, giải trình", "number", "phiên", "", "", 0},
    {"so_tiep_xuc_cu_tri", "Số cuộc tiếp xúc cử tri", "number", "cuộc", "", "", 1},
    {"so_kien_nghi", "Số kiến nghị cử tri tiếp nhận", "number", "kiến nghị", "", "", 1},
    {"so_kien_nghi_tra_loi", "Số kiến nghị cử tri đã được trả lời", "number", "kiến nghị", "", "", 1},
    {"so_dai_bieu", "Số đại biểu HĐND đang hoạt động", "number", "đại biểu", "", "delegates", 1},
    {"so_chuyen_trach", "Số đại biểu hoạt động chuyên trách", "number", "đại biểu", "", "full_time", 1},
    {"ty_le_chuyen_trach", "Tỷ lệ đại biểu chuyên trách", "number", "%", "", "full_time_share", 0},
    {"co_ke_hoach", "Đã ban hành kế hoạch thực hiện Đề án", "yesno", "", "", "", 1},
    {"tu_danh_gia", "Tự đánh giá mức độ thực hiện", "choice", "", "Tốt\nKhá\nTrung bình\nChưa đạt", "", 1},
    {"ket_qua", "Kết quả nổi bật", "text", "", "", "", 0},
    {"kien_nghi", "Khó khăn, vướng mắc và kiến nghị", "text", "", "", "", 0},
};
#define NFIELDS ((int)(sizeof fields / sizeof fields[0]))

static uint64_t seed_of(const char *s, uint64_t salt)
{
    uint64_t h = 1469598103934665603ull ^ salt;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ? h : 1;
}

static uint64_t next(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

/* One commune's figures for a period (months long), as form text. */
static int fill(Db *db, int64_t council, int64_t pday, uint64_t *r, int months, char buf[][48], ReportValueIn *v)
{
    int ky = months >= 12 ? 2 + (int)(next(r) % 2) : 1 + (int)(next(r) % 2);
    int kn = 8 + (int)(next(r) % (uint64_t)(months * 5));
    int tl = kn - (int)(next(r) % (uint64_t)(kn / 3 + 1));
    double pre[3] = {0, 0, 0};
    const char *codes[3] = {"delegates", "full_time", "full_time_share"};
    for (int i = 0; i < 3; i++)
        if (report_prefill(db, council, codes[i], pday, &pre[i]) < 0) return -1;
    static const char *const marks[] = {"Tốt", "Khá", "Khá", "Trung bình", "Tốt", "Chưa đạt"};
    int n = 0;
#define PUT(field, ...) do { snprintf(buf[n], sizeof buf[n], __VA_ARGS__); v[n].code = (field); v[n].text = buf[n]; n++; } while (0)
    PUT("so_ky_hop", "%d", ky);
    PUT("so_nghi_quyet", "%d", ky * 4 + (int)(next(r) % 9));
    PUT("so_giam_sat", "%d", (int)(next(r) % (uint64_t)(months / 3 + 2)));
    PUT("so_chat_van", "%d", (int)(next(r) % 3));
    PUT("so_tiep_xuc_cu_tri", "%d", ky * 2 + (int)(next(r) % 4));
    PUT("so_kien_nghi", "%d", kn);
    PUT("so_kien_nghi_tra_loi", "%d", tl);
    PUT("so_dai_bieu", "%g", pre[0]);
    PUT("so_chuyen_trach", "%g", pre[1]);
    {
        char tmp[48];
        snprintf(tmp, sizeof tmp, "%.1f", pre[2]);   /* written the Vietnamese way: 25,4 */
        for (char *p = tmp; *p; p++) if (*p == '.') *p = ',';
        PUT("ty_le_chuyen_trach", "%s", tmp);
    }
    PUT("co_ke_hoach", "%s", next(r) % 10 ? "1" : "0");
    PUT("tu_danh_gia", "%s", marks[next(r) % 6]);
#undef PUT
    v[n].code = "ket_qua";
    v[n].text = "Tổ chức kỳ họp đúng luật; giám sát việc giải quyết kiến nghị cử tri sau sắp xếp đơn vị hành chính.";
    n++;
    return n;
}

/* The 2026 emulation round of the city over its communes (issue 9 item 4):
 * criteria drawn from the half-year review, from task progress and from
 * the Standing Committee's judgement; a few manual scores; still open, so
 * the city's staff can approve it. */
static int emulation_demo(Db *db, int64_t city, int64_t now, char *err, size_t errlen)
{
    int64_t camp = db_int(db, 0, "SELECT id FROM report_campaigns WHERE council_id = ?1 AND kind = 'half_year'"
                                 " AND is_sample = 1 ORDER BY id LIMIT 1", "l", city);
    int64_t round = 0;
    if (emu_round_add(db, city, 2026, "Thi đua năm 2026 của HĐND cấp xã", camp, 1, &round, err, errlen) != 0) return -1;
    if (db_int(db, 0, "SELECT status = 'open' FROM emulation_rounds WHERE id = ?1", "l", round) != 1) return 0;
    static const struct { const char *label; double points; const char *rule, *a, *b; } crit[] = {
        {"Nộp báo cáo sơ kết 6 tháng đúng hạn", 10, "report_on_time", "", ""},
        {"Tỷ lệ kiến nghị cử tri đã được trả lời", 20, "report_ratio", "so_kien_nghi_tra_loi", "so_kien_nghi"},
        {"Giám sát chuyên đề (so với đơn vị làm nhiều nhất)", 10, "report_relative", "so_giam_sat", ""},
        {"Tỷ lệ đại biểu chuyên trách (so với đơn vị cao nhất)", 10, "report_relative", "ty_le_chuyen_trach", ""},
        {"Tiến độ các nhiệm vụ thực hiện Đề án", 10, "task_progress", "", ""},
        {"Đánh giá của Thường trực HĐND Thành phố", 10, "manual", "", ""},
    };
    for (int i = 0; i < 6; i++)
        if (emu_criterion_add(db, round, i + 1, crit[i].label, crit[i].points, crit[i].rule, crit[i].a, crit[i].b,
                              err, errlen) != 0)
            return -1;
    int64_t manual = db_int(db, 0, "SELECT id FROM emulation_criteria WHERE round_id = ?1 AND rule = 'manual'", "l", round);
    Stmt *st = db_prepare(db, "SELECT id FROM councils WHERE parent_id = ?1 AND valid_to IS NULL AND level = 'commune'"
                              " ORDER BY id LIMIT 12");
    if (!st) return -1;
    db_bind_int(st, 1, city);
    int64_t ids[12];
    int n = 0;
    while (n < 12 && db_step(st) == DB_ROW) ids[n++] = db_col_int(st, 0);
    db_done(st);
    static const char *const why[] = {"Tổ chức tốt giám sát sau sắp xếp đơn vị hành chính.",
                                      "Tiếp xúc cử tri đầy đủ, trả lời kiến nghị kịp thời.",
                                      "Chậm kiện toàn lãnh đạo các Ban."};
    for (int i = 0; i < n; i++)
        if (emu_manual_set(db, manual, ids[i], i % 3 == 2 ? 5 : 8 + (i % 3), why[i % 3], "demo", now, err, errlen) != 0)
            return -1;
    return 0;
}

int report_demo_load(Db *db, int64_t now, char *err, size_t errlen)
{
    const char *cur = "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = ?1 AND c.valid_to IS NULL";
    int64_t city = db_int(db, 0, cur, "t", "thanh-pho-ha-noi");
    int64_t ward = db_int(db, 0, cur, "t", "phuong-ba-dinh");
    if (city <= 0 || ward <= 0) { snprintf(err, errlen, "report demo: councils missing"); return -1; }
    int64_t tpl = 0, ver = 0;
    if (report_template_add(db, city, "Sơ kết thực hiện Đề án 15-ĐA/TU", 1, &tpl, err, errlen) != 0) return -1;
    ver = db_int(db, 0, "SELECT id FROM report_template_versions WHERE template_id = ?1 ORDER BY version DESC LIMIT 1",
                 "l", tpl);
    if (ver <= 0 && report_template_version_add(db, tpl, fields, NFIELDS, day("2026-01-05"), &ver, err, errlen) != 0)
        return -1;
    db_exec(db, "UPDATE report_templates SET is_sample = 1 WHERE id = ?1", "l", tpl);
    struct { const char *title, *kind, *from, *to, *deadline, *opened; int months; } camps[] = {
        {"Sơ kết 6 tháng đầu năm 2026 thực hiện Đề án 15-ĐA/TU", "half_year", "2026-01-01", "2026-06-30", "2026-07-15",
         "2026-06-15", 6},
        {"Sơ kết năm 2026 thực hiện Đề án 15-ĐA/TU", "year", "2026-01-01", "2026-12-31", "2026-12-15", "2026-11-15", 12},
    };
    for (int c = 0; c < 2; c++) {
        ReportCampaignIn in = {.council_id = city, .version_id = ver, .title = camps[c].title, .kind = camps[c].kind,
                               .period_from = day(camps[c].from), .period_to = day(camps[c].to),
                               .deadline = day(camps[c].deadline), .now = day(camps[c].opened), .sample = 1};
        int64_t camp = 0;
        if (report_campaign_add(db, &in, &camp, err, errlen) != 0) return -1;
        if (db_int(db, 0, "SELECT COUNT(*) FROM reports WHERE campaign_id = ?1", "l", camp) > 0) continue;   /* loaded */
        Stmt *st = db_prepare(db, "SELECT c.id, c.unit_code FROM councils c WHERE c.parent_id = ?1 AND c.valid_to IS NULL"
                                  " AND c.level = 'commune' ORDER BY c.id");
        if (!st) { snprintf(err, errlen, "report demo: %s", db_errmsg(db)); return -1; }
        db_bind_int(st, 1, city);
        int64_t ids[200];
        char codes[200][16];
        int n = 0;
        while (n < 200 && db_step(st) == DB_ROW) {
            ids[n] = db_col_int(st, 0);
            snprintf(codes[n], sizeof codes[n], "%s", db_col_text(st, 1));
            n++;
        }
        db_done(st);
        for (int i = 0; i < n; i++) {
            if (report_target_add(db, camp, ids[i], err, errlen) != 0) return -1;
            uint64_t r = seed_of(codes[i], (uint64_t)c + 7);
            int roll = (int)(next(&r) % 100);
            /* half year: 80 % accepted, 6 % returned, 6 % submitted late, the rest never sent;
             * year: 12 % accepted, 20 % submitted, 5 % returned, 30 % draft, the rest not started */
            int want = c == 0 ? (roll < 80 ? RS_ACCEPTED : roll < 86 ? RS_RETURNED : roll < 92 ? RS_SUBMITTED : RS_NONE)
                              : (roll < 12 ? RS_ACCEPTED : roll < 32 ? RS_SUBMITTED : roll < 37 ? RS_RETURNED
                                 : roll < 67 ? RS_DRAFT : RS_NONE);
            if (ids[i] == ward) want = c == 0 ? RS_ACCEPTED : RS_NONE;
            if (want == RS_NONE) continue;
            int64_t pday = day(camps[c].to) < now ? day(camps[c].to) : now;
            char buf[16][48];
            ReportValueIn v[16];
            int nv = fill(db, ids[i], pday, &r, camps[c].months, buf, v);
            if (nv < 0) { snprintf(err, errlen, "report demo: %s", db_errmsg(db)); return -1; }
            int64_t when = day(camps[c].deadline) - (int64_t)(next(&r) % 12) * 86400 + 9 * 3600;
            if (c == 0 && want == RS_SUBMITTED) when = day(camps[c].deadline) + (int64_t)(1 + next(&r) % 10) * 86400;
            if (c == 1 && when > now) when = now - (int64_t)(next(&r) % 10) * 86400;
            int64_t rid = 0;
            if (report_save(db, camp, ids[i], v, nv, 0, want != RS_DRAFT, "demo", when, &rid, err, errlen) != 0) return -1;
            if (want == RS_ACCEPTED || want == RS_RETURNED) {
                const char *why = want == RS_RETURNED ? "Số kiến nghị đã trả lời chưa khớp với báo cáo của UBND; đề nghị rà soát lại." : "";
                if (report_decide(db, rid, want == RS_ACCEPTED, why, "demo", when + 3 * 86400, err, errlen) != 0) return -1;
            }
        }
        db_exec(db, "UPDATE reports SET is_sample = 1 WHERE campaign_id = ?1", "l", camp);
    }
    return emulation_demo(db, city, now, err, errlen);
}

int report_demo_remove(Db *db)
{
    static const char *const sql[] = {
        "DELETE FROM emulation_results WHERE round_id IN (SELECT id FROM emulation_rounds WHERE is_sample = 1)",
        "DELETE FROM emulation_manual WHERE criterion_id IN (SELECT c.id FROM emulation_criteria c JOIN emulation_rounds r"
        " ON r.id = c.round_id WHERE r.is_sample = 1)",
        "DELETE FROM emulation_criteria WHERE round_id IN (SELECT id FROM emulation_rounds WHERE is_sample = 1)",
        "DELETE FROM emulation_rounds WHERE is_sample = 1",
        "UPDATE emulation_rounds SET campaign_id = NULL WHERE campaign_id IN (SELECT id FROM report_campaigns WHERE is_sample = 1)",
        "DELETE FROM report_values WHERE report_id IN (SELECT r.id FROM reports r JOIN report_campaigns c"
        " ON c.id = r.campaign_id WHERE c.is_sample = 1)",
        "DELETE FROM reports WHERE campaign_id IN (SELECT id FROM report_campaigns WHERE is_sample = 1)",
        "DELETE FROM report_targets WHERE campaign_id IN (SELECT id FROM report_campaigns WHERE is_sample = 1)",
        "DELETE FROM report_campaigns WHERE is_sample = 1",
        "DELETE FROM report_fields WHERE version_id IN (SELECT v.id FROM report_template_versions v JOIN report_templates t"
        " ON t.id = v.template_id WHERE t.is_sample = 1 AND NOT EXISTS (SELECT 1 FROM report_campaigns c WHERE c.version_id = v.id))",
        "DELETE FROM report_template_versions WHERE template_id IN (SELECT id FROM report_templates WHERE is_sample = 1)"
        " AND NOT EXISTS (SELECT 1 FROM report_campaigns c WHERE c.version_id = report_template_versions.id)",
        "DELETE FROM report_templates WHERE is_sample = 1 AND NOT EXISTS (SELECT 1 FROM report_template_versions v"
        " WHERE v.template_id = report_templates.id)",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++)
        if (db_exec(db, sql[i], "") != DB_OK) return -1;
    return 0;
}
