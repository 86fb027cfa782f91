/* council_demo.c - the council part of `hoidong demo` (issue 8, item 7).
 *
 * Real structure (is_sample = 0): Hanoi's units from the embedded copies of
 * ../shared/data/hanoi (demo/units-hanoi_*.json, licences in
 * demo/LICENSES-units.txt) and the councils the law gives them:
 *   - the city council from 1/8/2008;
 *   - each former district, xã and thị trấn from the nominal 1/1/2016 to
 *     1/7/2025; each former phường to 1/7/2021 only (the urban-government
 *     pilot, Res. 97/2019/QH14: wards had no HĐND from then);
 *   - each of the 126 current communes from 1/7/2025.
 * Sample content (is_sample = 1, removed by `demo --remove`), generated
 * from a fixed seed so every run is identical:
 *   - the city's khóa XVI (23/5/2021 - 15/3/2026) with only its Standing
 *     Committee's chair and vice-chairs, the real people of domain.md in
 *     their documented positions and dates;
 *   - the city's khóa XVII (from 15/3/2026): 125 seats, 31 constituencies,
 *     122 delegates (3 vacancies), 32 full-time, Thường trực of 9 (Chair
 *     Phùng Thị Hồng Hà, her documented position; the others invented),
 *     four Ban with Head, two Deputies and members, 16 delegate groups, the
 *     office;
 *   - every commune's term 2026-2031: 21-33 seats, constituencies of about
 *     three seats, Thường trực (Chair part-time, one full-time Vice-Chair,
 *     the two Ban Heads), Ban Kinh tế – Ngân sách and Ban Văn hóa – Xã hội
 *     (the law's pair; which pair Hanoi uses is an open question, so it is
 *     data), one delegate group per constituency.
 * Everything goes through council.c, so the demo passes the same checks a
 * person's input would. */
#include <stdio.h>
#include <string.h>

#include "council.h"
#include "council_demo.h"
#include "tmpl.h"
#include "unit.h"
#include "unit_import.h"
#include "vn.h"

/* ------------------------------------------------------------ names */

typedef struct { uint64_t s; } Rng;

static uint64_t rng_next(Rng *r)
{
    /* xorshift64* */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 2685821657736338717ULL;
}

static int rng_int(Rng *r, int lo, int hi)
{
    return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static const char *const family[] = {
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi",
    "Đỗ", "Ngô", "Dương", "Đào", "Đinh", "Lương", "Trịnh", "Tạ", "Chu", "Kiều", "Khuất", "Nghiêm",
};
static const char *const middle_m[] = {"Văn", "Đức", "Minh", "Quang", "Hữu", "Mạnh", "Xuân", "Tiến", "Anh", "Hồng"};
static const char *const middle_f[] = {"Thị", "Thị", "Thu", "Thanh", "Minh", "Ngọc", "Hồng", "Thùy", "Phương", "Kim"};
static const char *const given_m[] = {
    "An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân", "Sơn",
    "Thắng", "Trung", "Việt", "Hiếu", "Tùng", "Đạt", "Huy", "Kiên", "Lâm", "Thành", "Vinh", "Hưng",
};
static const char *const given_f[] = {
    "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Ngọc", "Phương",
    "Thảo", "Trang", "Yến", "Dung", "Giang", "Huyền", "Loan", "Nhung", "Oanh", "Thủy", "Vân", "Quyên",
};
/* The real people of domain.md appear only in their documented positions:
 * the generator never produces their names. */
static const char *const real_names[] = {
    "Phùng Thị Hồng Hà", "Nguyễn Ngọc Tuấn", "Trần Thế Cương", "Phạm Thị Thanh Mai", "Vũ Đại Thắng",
};

#define N(x) (sizeof x / sizeof x[0])

static const char *person_name(Arena *a, Rng *r)
{
    for (;;) {
        int f = rng_int(r, 0, 1);
        const char *n = arena_printf(a, "%s %s %s", family[rng_int(r, 0, N(family) - 1)],
                                     f ? middle_f[rng_int(r, 0, N(middle_f) - 1)] : middle_m[rng_int(r, 0, N(middle_m) - 1)],
                                     f ? given_f[rng_int(r, 0, N(given_f) - 1)] : given_m[rng_int(r, 0, N(given_m) - 1)]);
        int real = 0;
        for (size_t i = 0; i < N(real_names); i++) real |= !strcmp(n, real_names[i]);
        if (!real) return n;
    }
}

static int64_t day(const char *iso)
{
    int64_t t = 0;
    vn_parse_datetime(iso, &t);
    return t;
}

/* ------------------------------------------------------------ structure */

static int load_units(Db *db, char *err, size_t errlen)
{
    static const char *const files[] = {
        "demo/units-hanoi_units_after_2025-07-01.json", "demo/units-hanoi_units_before_2025-07-01.json",
        "demo/units-hanoi_merges_new_to_old.json",
    };
    const EmbeddedFile *f[3];
    for (int i = 0; i < 3; i++)
        if (!(f[i] = embedded_find(files[i]))) {
            snprintf(err, errlen, "%s is not embedded in this build", files[i]);
            return -1;
        }
    UnitImportStats st = {0};
    if (unit_import_current(db, (const char *)f[0]->data, f[0]->len, "01", NULL, NULL, &st, err, errlen) ||
        unit_import_former(db, (const char *)f[1]->data, f[1]->len, NULL, NULL, &st, err, errlen) ||
        unit_import_merges(db, (const char *)f[2]->data, f[2]->len, NULL, NULL, &st, err, errlen))
        return -1;
    return 0;
}

/* One council per unit of `sql` (ids), for [from, to) or, for wards, to
 * ward_to. */
static int add_councils(Db *db, const char *sql, int64_t from, int64_t to, int64_t ward_to, char *err, size_t errlen)
{
    Arena *a = arena_new();
    size_t n = 0, cap = 1024;
    int64_t *ids = arena_alloc(a, cap * sizeof *ids);
    char **kinds = arena_alloc(a, cap * sizeof *kinds);
    Stmt *st = db_prepare(db, sql);
    int rc = DB_ERROR;
    if (st) {
        while ((rc = db_step(st)) == DB_ROW && n < cap) {
            ids[n] = db_col_int(st, 0);
            kinds[n++] = db_col_dup(st, 1, a);
        }
        db_done(st);
    }
    int ret = rc == DB_DONE ? 0 : -1;
    if (ret) snprintf(err, errlen, "database error: %s", db_errmsg(db));
    for (size_t i = 0; i < n && !ret; i++) {
        int64_t id, end = (ward_to && !strcmp(kinds[i], "phuong")) ? ward_to : to;
        ret = council_add(db, ids[i], from, end, &id, err, errlen);
    }
    arena_free(a);
    return ret;
}

static int load_councils(Db *db, char *err, size_t errlen)
{
    const UnitDates *d = unit_dates();
    int64_t id;
    int64_t city = db_int(db, 0, "SELECT id FROM units WHERE code = '01' AND valid_from = ?1", "l", d->city_from);
    if (city <= 0) { snprintf(err, errlen, "no city unit"); return -1; }
    if (council_add(db, city, d->city_from, 0, &id, err, errlen)) return -1;
    /* parents before children: districts, then their communes */
    if (add_councils(db, "SELECT id, kind FROM units WHERE level = 'district' AND valid_to IS NOT NULL ORDER BY code",
                     d->former_from, d->reform_from, 0, err, errlen) ||
        add_councils(db, "SELECT id, kind FROM units WHERE level = 'commune' AND valid_to IS NOT NULL ORDER BY code",
                     d->former_from, d->reform_from, d->pilot_from, err, errlen) ||
        add_councils(db, "SELECT id, kind FROM units WHERE level = 'commune' AND valid_to IS NULL"
                         " AND parent_id = (SELECT id FROM units WHERE code = '01' AND valid_to IS NULL) ORDER BY code",
                     d->reform_from, 0, 0, err, errlen))
        return -1;
    return 0;
}

/* ------------------------------------------------------------ sample terms */

typedef struct Gen {
    Db *db;
    Arena *a;
    Rng rng;
    char *err;
    size_t errlen;
} Gen;

static int delegate(Gen *g, int64_t term, const char *name, int64_t cons, int64_t from, int full_time, int64_t *id)
{
    return council_delegate_add(g->db, term, name ? name : person_name(g->a, &g->rng), cons, from, 0, full_time,
                                "elected", "Biên bản tổng kết cuộc bầu cử (dữ liệu minh họa)", 1, id, g->err, g->errlen);
}

static int member(Gen *g, int64_t d, int64_t body, const char *pos, int64_t from, int64_t to, const char *doc)
{
    int64_t id;
    return council_membership_add(g->db, d, body, pos, from, to, doc, 1, &id, g->err, g->errlen);
}

static const char *const city_bans[][2] = {
    {"Ban Pháp chế", "phap-che"}, {"Ban Kinh tế – Ngân sách", "kinh-te-ngan-sach"},
    {"Ban Văn hóa – Xã hội", "van-hoa-xa-hoi"}, {"Ban Đô thị", "do-thi"},
};
static const char *const commune_bans[][2] = {
    {"Ban Kinh tế – Ngân sách", "kinh-te-ngan-sach"}, {"Ban Văn hóa – Xã hội", "van-hoa-xa-hoi"},
};

/* The city's khóa XVI: only the documented Standing Committee posts. */
static int city_xvi(Gen *g, int64_t council)
{
    int64_t term, standing, tuan, ha, cuong, mai;
    int64_t from = day("2021-05-23"), first = day("2021-06-23"), change = day("2025-11-13"), to = day("2026-03-15");
    if (council_term_add(g->db, council, 16, "2021–2026", from, to, 0, 1, &term, g->err, g->errlen) ||
        council_body_add(g->db, term, "standing", "Thường trực HĐND Thành phố", "", 1, 1, &standing, g->err, g->errlen) ||
        delegate(g, term, "Nguyễn Ngọc Tuấn", 0, from, 1, &tuan) ||
        delegate(g, term, "Phùng Thị Hồng Hà", 0, from, 1, &ha) ||
        delegate(g, term, "Trần Thế Cương", 0, from, 1, &cuong) ||
        delegate(g, term, "Phạm Thị Thanh Mai", 0, from, 1, &mai) ||
        member(g, tuan, standing, "chu-tich", first, change, "Kỳ họp thứ nhất HĐND Thành phố khóa XVI") ||
        member(g, ha, standing, "chu-tich", change, 0, "Nghị quyết của HĐND Thành phố; phê chuẩn: 1895/NQ-UBTVQH15") ||
        member(g, cuong, standing, "pho-chu-tich", change, 0, "Nghị quyết của HĐND Thành phố, 13/11/2025") ||
        member(g, mai, standing, "pho-chu-tich", first, 0, ""))
        return -1;
    return 0;
}

static int city_xvii(Gen *g, int64_t council)
{
    Arena *a = g->a;
    int64_t from = day("2026-03-15"), first = day("2026-04-22");
    const char *doc = "Nghị quyết kỳ họp thứ nhất (dữ liệu minh họa)";
    int64_t term, standing, office, ban[4], group[16], cons[31];
    if (council_term_add(g->db, council, 17, "2026–2031", from, 0, 125, 1, &term, g->err, g->errlen) ||
        council_body_add(g->db, term, "standing", "Thường trực HĐND Thành phố", "", 1, 1, &standing, g->err, g->errlen))
        return -1;
    for (int i = 0; i < 4; i++)
        if (council_body_add(g->db, term, "committee", city_bans[i][0], city_bans[i][1], 2 + i, 1, &ban[i], g->err, g->errlen))
            return -1;
    for (int i = 0; i < 16; i++)
        if (council_body_add(g->db, term, "group", arena_printf(a, "Tổ đại biểu số %d", i + 1), "", 10 + i, 1, &group[i],
                             g->err, g->errlen))
            return -1;
    if (council_body_add(g->db, term, "office", "Văn phòng Đoàn ĐBQH và HĐND Thành phố", "", 40, 1, &office, g->err, g->errlen))
        return -1;
    for (int i = 0; i < 31; i++)
        if (council_constituency_add(g->db, term, i + 1, arena_printf(a, "Đơn vị bầu cử số %d", i + 1), i == 0 ? 5 : 4,
                                     "", 1, &cons[i], g->err, g->errlen))
            return -1;
    /* 122 delegates in constituency order; seat k of constituency c.  The
     * last seats of constituencies 7, 19 and 28 stay vacant. */
    int64_t del[125];
    int n = 0, cons_of[125];
    for (int c = 0; c < 31; c++) {
        int seats = c == 0 ? 5 : 4;
        for (int k = 0; k < seats; k++) {
            if (k == seats - 1 && (c == 6 || c == 18 || c == 27)) continue;
            if (n >= 125) break;
            const char *name = n == 0 ? "Phùng Thị Hồng Hà" : NULL;
            /* 32 full-time: the 16 leading posts below and every 7th other */
            int ft = n < 16 || (n >= 16 && n % 7 == 0 && n < 16 + 7 * 16);
            if (delegate(g, term, name, n == 0 ? 0 : cons[c], from, ft, &del[n])) return -1;
            cons_of[n++] = c;
        }
    }
    /* Thường trực: Chair, 3 Vice-Chairs, the 4 Heads, the Chief of Office */
    if (member(g, del[0], standing, "chu-tich", first, 0, "Nghị quyết bầu Chủ tịch HĐND Thành phố (dữ liệu minh họa)"))
        return -1;
    for (int i = 1; i <= 3; i++)
        if (member(g, del[i], standing, "pho-chu-tich", first, 0, doc)) return -1;
    for (int i = 0; i < 4; i++) {
        int64_t head = del[4 + i];
        if (member(g, head, standing, "uy-vien-thuong-truc", first, 0, "") ||
            member(g, head, ban[i], "truong-ban", first, 0, doc) ||
            member(g, del[8 + 2 * i], ban[i], "pho-truong-ban", first, 0, doc) ||
            member(g, del[9 + 2 * i], ban[i], "pho-truong-ban", first, 0, doc))
            return -1;
    }
    int64_t chief = del[16];
    if (member(g, chief, standing, "uy-vien-thuong-truc", first, 0, "") ||
        member(g, chief, office, "chanh-van-phong", first, 0, doc))
        return -1;
    /* Ban members: 7 each from the delegates after the leading posts */
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 7; k++)
            if (member(g, del[17 + i * 7 + k], ban[i], "uy-vien", first, 0, "")) return -1;
    /* groups: constituencies 2g+1, 2g+2; the first delegate leads, the second deputises */
    int seen[16] = {0};
    for (int i = 1; i < n; i++) {
        int gi = cons_of[i] / 2;
        const char *pos = seen[gi] == 0 ? "to-truong" : seen[gi] == 1 ? "to-pho" : "thanh-vien-to";
        seen[gi]++;
        if (member(g, del[i], group[gi], pos, first, 0, "")) return -1;
    }
    /* the Chair sits in group 1 */
    if (member(g, del[0], group[0], "thanh-vien-to", first, 0, "")) return -1;
    /* a mid-term change: one member becomes full-time from 1/1/2027 */
    if (council_delegate_mode(g->db, del[60], 1, day("2027-01-01"), "Nghị quyết của HĐND Thành phố (dữ liệu minh họa)",
                              g->err, g->errlen))
        return -1;
    return 0;
}

static int commune_term(Gen *g, int64_t council, const char *code)
{
    Arena *a = g->a;
    /* per-commune stream: the same numbers whatever else changes */
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    for (const char *p = code; *p; p++) seed = (seed ^ (uint64_t)*p) * 1099511628211ULL;
    g->rng.s = seed | 1;
    int64_t from = day("2026-03-15"), first = day("2026-04-10") + 86400 * rng_int(&g->rng, 0, 14);
    const char *doc = "Nghị quyết kỳ họp thứ nhất (dữ liệu minh họa)";
    int seats = rng_int(&g->rng, 21, 33), ncons = (seats + 2) / 3, vacant = rng_int(&g->rng, 0, 2);
    int64_t term, standing, ban[2], group[12], cons[12];
    if (council_term_add(g->db, council, 0, "2026–2031", from, 0, seats, 1, &term, g->err, g->errlen) ||
        council_body_add(g->db, term, "standing", "Thường trực HĐND", "", 1, 1, &standing, g->err, g->errlen))
        return -1;
    for (int i = 0; i < 2; i++)
        if (council_body_add(g->db, term, "committee", commune_bans[i][0], commune_bans[i][1], 2 + i, 1, &ban[i],
                             g->err, g->errlen))
            return -1;
    for (int c = 0; c < ncons; c++) {
        int s = c < ncons - 1 ? 3 : seats - 3 * (ncons - 1);
        if (council_constituency_add(g->db, term, c + 1, arena_printf(a, "Đơn vị bầu cử số %d", c + 1), s, "", 1,
                                     &cons[c], g->err, g->errlen) ||
            council_body_add(g->db, term, "group", arena_printf(a, "Tổ đại biểu số %d", c + 1), "", 10 + c, 1,
                             &group[c], g->err, g->errlen))
            return -1;
    }
    int64_t del[40];
    int n = seats - vacant;
    for (int i = 0; i < n; i++) {
        /* full-time: the Vice-Chair (1) and the two Deputy Heads (4, 5) */
        if (delegate(g, term, NULL, cons[i % ncons], from, i == 1 || i == 4 || i == 5, &del[i])) return -1;
    }
    if (member(g, del[0], standing, "chu-tich", first, 0, doc) ||
        member(g, del[1], standing, "pho-chu-tich", first, 0, doc) ||
        member(g, del[2], standing, "uy-vien-thuong-truc", first, 0, "") ||
        member(g, del[3], standing, "uy-vien-thuong-truc", first, 0, "") ||
        member(g, del[2], ban[0], "truong-ban", first, 0, doc) ||
        member(g, del[3], ban[1], "truong-ban", first, 0, doc) ||
        member(g, del[4], ban[0], "pho-truong-ban", first, 0, doc) ||
        member(g, del[5], ban[1], "pho-truong-ban", first, 0, doc))
        return -1;
    for (int k = 0; k < 3; k++)
        if (member(g, del[6 + k], ban[0], "uy-vien", first, 0, "") ||
            member(g, del[9 + k], ban[1], "uy-vien", first, 0, ""))
            return -1;
    int seen[12] = {0};
    for (int i = 0; i < n; i++) {
        int c = i % ncons;
        const char *pos = seen[c] == 0 ? "to-truong" : seen[c] == 1 ? "to-pho" : "thanh-vien-to";
        seen[c]++;
        if (member(g, del[i], group[c], pos, first, 0, "")) return -1;
    }
    return 0;
}

int council_demo_load(Db *db, char *err, size_t errlen)
{
    if (load_units(db, err, errlen) || load_councils(db, err, errlen)) return -1;
    /* the sample terms once: a second load finds them */
    if (db_int(db, 0, "SELECT COUNT(*) FROM council_terms WHERE is_sample = 1", "") > 0) return 0;
    Gen g = {db, arena_new(), {0x2026031520310415ULL}, err, errlen};
    int ret = -1;
    int64_t city = db_int(db, 0, "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id"
                          " WHERE u.code = '01' AND c.valid_to IS NULL", "");
    if (city <= 0 || city_xvi(&g, city) || city_xvii(&g, city)) goto out;
    Stmt *st = db_prepare(db, "SELECT c.id, u.code FROM councils c JOIN units u ON u.id = c.unit_id"
                          " WHERE u.level = 'commune' AND c.valid_to IS NULL ORDER BY u.code");
    if (!st) goto out;
    int64_t ids[200];
    char *codes[200];
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < 200) {
        ids[n] = db_col_int(st, 0);
        codes[n++] = db_col_dup(st, 1, g.a);
    }
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) goto out;
    for (int i = 0; i < n; i++)
        if (commune_term(&g, ids[i], codes[i])) goto out;
    ret = 0;
out:
    arena_free(g.a);
    return ret;
}

int council_demo_remove(Db *db)
{
    static const char *const sql[] = {
        "DELETE FROM council_changes WHERE is_sample = 1",
        "DELETE FROM council_memberships WHERE is_sample = 1",
        "DELETE FROM delegate_modes WHERE is_sample = 1",
        "DELETE FROM delegates WHERE is_sample = 1",
        "DELETE FROM persons WHERE is_sample = 1 AND NOT EXISTS (SELECT 1 FROM delegates d WHERE d.person_id = persons.id)",
        "DELETE FROM council_constituencies WHERE is_sample = 1",
        "DELETE FROM council_bodies WHERE is_sample = 1",
        "DELETE FROM council_terms WHERE is_sample = 1",
    };
    for (size_t i = 0; i < N(sql); i++)
        if (db_exec(db, sql[i], "") != DB_OK) return -1;
    return 0;
}
