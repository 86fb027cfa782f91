/* supervision_demo.c - the supervision part of `hoidong demo` (issue 10
 * item 4; docs/SUPERVISION.md).
 *
 * Sample content (is_sample = 1): the city council's thematic supervision
 * of how voters' petitions on land and construction were settled, carried
 * out by its Ban Đô thị (when the demo's current term has one), with its
 * findings and six recommendations to the city's People's Committee and
 * three departments (agencies found by name or created, marked sample when
 * created here).  Their states cover the life cycle: issued, acknowledged,
 * in progress past its deadline (so overdue), partially done, done and
 * waiting for the re-check, and verified by a follow-up questioning.
 * Days are relative to now, so the overdue one stays overdue whenever the
 * demo is loaded; every step goes through the writers of supervision.c,
 * so the events and checks are the ones a person would have made. */
#include <stdio.h>
#include <string.h>

#include "petition.h"
#include "supervision.h"
#include "supervision_demo.h"
#include "vn.h"

#define DAY 86400

static const char SUBJECT[] = "Giám sát việc giải quyết kiến nghị cử tri gửi tới các kỳ họp từ đầu nhiệm kỳ 2026–2031 "
                              "về lĩnh vực đất đai, xây dựng";

static int64_t agency_of(Db *db, int64_t council, const char *name, char *err, size_t errlen)
{
    int64_t id = db_int(db, 0, "SELECT id FROM agencies WHERE council_id = ?1 AND name = ?2", "lt", council, name);
    if (id > 0) return id;
    if (agency_create(db, council, name, "city", 1, &id, err, errlen) != 0) return -1;
    return id;
}

int supervision_demo_load(Db *db, int64_t now, char *err, size_t errlen)
{
    int64_t city = db_int(db, 0, "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = ?1"
                                 " AND c.parent_id IS NULL AND c.valid_to IS NULL", "t", "thanh-pho-ha-noi");
    if (city <= 0) { snprintf(err, errlen, "supervision demo: the city council is missing"); return -1; }
    if (db_int(db, 0, "SELECT COUNT(*) FROM supervisions WHERE council_id = ?1 AND subject = ?2 AND is_sample = 1", "lt",
               city, SUBJECT) > 0)
        return 0;   /* loaded */
    int64_t today = vn_day_start(now);
    int64_t body = db_int(db, 0, "SELECT b.id FROM council_bodies b JOIN council_terms t ON t.id = b.term_id"
                                 " WHERE t.council_id = ?1 AND b.name = ?2 AND t.starts_on <= ?3"
                                 " AND (t.ends_on IS NULL OR t.ends_on > ?3) AND b.valid_from <= ?3"
                                 " AND (b.valid_to IS NULL OR b.valid_to > ?3) ORDER BY t.starts_on DESC LIMIT 1",
                          "ltl", city, "Ban Đô thị", today);
    User staff = {.id = 0, .username = "demo", .display_name = "demo", .role = ROLE_EDITOR};
    SupervisionIn in = {
        .council_id = city, .body_id = body, .kind = "thematic", .subject = SUBJECT,
        .targets = "Ủy ban nhân dân thành phố; Sở Xây dựng; Sở Nông nghiệp và Môi trường; Sở Tài chính; "
                   "Ủy ban nhân dân phường Ba Đình, phường Hoàn Kiếm, xã Sóc Sơn",
        .starts_on = today - 120 * DAY, .ends_on = today - 95 * DAY, .is_sample = 1,
    };
    int64_t sup = 0;
    if (supervision_create(db, &in, &staff, today - 130 * DAY + 9 * 3600, &sup, err, errlen) != 0) return -1;
    if (supervision_set_status(db, sup, "in_field", NULL, &staff, in.starts_on + 8 * 3600, err, errlen) != 0) return -1;
    static const char findings[] =
        "Đoàn giám sát đã làm việc với Ủy ban nhân dân thành phố, các sở và ba Ủy ban nhân dân cấp xã; "
        "rà soát 214 kiến nghị cử tri về đất đai, xây dựng gửi tới các kỳ họp từ đầu nhiệm kỳ.\n"
        "Kết quả: 151 kiến nghị đã được giải quyết dứt điểm (70,6%), 41 kiến nghị đang giải quyết, "
        "22 kiến nghị chưa được giải quyết, chủ yếu là cấp giấy chứng nhận quyền sử dụng đất cho các trường "
        "hợp tồn đọng, bồi thường giải phóng mặt bằng và xử lý vi phạm trật tự xây dựng kéo dài.\n"
        "Nguyên nhân: hồ sơ tồn đọng qua nhiều thời kỳ, phối hợp giữa các cơ quan sau sắp xếp đơn vị hành chính "
        "chưa chặt chẽ, một số nội dung trả lời cử tri còn chung chung, chưa nêu lộ trình.";
    if (supervision_set_status(db, sup, "reported", findings, &staff, in.ends_on + 10 * DAY + 9 * 3600, err, errlen) != 0)
        return -1;
    if (supervision_set_status(db, sup, "follow_up", NULL, &staff, in.ends_on + 15 * DAY + 9 * 3600, err, errlen) != 0)
        return -1;
    int64_t issued = in.ends_on + 10 * DAY;
    static const struct { const char *agency, *text; int deadline; const char *state; } recs[] = {
        {"Ủy ban nhân dân thành phố Hà Nội",
         "Chỉ đạo rà soát, phân loại toàn bộ kiến nghị cử tri về đất đai chưa được giải quyết; ban hành kế hoạch "
         "giải quyết dứt điểm, nêu rõ lộ trình và trách nhiệm của từng cơ quan.", 20, "verified"},
        {"Sở Xây dựng",
         "Hoàn thành xử lý các vi phạm trật tự xây dựng kéo dài mà cử tri đã nhiều lần kiến nghị; công khai kết quả "
         "xử lý trên Cổng thông tin điện tử của Sở.", 60, "overdue"},
        {"Sở Nông nghiệp và Môi trường",
         "Đẩy nhanh cấp giấy chứng nhận quyền sử dụng đất lần đầu cho các trường hợp tồn đọng đủ điều kiện; "
         "báo cáo kết quả theo từng phường, xã.", 75, "partially_done"},
        {"Sở Tài chính",
         "Bố trí kinh phí bồi thường, hỗ trợ giải phóng mặt bằng cho các dự án chậm triển khai có kiến nghị của cử tri.",
         90, "done"},
        {"Ủy ban nhân dân thành phố Hà Nội",
         "Chỉ đạo nâng cao chất lượng văn bản trả lời cử tri: nêu rõ kết quả, thời hạn và cơ quan chịu trách nhiệm.",
         150, "acknowledged"},
        {"Sở Xây dựng",
         "Rà soát quy hoạch chi tiết các khu vực có kiến nghị về quy hoạch treo; đề xuất điều chỉnh hoặc hủy bỏ.",
         180, "issued"},
    };
    for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++) {
        int64_t agency = agency_of(db, city, recs[i].agency, err, errlen);
        if (agency < 0) return -1;
        RecommendationIn ri = {.supervision_id = sup, .agency_id = agency, .text = recs[i].text, .issued_on = issued,
                               .deadline = issued + recs[i].deadline * DAY, .is_sample = 1};
        int64_t rid = 0;
        if (supervision_rec_add(db, &ri, &staff, issued + 16 * 3600, &rid, err, errlen) != 0) return -1;
        const char *st = recs[i].state;
        if (!strcmp(st, "issued")) continue;
        User ag = {.id = 0, .username = "demo", .display_name = recs[i].agency, .role = ROLE_AGENCY, .agency_id = agency};
        int64_t t = issued + 5 * DAY + 9 * 3600;
        if (supervision_rec_set_status(db, rid, "acknowledged", "Đã tiếp nhận, giao đơn vị chuyên môn tham mưu.", 0, &ag, t,
                                       err, errlen) != 0)
            return -1;
        if (!strcmp(st, "acknowledged")) continue;
        t += 7 * DAY;
        if (supervision_rec_set_status(db, rid, "in_progress", "Đã ban hành kế hoạch thực hiện.", 0, &ag, t, err, errlen) != 0)
            return -1;
        if (!strcmp(st, "overdue")) continue;   /* in progress, its deadline (issued + 60 days) has passed */
        t += 10 * DAY;
        const char *to = !strcmp(st, "partially_done") ? "partially_done" : "done";
        const char *note = !strcmp(to, "done") ? "Đã hoàn thành; báo cáo kết quả kèm theo gửi Thường trực Hội đồng nhân dân."
                                               : "Đã cấp 1.320/2.050 giấy chứng nhận; các trường hợp còn lại đang bổ sung hồ sơ.";
        if (supervision_rec_set_status(db, rid, to, note, 0, &ag, t, err, errlen) != 0) return -1;
        if (!strcmp(st, "verified")) {
            t += 20 * DAY;
            if (supervision_rec_check(db, rid, "follow_up_question", vn_day_start(t),
                                      "Tại phiên chất vấn, Thường trực Hội đồng nhân dân xác nhận kế hoạch đã được ban hành "
                                      "và triển khai đúng lộ trình.", 1, 0, &staff, t, err, errlen) != 0)
                return -1;
        }
    }
    return 0;
}

int supervision_demo_remove(Db *db)
{
    static const char *const sql[] = {
        "DELETE FROM recommendation_checks WHERE recommendation_id IN (SELECT r.id FROM recommendations r"
        " JOIN supervisions s ON s.id = r.supervision_id WHERE s.is_sample = 1 OR r.is_sample = 1)",
        "DELETE FROM recommendation_events WHERE recommendation_id IN (SELECT r.id FROM recommendations r"
        " JOIN supervisions s ON s.id = r.supervision_id WHERE s.is_sample = 1 OR r.is_sample = 1)",
        "DELETE FROM recommendations WHERE is_sample = 1 OR supervision_id IN (SELECT id FROM supervisions WHERE is_sample = 1)",
        "DELETE FROM supervisions WHERE is_sample = 1",
        "DELETE FROM agencies WHERE is_sample = 1"
        " AND NOT EXISTS (SELECT 1 FROM recommendations r WHERE r.agency_id = agencies.id)"
        " AND NOT EXISTS (SELECT 1 FROM petitions p WHERE p.agency_id = agencies.id)"
        " AND NOT EXISTS (SELECT 1 FROM petition_events e WHERE e.agency_id = agencies.id)"
        " AND NOT EXISTS (SELECT 1 FROM users u WHERE u.agency_id = agencies.id)",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++)
        if (db_exec(db, sql[i], "") != DB_OK) return -1;
    return 0;
}
