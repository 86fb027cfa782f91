/* programme_demo.c - the programme part of `hoidong demo` (issue 9 item 1).
 *
 * Real (is_sample = 0), from the seed page: Đề án 15-ĐA/TU of the Hanoi
 * Party Committee, signed 12/5/2022, its two goals and its five groups of
 * tasks and solutions, kept by the city council's office.  The page names
 * no tasks below the groups, no weights and no dates beyond the period, so
 * everything under the groups is sample content (is_sample = 1): a dozen
 * tasks with owners, targets, weights and dated progress, and the 2026 plan
 * of phường Ba Đình's council whose tasks implement two of them.  Chosen
 * so that on the demo's days the board shows done, on-track, at-risk and
 * late tasks.  `hoidong demo --remove` takes the sample rows out and
 * leaves the Đề án, its goals and groups. */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "programme.h"
#include "programme_demo.h"
#include "vn.h"

static int64_t day(const char *iso)
{
    int64_t t = 0;
    vn_parse_datetime(iso, &t);
    return t;
}

static const char *const goals[] = {
    "Tiếp tục đổi mới phương thức lãnh đạo của Đảng đối với hoạt động của HĐND các cấp; nâng cao năng lực, hiệu lực, "
    "hiệu quả hoạt động của HĐND các cấp, chất lượng hoạt động của đại biểu dân cử; phát huy hơn nữa vai trò của HĐND "
    "thực sự là cơ quan quyền lực nhà nước ở địa phương, đại diện cho ý chí, nguyện vọng của Nhân dân Thủ đô.",
    "Thực hiện có hiệu quả về thí điểm tổ chức mô hình chính quyền đô thị tại thành phố Hà Nội theo Kết luận số "
    "46-KL/TW ngày 19/4/2019 của Bộ Chính trị và Nghị quyết số 97/2019/QH14 ngày 28/11/2019 của Quốc hội.",
};

static const char *const groups[] = {
    "Tăng cường sự lãnh đạo của các cấp ủy Đảng đối với tổ chức bộ máy và hoạt động của HĐND các cấp Thành phố.",
    "Đổi mới phương thức, nâng cao chất lượng, hiệu quả hoạt động của HĐND các cấp.",
    "Nâng cao chất lượng công tác phối hợp giữa Thường trực HĐND và các cơ quan liên quan.",
    "Nâng cao chất lượng, tính chuyên nghiệp trong công tác tham mưu, phục vụ của bộ máy giúp việc HĐND các cấp.",
    "Tăng cường hoạt động của Thường trực HĐND, các Ban HĐND, các Tổ đại biểu và đại biểu HĐND Thành phố, HĐND quận, "
    "thị xã tại nơi không tổ chức HĐND phường.",
};

/* A sample task: group index (1-5) or 0 for the commune plan, code, title,
 * period, target, weight (0 = not given), and one or two updates. */
typedef struct DemoTask {
    int group;
    const char *code, *title, *from, *due, *kind;
    double target;
    const char *unit;
    double weight;
    const char *u1_day;
    double u1;
    const char *u2_day;
    double u2;
    const char *note;
} DemoTask;

static const DemoTask city_tasks[] = {
    {1, "1.1", "Ban hành Kế hoạch của Đảng đoàn HĐND Thành phố thực hiện Đề án", "2022-05-12", "2022-06-30", "done", 0, "", 1,
     "2022-06-20", 1, NULL, 0, "Kế hoạch đã ban hành và gửi các cấp ủy trực thuộc."},
    {1, "1.2", "Quán triệt Đề án tới đại biểu HĐND Thành phố và Thường trực HĐND quận, huyện, thị xã", "2022-06-01",
     "2022-12-31", "percent", 0, "", 1, "2022-09-15", 60, "2022-12-20", 100, "Hoàn thành hội nghị quán triệt ở 30 đơn vị."},
    {1, "1.3", "Kiện toàn Thường trực HĐND, lãnh đạo các Ban HĐND tham gia cấp ủy cùng cấp", "2022-07-01", "2026-06-30",
     "percent", 0, "", 2, "2024-12-31", 70, "2026-06-15", 90, "Còn một số đơn vị chưa kiện toàn xong."},
    {2, "2.1", "Tổ chức giám sát chuyên đề theo chương trình hằng năm của HĐND Thành phố", "2023-01-01", "2026-12-31",
     "number", 20, "cuộc giám sát", 0, "2025-12-31", 14, "2026-11-30", 17, "Đã thực hiện 17 cuộc giám sát chuyên đề."},
    {2, "2.2", "Tổ chức các kỳ họp HĐND Thành phố không dùng giấy tờ", "2023-01-01", "2025-12-31", "percent", 0, "", 0,
     "2024-07-10", 80, "2025-12-10", 100, "Toàn bộ tài liệu kỳ họp trên hệ thống điện tử."},
    {2, "2.3", "Mở kênh tiếp nhận ý kiến cử tri trực tuyến của Văn phòng", "2022-06-01", "2023-06-30", "done", 0, "", 1,
     "2023-03-01", 1, NULL, 0, "Kênh đã hoạt động."},
    {3, "3.1", "Ký kết và thực hiện quy chế phối hợp với UBND và Ủy ban MTTQ Việt Nam Thành phố", "2022-07-01",
     "2022-12-31", "done", 0, "", 0, "2022-11-30", 1, NULL, 0, "Quy chế phối hợp đã ký."},
    {3, "3.2", "Phối hợp tổ chức tiếp xúc cử tri trước và sau các kỳ họp", "2022-07-01", "2026-12-31", "percent", 0, "", 0,
     "2025-12-31", 75, "2026-11-20", 88, "Theo kế hoạch tiếp xúc cử tri của từng kỳ họp."},
    {4, "4.1", "Bồi dưỡng nghiệp vụ cho cán bộ tham mưu, giúp việc HĐND các cấp", "2022-09-01", "2026-12-31", "number",
     1000, "lượt người", 0, "2024-12-31", 420, "2026-10-31", 640, "Các lớp năm 2026 chưa mở đủ."},
    {4, "4.2", "Số hóa hồ sơ, tài liệu các kỳ họp HĐND Thành phố", "2023-01-01", "2026-12-31", "percent", 0, "", 0,
     "2025-06-30", 45, "2026-09-30", 70, "Còn tài liệu các khóa trước."},
    {5, "5.1", "Tăng số lượng đại biểu HĐND Thành phố hoạt động chuyên trách", "2022-05-12", "2026-12-31", "number", 31,
     "đại biểu", 1, "2026-07-01", 31, NULL, 0, "Đủ 31 đại biểu chuyên trách trong khóa XVII."},
    {5, "5.2", "Kiện toàn tổ chức và hoạt động của HĐND cấp xã sau sắp xếp đơn vị hành chính", "2025-07-01", "2026-06-30",
     "percent", 0, "", 2, "2025-12-31", 60, "2026-06-30", 95, "Còn một số xã chưa đủ lãnh đạo Ban."},
};

/* phường Ba Đình's plan: code, title, period, target, and the city task it implements. */
static const DemoTask ward_tasks[] = {
    {0, "1", "Kiện toàn tổ chức và hoạt động của HĐND phường sau sắp xếp đơn vị hành chính", "2026-01-15", "2026-06-30",
     "percent", 0, "", 0, "2026-06-25", 100, NULL, 0, "Đã bầu đủ Thường trực và lãnh đạo hai Ban."},
    {0, "2", "Giám sát chuyên đề của HĐND phường năm 2026", "2026-03-01", "2026-12-31", "number", 2, "cuộc giám sát", 0,
     "2026-09-30", 1, NULL, 0, "Đã giám sát việc quản lý trật tự xây dựng."},
    {0, "3", "Tổ chức tiếp xúc cử tri trước và sau kỳ họp", "2026-01-15", "2026-12-31", "percent", 0, "", 0,
     "2026-07-15", 60, NULL, 0, "Đã tiếp xúc cử tri trước và sau kỳ họp giữa năm."},
    {0, "4", "Sơ kết năm thực hiện Đề án, báo cáo Thường trực HĐND Thành phố", "2026-11-01", "2026-12-31", "done", 0, "", 0,
     NULL, 0, NULL, 0, ""},
};
/* which city task each ward task implements (by code; NULL none) */
static const char *const ward_implements[] = {"5.2", NULL, "3.2", NULL};

static int add_update(Db *db, int64_t task, int64_t council, const DemoTask *t, const char *on, double v,
                      char *err, size_t errlen)
{
    if (!on) return 0;
    int64_t d = day(on);
    if (db_int(db, 0, "SELECT COUNT(*) FROM programme_updates WHERE task_id = ?1 AND on_day = ?2", "ll", task, d) > 0)
        return 0;
    ProgUpdateIn u = {.task_id = task, .council_id = council, .username = "demo", .note = t->note, .day = d,
                      .now = d + 12 * 3600, .sample = 1};
    if (!strcmp(t->kind, "number")) u.has_value = 1, u.value = v;
    else if (!strcmp(t->kind, "done")) u.done = v >= 1;
    else u.has_percent = 1, u.percent = v;
    return prog_update_add(db, &u, NULL, err, errlen);
}

static int add_task(Db *db, int64_t prog, int64_t parent, int position, int64_t owner, int64_t implements,
                    const DemoTask *t, int64_t *id, char *err, size_t errlen)
{
    ProgTaskIn in = {.programme_id = prog, .parent_id = parent, .position = position, .code = t->code,
                     .title = t->title, .owner_council_id = owner, .starts_on = day(t->from), .due_on = day(t->due),
                     .target_kind = t->kind, .target_value = t->target, .target_unit = t->unit,
                     .has_weight = t->weight > 0, .weight = t->weight, .implements_id = implements, .sample = 1};
    if (prog_task_add(db, &in, id, err, errlen) != 0) return -1;
    if (add_update(db, *id, owner, t, t->u1_day, t->u1, err, errlen) != 0) return -1;
    return add_update(db, *id, owner, t, t->u2_day, t->u2, err, errlen);
}

int programme_demo_load(Db *db, char *err, size_t errlen)
{
    const char *cur = "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = ?1 AND c.valid_to IS NULL";
    int64_t city = db_int(db, 0, cur, "t", "thanh-pho-ha-noi");
    int64_t ward = db_int(db, 0, cur, "t", "phuong-ba-dinh");
    if (city <= 0 || ward <= 0) {
        snprintf(err, errlen, "programme demo: the city's or phường Ba Đình's council is missing");
        return -1;
    }
    ProgrammeIn p = {.council_id = city, .kind = "scheme", .number = "15-ĐA/TU", .issuer = "Thành ủy Hà Nội",
                     .title = "Nâng cao năng lực, hiệu lực, hiệu quả hoạt động của Hội đồng nhân dân các cấp thành phố "
                              "Hà Nội giai đoạn 2021-2026 gắn với thực hiện thí điểm tổ chức mô hình chính quyền đô thị "
                              "và củng cố chính quyền nông thôn tại thành phố Hà Nội",
                     .slug = "de-an-15-da-tu",
                     .summary = "Đề án của Ban Thường vụ Thành ủy, do Bí thư Thành ủy ký ban hành ngày 12/5/2022: "
                                "2 mục tiêu và 5 nhóm nhiệm vụ, giải pháp; định kỳ hằng năm sơ kết, gắn với thi đua "
                                "khen thưởng của HĐND các cấp.",
                     .publish = "full", .issued_on = day("2022-05-12"), .starts_on = day("2022-05-12"),
                     .ends_on = day("2026-12-31"), .sample = 0};
    int64_t de_an = 0;
    if (programme_add(db, &p, &de_an, err, errlen) != 0) return -1;
    for (int i = 0; i < 2; i++)
        if (programme_goal_add(db, de_an, i + 1, goals[i], 0, err, errlen) != 0) return -1;
    int64_t group[5];
    for (int i = 0; i < 5; i++) {
        char code[16];
        snprintf(code, sizeof code, "%d", i + 1);
        ProgTaskIn g = {.programme_id = de_an, .position = i + 1, .code = code, .title = groups[i],
                        .owner_council_id = city, .starts_on = day("2022-05-12"), .due_on = day("2026-12-31"),
                        .target_kind = "percent"};
        if (prog_task_add(db, &g, &group[i], err, errlen) != 0) return -1;
    }
    int64_t city_ids[sizeof city_tasks / sizeof city_tasks[0]];
    for (size_t i = 0; i < sizeof city_tasks / sizeof city_tasks[0]; i++)
        if (add_task(db, de_an, group[city_tasks[i].group - 1], (int)i + 1, city, 0, &city_tasks[i], &city_ids[i],
                     err, errlen) != 0)
            return -1;

    ProgrammeIn w = {.council_id = ward, .kind = "plan", .number = "12/KH-HĐND", .issuer = "Thường trực HĐND phường Ba Đình",
                     .title = "Kế hoạch thực hiện Đề án 15-ĐA/TU của HĐND phường Ba Đình năm 2026",
                     .slug = "ke-hoach-phuong-ba-dinh-2026",
                     .summary = "Kế hoạch mẫu của một phường (dữ liệu minh họa): các nhiệm vụ liên kết với nhiệm vụ của "
                                "Đề án mà phường thực hiện.",
                     .publish = "full", .issued_on = day("2026-01-15"), .starts_on = day("2026-01-15"),
                     .ends_on = day("2026-12-31"), .sample = 1};
    int64_t plan = 0;
    if (programme_add(db, &w, &plan, err, errlen) != 0) return -1;
    for (size_t i = 0; i < sizeof ward_tasks / sizeof ward_tasks[0]; i++) {
        int64_t implements = 0, id = 0;
        for (size_t k = 0; ward_implements[i] && k < sizeof city_tasks / sizeof city_tasks[0]; k++)
            if (!strcmp(city_tasks[k].code, ward_implements[i])) implements = city_ids[k];
        if (add_task(db, plan, 0, (int)i + 1, ward, implements, &ward_tasks[i], &id, err, errlen) != 0) return -1;
    }
    return 0;
}

int programme_demo_remove(Db *db)
{
    static const char *const sql[] = {
        "DELETE FROM programme_update_files WHERE update_id IN (SELECT id FROM programme_updates WHERE is_sample = 1"
        " OR task_id IN (SELECT id FROM programme_tasks WHERE is_sample = 1))",
        "DELETE FROM programme_updates WHERE is_sample = 1 OR task_id IN (SELECT id FROM programme_tasks WHERE is_sample = 1)",
        "DELETE FROM programme_task_owners WHERE is_sample = 1 OR task_id IN (SELECT id FROM programme_tasks WHERE is_sample = 1)",
        /* children before parents: sample tasks are leaves or under sample tasks */
        "UPDATE programme_tasks SET implements_id = NULL WHERE implements_id IN (SELECT id FROM programme_tasks WHERE is_sample = 1)",
        "DELETE FROM programme_tasks WHERE is_sample = 1 AND parent_id IS NOT NULL",
        "DELETE FROM programme_tasks WHERE is_sample = 1",
        "DELETE FROM programme_goals WHERE is_sample = 1",
        "DELETE FROM programme_goals WHERE programme_id IN (SELECT id FROM programmes WHERE is_sample = 1)",
        "DELETE FROM programme_tasks WHERE programme_id IN (SELECT id FROM programmes WHERE is_sample = 1)",
        "DELETE FROM programmes WHERE is_sample = 1",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++)
        if (db_exec(db, sql[i], "") != DB_OK) return -1;
    return 0;
}
