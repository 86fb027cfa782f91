/* petition_demo.c - the petitions part of `hoidong demo` (issue 10 item 6).
 *
 * All sample content (is_sample = 1): for the city council and two
 * communes (phường Ba Đình and the first xã by code), the sessions of the
 * 2026-2031 term (the first in April, the mid-year session in July, the
 * year-end session in December 2026), the agencies that answer, one voter
 * meeting per delegate group before the July and the December session,
 * and a few hundred petitions raised there, online, by letter or in the
 * Front's summary, taken through the real writers (petition.c) so their
 * audit trail is what staff would have left: petitions sent to the July
 * session forwarded on 20/7/2026 with a deadline of 20/10/2026, most
 * answered on time, some late, some still open and overdue, some carried
 * over to December, a few merged duplicates and re-raised ones; petitions
 * sent to the December session received, classified or just forwarded.
 * A seeded generator makes every run identical, so tests can count. */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "petition.h"
#include "petition_demo.h"
#include "vn.h"

static int64_t day(const char *iso)
{
    int64_t t = 0;
    vn_parse_datetime(iso, &t);
    return t;
}

static uint64_t next(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

static int pick(uint64_t *r, int n) { return (int)(next(r) % (uint64_t)n); }

typedef struct { const char *field, *text; } Sample;

static const Sample samples[] = {
    {"dat-dai", "Đề nghị đẩy nhanh việc cấp giấy chứng nhận quyền sử dụng đất cho các hộ dân tại %s; nhiều hồ sơ đã nộp quá thời hạn nhưng chưa được giải quyết."},
    {"dat-dai", "Cử tri đề nghị công khai phương án bồi thường, hỗ trợ, tái định cư cho các hộ bị thu hồi đất thực hiện dự án tại %s."},
    {"giao-thong", "Đề nghị sớm sửa chữa mặt đường xuống cấp, nhiều ổ gà tại %s, gây mất an toàn giao thông, nhất là vào mùa mưa."},
    {"giao-thong", "Đề nghị lắp đặt đèn tín hiệu giao thông tại nút giao %s, nơi thường xuyên ùn tắc vào giờ cao điểm."},
    {"giao-thong", "Đề nghị bố trí thêm điểm trông giữ xe và xử lý tình trạng lấn chiếm vỉa hè tại %s."},
    {"moi-truong", "Cử tri phản ánh mương thoát nước tại %s bốc mùi, ứ đọng nước thải; đề nghị nạo vét và cải tạo."},
    {"moi-truong", "Đề nghị tăng tần suất thu gom rác thải sinh hoạt tại %s, tránh để rác tồn đọng qua đêm."},
    {"xay-dung", "Đề nghị kiểm tra, xử lý dứt điểm công trình xây dựng sai phép tại %s."},
    {"xay-dung", "Đề nghị sớm triển khai cải tạo, xây dựng lại nhà chung cư cũ tại %s đã xuống cấp nghiêm trọng."},
    {"y-te", "Đề nghị bổ sung bác sĩ và trang thiết bị cho trạm y tế gần %s sau khi sắp xếp đơn vị hành chính."},
    {"giao-duc", "Đề nghị xây thêm phòng học cho trường tiểu học gần %s; sĩ số mỗi lớp vượt quá quy định."},
    {"an-sinh", "Đề nghị rà soát, giải quyết dứt điểm hồ sơ chế độ người có công với cách mạng của các hộ tại %s."},
    {"an-sinh", "Đề nghị hỗ trợ học nghề, tạo việc làm cho lao động mất đất nông nghiệp tại %s."},
    {"an-ninh", "Đề nghị tăng cường tuần tra, xử lý tình trạng tụ tập đua xe vào ban đêm tại %s."},
    {"kinh-te", "Đề nghị hỗ trợ vốn vay ưu đãi và tiêu thụ nông sản cho các hộ sản xuất tại %s."},
    {"hanh-chinh", "Cử tri đề nghị rút ngắn thời gian giải quyết thủ tục hành chính cho người dân tại %s sau khi sắp xếp đơn vị hành chính."},
    {"khac", "Đề nghị sớm lắp đặt hệ thống chiếu sáng công cộng tại %s."},
};
#define NSAMPLES ((int)(sizeof samples / sizeof samples[0]))

static const char *const city_places[] = {
    "phố Đội Cấn", "phố Kim Mã", "đường Hoàng Hoa Thám", "ngõ 279 Đội Cấn", "phố Liễu Giai", "đường Láng",
    "phố Nguyễn Chí Thanh", "đường Võ Chí Công", "phố Vĩnh Phúc", "đường Bưởi", "khu tập thể Giảng Võ",
    "khu tập thể Thành Công", "đường Phạm Văn Đồng", "Quốc lộ 32", "đê Hữu Hồng", "đường Nguyễn Văn Cừ",
};
static const char *const village_places[] = {"thôn Đông", "thôn Đoài", "thôn Thượng", "thôn Hạ", "đường liên xã", "chợ xã"};

/* Which agency of a city answers a field (names are the agencies' own). */
static const struct { const char *field, *agency; } city_answerers[] = {
    {"dat-dai", "Sở Nông nghiệp và Môi trường"}, {"giao-thong", "Sở Xây dựng"},
    {"moi-truong", "Sở Nông nghiệp và Môi trường"}, {"xay-dung", "Sở Xây dựng"}, {"y-te", "Sở Y tế"},
    {"giao-duc", "Sở Giáo dục và Đào tạo"}, {"an-sinh", "Sở Nội vụ"}, {"an-ninh", "Công an thành phố Hà Nội"},
    {"kinh-te", "Sở Tài chính"}, {"hanh-chinh", "Sở Nội vụ"}, {"khac", "Ủy ban nhân dân thành phố Hà Nội"},
};

static const char *const answers[] = {
    /* resolved */ "Đơn vị đã kiểm tra thực tế và hoàn thành việc xử lý nội dung kiến nghị; kết quả đã thông báo tới Ủy ban nhân dân xã, phường nơi có kiến nghị.",
    /* answered_explained */ "Nội dung kiến nghị đã được giải quyết theo đúng quy định; đơn vị đã giải thích, hướng dẫn cụ thể trình tự, thủ tục và thời hạn để cử tri được biết.",
    /* scheduled */ "Nội dung kiến nghị đã được đưa vào kế hoạch đầu tư công trung hạn; đơn vị sẽ triển khai theo lộ trình và báo cáo kết quả khi hoàn thành.",
    /* not_resolvable */ "Kiến nghị chưa thể giải quyết do còn vướng mắc về quy hoạch và nguồn vốn; đơn vị tiếp tục nghiên cứu, báo cáo cấp có thẩm quyền.",
};
static const char *const kinds[] = {"resolved", "answered_explained", "scheduled", "not_resolvable"};

static const char *const senders[] = {"Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Quốc Dũng", "Hoàng Thị Giang", "Vũ Đức Hải"};

typedef struct Gen {
    Db *db;
    Arena *a;
    uint64_t rng;
    char *err;
    size_t errlen;
    User staff, agency;
} Gen;

static int64_t agency_get(Gen *g, int64_t council, const char *name, const char *level)
{
    int64_t id = db_int(g->db, 0, "SELECT id FROM agencies WHERE council_id = ?1 AND name = ?2", "lt", council, name);
    if (id > 0) return id;
    if (agency_create(g->db, council, name, level, 1, &id, g->err, g->errlen) != 0) return -1;
    return id;
}

static int64_t session_get(Gen *g, int64_t council, int64_t term, int number, const char *title, const char *from,
                           const char *to)
{
    int64_t id = 0;
    if (session_create(g->db, council, term, number, "regular", title, day(from), day(to), 1, &id, g->err, g->errlen) != 0)
        return -1;
    return id;
}

/* A unit inside the council's area for the petition's "unit concerned". */
static int64_t unit_for(Gen *g, int64_t council_unit, int city)
{
    if (!city) return council_unit;
    int n = (int)db_int(g->db, 0, "SELECT COUNT(*) FROM units WHERE level = 'commune' AND valid_to IS NULL", "");
    if (n <= 0) return 0;
    return db_int(g->db, 0, "SELECT id FROM units WHERE level = 'commune' AND valid_to IS NULL ORDER BY code "
                            "LIMIT 1 OFFSET ?1", "l", (int64_t)pick(&g->rng, n));
}

typedef struct Council {
    int64_t id, unit, term;
    int city;
    int64_t s1, s2, s3;          /* sessions */
    int64_t own_agency;          /* commune: its People's Committee */
    const char *unit_name;
} Council;

/* One petition through the writers up to the state its draw says. */
static int one(Gen *g, const Council *c, int64_t meeting, const char *channel, int64_t session, int to_july,
               int64_t received, int64_t *out_id)
{
    const Sample *s = &samples[pick(&g->rng, NSAMPLES)];
    const char *place = c->city ? city_places[pick(&g->rng, 16)] : village_places[pick(&g->rng, 6)];
    char text[1200];
    snprintf(text, sizeof text, s->text, place);
    PetitionIn in = {0};
    in.council_id = c->id;
    in.text = text;
    in.place = place;
    in.unit_id = unit_for(g, c->unit, c->city);
    in.channel = channel;
    in.meeting_id = meeting;
    in.session_id = session;
    in.received_on = received;
    in.is_sample = 1;
    if (!strcmp(channel, "online") || !strcmp(channel, "letter")) {
        in.sender_name = senders[pick(&g->rng, 6)];
        char contact[32];
        snprintf(contact, sizeof contact, "0900 000 %03d", pick(&g->rng, 1000));
        in.sender_contact = arena_strdup(g->a, contact);
    }
    int64_t id = 0;
    int64_t t = received + 9 * 3600;
    if (petition_create(g->db, &in, &g->staff, t, &id, NULL, g->err, g->errlen) != 0) return -1;
    if (out_id) *out_id = id;
    if (to_july < 0) return 0;   /* just recorded (a duplicate about to be merged) */
    int r = pick(&g->rng, 100);
    if (!to_july && r < 25) return 0;   /* December: received, not classified yet */
    const char *level = c->city ? (s->field[0] == 'g' && r % 7 == 0 ? "central" : "city") : "commune";
    int64_t agency = c->own_agency;
    if (c->city) {
        const char *name = "Ủy ban nhân dân thành phố Hà Nội";
        for (size_t i = 0; i < sizeof city_answerers / sizeof city_answerers[0]; i++)
            if (!strcmp(city_answerers[i].field, s->field)) name = city_answerers[i].agency;
        if (!strcmp(level, "central")) name = "Bộ Xây dựng";
        agency = agency_get(g, c->id, name, level);
        if (agency < 0) return -1;
    }
    t += 5 * 86400;
    if (petition_classify(g->db, id, s->field, level, agency, &g->staff, t, g->err, g->errlen) != 0) return -1;
    if (!to_july) {
        if (r < 55) return 0;   /* classified */
        int64_t fwd = day("2026-12-01");
        if (petition_forward(g->db, id, agency, fwd, day("2027-03-01"), &g->staff, fwd + 9 * 3600, g->err, g->errlen))
            return -1;
        if (r >= 80) {
            User ag = g->agency;
            ag.agency_id = agency;
            if (petition_take_up(g->db, id, &ag, fwd + 3 * 86400, g->err, g->errlen) != 0) return -1;
        }
        return 0;
    }
    if (r >= 95) return 0;   /* classified; the agency is still being decided */
    int64_t fwd = day("2026-07-20"), deadline = day("2026-10-20");
    if (petition_forward(g->db, id, agency, fwd, deadline, &g->staff, fwd + 9 * 3600, g->err, g->errlen) != 0) return -1;
    if (r >= 82 && r < 90) return 0;   /* forwarded, never taken up: overdue */
    User ag = g->agency;
    ag.agency_id = agency;
    if (petition_take_up(g->db, id, &ag, fwd + (1 + pick(&g->rng, 10)) * 86400, g->err, g->errlen) != 0) return -1;
    if (r >= 90) {   /* carried over to December, still in progress */
        if (c->s3 > 0 && petition_carry_over(g->db, id, c->s3, &g->staff, day("2026-11-25"), g->err, g->errlen) != 0)
            return -1;
        return 0;
    }
    if (r >= 70) return 0;   /* in progress, overdue */
    int k = pick(&g->rng, 100);
    int kind = k < 40 ? 0 : k < 80 ? 1 : k < 95 ? 2 : 3;
    int64_t answered = r < 55 ? fwd + (20 + pick(&g->rng, 66)) * 86400       /* on time: by 20/10 */
                              : deadline + (5 + pick(&g->rng, 26)) * 86400;  /* late: 25/10 - 19/11 */
    int64_t roadmap = kind == 2 ? day("2027-06-30") : 0;
    if (petition_answer(g->db, id, kinds[kind], answers[kind], roadmap, answered, 0, &ag, answered + 10 * 3600,
                        g->err, g->errlen) != 0)
        return -1;
    if (pick(&g->rng, 10) < 9 &&
        petition_publish(g->db, id, 1, &g->staff, answered + 2 * 86400, g->err, g->errlen) != 0)
        return -1;
    /* Answers given before the November voter meetings were reported there. */
    if (answered < day("2026-11-10") && pick(&g->rng, 2) == 0 &&
        petition_report_to_voters(g->db, id, day("2026-11-15"), &g->staff, day("2026-11-15") + 9 * 3600, g->err, g->errlen))
        return -1;
    return 0;
}

/* Voter meetings of every delegate group before a session, and the
 * petitions raised there. */
static int meetings(Gen *g, const Council *c, int64_t session, const char *from, int per_meeting, int to_july)
{
    Stmt *st = db_prepare(g->db, "SELECT id, name FROM council_bodies WHERE term_id = ?1 AND kind = 'group' ORDER BY position");
    if (!st) return -1;
    db_bind_int(st, 1, c->term);
    int64_t groups[40];
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < 40) groups[n++] = db_col_int(st, 0);
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return -1;
    int64_t start = day(from);
    int64_t first_petition = 0;
    for (int i = 0; i < n; i++) {
        int64_t dels[4];
        int nd = 0;
        Stmt *m = db_prepare(g->db, "SELECT delegate_id FROM council_memberships WHERE body_id = ?1 ORDER BY id LIMIT 4");
        if (!m) return -1;
        db_bind_int(m, 1, groups[i]);
        while (db_step(m) == DB_ROW && nd < 4) dels[nd++] = db_col_int(m, 0);
        db_done(m);
        MeetingIn in = {0};
        in.council_id = c->id;
        in.body_id = groups[i];
        in.session_id = session;
        in.timing = "before";
        in.held_on = start + (int64_t)(i % 10) * 86400;
        const char *hall = c->city ? city_places[i % 16] : village_places[i % 6];
        in.place = arena_printf(g->a, "Nhà văn hóa khu dân cư %s, %s", hall, c->unit_name);
        in.co_organisers = arena_printf(g->a, "Ủy ban Mặt trận Tổ quốc Việt Nam và Ủy ban nhân dân %s", c->unit_name);
        in.attendance = 80 + pick(&g->rng, 150);
        in.delegates = dels;
        in.ndelegates = nd;
        in.is_sample = 1;
        int64_t mid = 0;
        if (meeting_create(g->db, &in, NULL, in.held_on, &mid, g->err, g->errlen) != 0) return -1;
        for (int k = 0; k < per_meeting; k++) {
            int64_t pid = 0;
            if (one(g, c, mid, "meeting", session, to_july, in.held_on, &pid) != 0) return -1;
            if (!first_petition) first_petition = pid;
        }
        /* Every fourth group hears a petition another group already raised:
         * recorded, then merged into the first one (which keeps both meetings). */
        if (i % 4 == 3 && first_petition) {
            int64_t dup = 0;
            if (one(g, c, mid, "meeting", session, -1, in.held_on, &dup) != 0) return -1;
            if (petition_merge(g->db, dup, first_petition, &g->staff, in.held_on + 86400 * 2, g->err, g->errlen) != 0)
                return -1;
        }
    }
    return 0;
}

static int council_load(Gen *g, Council *c, int july_per_meeting, int dec_per_meeting, int online)
{
    c->s1 = session_get(g, c->id, c->term, 1, "Kỳ họp thứ nhất", "2026-04-22", "2026-04-23");
    c->s2 = session_get(g, c->id, c->term, 2, "Kỳ họp thường lệ giữa năm 2026", "2026-07-07", "2026-07-09");
    c->s3 = session_get(g, c->id, c->term, 3, "Kỳ họp thường lệ cuối năm 2026", "2026-12-08", "2026-12-10");
    if (c->s1 < 0 || c->s2 < 0 || c->s3 < 0) return -1;
    if (meetings(g, c, c->s2, "2026-06-15", july_per_meeting, 1) != 0) return -1;
    for (int i = 0; i < online; i++) {
        const char *ch = i % 3 == 2 ? "letter" : i % 5 == 4 ? "front" : "online";
        if (one(g, c, 0, ch, c->s2, 1, day("2026-06-01") + (int64_t)(i % 28) * 86400, NULL) != 0) return -1;
    }
    if (meetings(g, c, c->s3, "2026-11-10", dec_per_meeting, 0) != 0) return -1;
    for (int i = 0; i < online / 2; i++)
        if (one(g, c, 0, "online", c->s3, 0, day("2026-11-01") + (int64_t)(i % 25) * 86400, NULL) != 0) return -1;
    /* Re-raised: voters at a December meeting came back to an answered July petition. */
    int64_t again = db_int(g->db, 0, "SELECT id FROM petitions WHERE council_id = ?1 AND session_id = ?2 AND status IN "
                                      "('scheduled','not_resolvable') ORDER BY id LIMIT 1", "ll", c->id, c->s2);
    int64_t dec_meeting = db_int(g->db, 0, "SELECT id FROM voter_meetings WHERE council_id = ?1 AND session_id = ?2 "
                                            "ORDER BY id LIMIT 1", "ll", c->id, c->s3);
    if (again > 0 &&
        petition_mark_re_raised(g->db, again, dec_meeting, &g->staff, day("2026-11-12"), g->err, g->errlen) != 0)
        return -1;
    return 0;
}

/* "Phường Ba Đình" as written inside a sentence: "phường Ba Đình". */
static const char *in_sentence(Arena *a, const char *name)
{
    if (!strncmp(name, "Phường ", 10)) return arena_printf(a, "phường %s", name + 10);
    if (!strncmp(name, "Xã ", 4)) return arena_printf(a, "xã %s", name + 4);
    return name;
}

static int find_council(Gen *g, Council *c, const char *where_sql)
{
    memset(c, 0, sizeof *c);
    Stmt *st = db_prepare(g->db, where_sql);
    if (!st) return -1;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        c->id = db_col_int(st, 0);
        c->unit = db_col_int(st, 1);
        c->unit_name = db_col_dup(st, 2, g->a);
    }
    db_done(st);
    if (rc != DB_ROW) return 0;
    c->term = db_int(g->db, 0, "SELECT id FROM council_terms WHERE council_id = ?1 ORDER BY starts_on DESC LIMIT 1",
                     "l", c->id);
    return c->term > 0;
}

int petition_demo_load(Db *db, int64_t now, char *err, size_t errlen)
{
    (void)now;
    if (db_int(db, 0, "SELECT COUNT(*) FROM petitions WHERE is_sample = 1", "") > 0) return 0;
    Gen g = {db, arena_new(), 0x20260707ull, err, errlen, {0}, {0}};
    g.staff.username = "vanphong.mau";
    g.staff.role = ROLE_EDITOR;
    g.agency.username = "coquan.mau";
    g.agency.role = ROLE_AGENCY;
    int rc = -1;
    Council city, ward, village;
    if (find_council(&g, &city, "SELECT c.id, c.unit_id, u.name FROM councils c JOIN units u ON u.id = c.unit_id "
                                "WHERE c.level = 'province' AND c.valid_to IS NULL ORDER BY c.id LIMIT 1") != 1) {
        rc = 0;   /* no councils loaded: nothing to attach petitions to */
        goto out;
    }
    city.city = 1;
    city.unit_name = "thành phố Hà Nội";
    if (council_load(&g, &city, 8, 3, 18) != 0) goto out;
    if (find_council(&g, &ward, "SELECT c.id, c.unit_id, u.name FROM councils c JOIN units u ON u.id = c.unit_id "
                                "WHERE u.slug = 'phuong-ba-dinh' AND c.valid_to IS NULL") == 1) {
        ward.unit_name = in_sentence(g.a, ward.unit_name);
        ward.own_agency = agency_get(&g, ward.id, arena_printf(g.a, "Ủy ban nhân dân %s", ward.unit_name), "commune");
        if (ward.own_agency < 0 || council_load(&g, &ward, 3, 1, 6) != 0) goto out;
    }
    if (find_council(&g, &village, "SELECT c.id, c.unit_id, u.name FROM councils c JOIN units u ON u.id = c.unit_id "
                                   "WHERE u.kind = 'xa' AND c.valid_to IS NULL AND c.level = 'commune' "
                                   "ORDER BY u.code LIMIT 1") == 1) {
        village.unit_name = in_sentence(g.a, village.unit_name);
        village.own_agency = agency_get(&g, village.id, arena_printf(g.a, "Ủy ban nhân dân %s", village.unit_name),
                                        "commune");
        if (village.own_agency < 0 || council_load(&g, &village, 3, 1, 6) != 0) goto out;
    }
    rc = 0;
out:
    arena_free(g.a);
    return rc;
}

int petition_demo_remove(Db *db)
{
    static const char *const sql[] = {
        "DELETE FROM petition_events WHERE petition_id IN (SELECT id FROM petitions WHERE is_sample = 1)",
        "DELETE FROM petition_meetings WHERE petition_id IN (SELECT id FROM petitions WHERE is_sample = 1)",
        "DELETE FROM petition_files WHERE petition_id IN (SELECT id FROM petitions WHERE is_sample = 1)",
        "UPDATE petitions SET merged_into = NULL WHERE is_sample = 1",
        "DELETE FROM petitions WHERE is_sample = 1",
        "DELETE FROM voter_meeting_delegates WHERE meeting_id IN (SELECT id FROM voter_meetings WHERE is_sample = 1)",
        "DELETE FROM petition_meetings WHERE meeting_id IN (SELECT id FROM voter_meetings WHERE is_sample = 1)",
        "DELETE FROM voter_meetings WHERE is_sample = 1",
        "UPDATE petitions SET session_id = NULL WHERE session_id IN (SELECT id FROM council_sessions WHERE is_sample = 1)",
        "DELETE FROM council_sessions WHERE is_sample = 1",
        NULL,
    };
    for (int i = 0; sql[i]; i++)
        if (db_exec(db, sql[i], "") != DB_OK) return -1;
    return 0;
}

int petition_demo_remove_agencies(Db *db)
{
    /* After the supervision demo is gone: sample agencies nothing points at. */
    if (db_exec(db, "UPDATE users SET agency_id = NULL, disabled = 1 WHERE agency_id IN (SELECT id FROM agencies "
                    "WHERE is_sample = 1)", "") != DB_OK)
        return -1;
    return db_exec(db, "DELETE FROM agencies WHERE is_sample = 1 AND id NOT IN (SELECT agency_id FROM petitions "
                       "WHERE agency_id IS NOT NULL) AND id NOT IN (SELECT agency_id FROM recommendations) AND id NOT IN (SELECT "
                       "agency_id FROM petition_events WHERE agency_id IS NOT NULL)", "") == DB_OK
               ? 0 : -1;
}
