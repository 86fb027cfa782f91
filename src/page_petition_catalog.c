/* page_petition_catalog.c - the lists petitions are classified by, kept as
 * data by the portal's administrator (issue 10: "a list that is data";
 * domain.md §9: "labels are data, editable by an administrator").
 *
 *   GET  /quan-tri/kien-nghi/danh-muc                 fields and status labels
 *   POST /quan-tri/kien-nghi/danh-muc/linh-vuc        add a field
 *   POST /quan-tri/kien-nghi/danh-muc/linh-vuc/:id    rename, reorder, retire or restore one
 *   POST /quan-tri/kien-nghi/danh-muc/nhan            relabel a status
 * A field is never deleted: petitions refer to it; a retired one
 * (active = 0) is no longer offered but still shown where it was used.
 * Status codes are fixed by the workflow; only their labels change. */
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "db.h"
#include "http.h"
#include "layout.h"
#include "page.h"
#include "page_util.h"
#include "tmpl.h"
#include "vn.h"

#define LABEL_MAX 100

static int render(Req *r, int status, const char *error, const char *which)
{
    Arena *a = r->arena;
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    Val *fields = val_list(a);
    Stmt *st = db_prepare(r->db, "SELECT f.id, f.code, f.label, f.position, f.active, "
                                 "(SELECT COUNT(*) FROM petitions p WHERE p.field_id = f.id) FROM petition_fields f "
                                 "ORDER BY f.position, f.label");
    if (!st) return reply_error(r, 500, NULL);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        val_set_str(m, "action", arena_printf(a, "/quan-tri/kien-nghi/danh-muc/linh-vuc/%lld", (long long)db_col_int(st, 0)));
        val_set_str(m, "id", arena_printf(a, "f%lld", (long long)db_col_int(st, 0)));
        val_set_str(m, "code", db_col_dup(st, 1, a));
        val_set_str(m, "label", db_col_dup(st, 2, a));
        val_set_int(m, "position", db_col_int(st, 3));
        val_set_bool(m, "active", db_col_int(st, 4) != 0);
        val_set_int(m, "used", db_col_int(st, 5));
        val_push(fields, m);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    Val *labels = val_list(a);
    st = db_prepare(r->db, "SELECT domain, code, label FROM status_labels ORDER BY domain, position");
    if (!st) return reply_error(r, 500, NULL);
    static const char *const domains[][2] = {{"petition", "Kiến nghị cử tri"}, {"petition_flag", "Dấu hiệu của kiến nghị"},
                                             {"recommendation", "Kiến nghị giám sát"}, {"supervision", "Cuộc giám sát"}};
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        const char *d = db_col_dup(st, 0, a);
        const char *dl = d;
        for (int i = 0; i < 4; i++)
            if (!strcmp(domains[i][0], d)) dl = domains[i][1];
        val_set_str(m, "domain", d);
        val_set_str(m, "domain_label", dl);
        val_set_str(m, "code", db_col_dup(st, 1, a));
        val_set_str(m, "label", db_col_dup(st, 2, a));
        val_push(labels, m);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "fields", fields);
    val_set(ctx, "labels", labels);
    int typed = which && !strcmp(which, "new");
    val_set_str(ctx, "new_code", typed ? page_echo(a, req_form(r, "code")) : "");
    val_set_str(ctx, "new_label", typed ? page_echo(a, req_form(r, "label")) : "");
    val_set_str(ctx, "new_position", typed ? page_echo(a, req_form(r, "position")) : "");
    if (error) val_set_str(ctx, "error", error);
    if (req_query(r, "ok")) val_set_str(ctx, "notice", "Đã lưu.");
    return reply_page(r, status, "admin_petition_catalog", "Danh mục kiến nghị cử tri", ctx);
}

/* GET /quan-tri/kien-nghi/danh-muc [admin] */
int page_admin_petition_catalog(Req *r)
{
    return render(r, 200, NULL, NULL);
}

/* A label as stored (NFC, trimmed), or NULL with *why. */
static const char *label_of(Req *r, const char *s, const char **why)
{
    if (!s || !vn_utf8_valid(s, strlen(s))) { *why = "Tên không hợp lệ."; return NULL; }
    char *c = vn_clean(r->arena, s);
    if (!c || !*c) { *why = "Vui lòng nhập tên."; return NULL; }
    if (vn_char_count(c) > LABEL_MAX) { *why = "Tên dài quá 100 ký tự."; return NULL; }
    return c;
}

static int position_of(const char *s, int64_t *out)
{
    *out = 0;
    if (!s || !*s) return 0;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!end || *end || v < 0 || v > 10000) return -1;
    *out = v;
    return 0;
}

static int saved(Req *r, const char *action, int64_t id, const char *detail)
{
    if (audit(r->db, r->user->id, r->user->username, r->now, action, "petition_catalog", id, detail) != 0 ||
        db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return render(r, 503, "Không ghi được lúc này, vui lòng thử lại.", NULL);
    }
    return reply_redirect(r, "/quan-tri/kien-nghi/danh-muc?ok=1");
}

/* POST /quan-tri/kien-nghi/danh-muc/linh-vuc [admin] Form: csrf, code, label, position. */
int page_admin_petition_field_add(Req *r)
{
    const char *why = NULL;
    const char *code = req_form(r, "code");
    const char *label = label_of(r, req_form(r, "label"), &why);
    int64_t pos = 0;
    if (!code || strlen(code) < 2 || strlen(code) > 40 || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(code))
        return render(r, 400, "Mã lĩnh vực gồm 2–40 ký tự: chữ thường không dấu, số, gạch ngang (ví dụ: nong-nghiep).", "new");
    if (!label) return render(r, 400, why, "new");
    if (position_of(req_form(r, "position"), &pos) != 0) return render(r, 400, "Thứ tự phải là số nguyên từ 0 đến 10.000.", "new");
    if (db_begin(r->db) != DB_OK) return render(r, 503, "Không ghi được lúc này, vui lòng thử lại.", "new");
    int st = db_exec(r->db, "INSERT INTO petition_fields (code, label, position) VALUES (?1, ?2, ?3)", "ttl", code, label, pos);
    if (st != DB_OK) {
        db_rollback(r->db);
        return render(r, st == DB_CONSTRAINT ? 400 : 503, st == DB_CONSTRAINT ? "Mã lĩnh vực này đã có." : "Không ghi được lúc này.", "new");
    }
    return saved(r, "petition_field.add", db_last_id(r->db), label);
}

/* POST /quan-tri/kien-nghi/danh-muc/linh-vuc/:id [admin] Form: csrf, label, position, active. */
int page_admin_petition_field_save(Req *r)
{
    int64_t id = page_arg_id(r, 0);
    if (id <= 0 || db_int(r->db, 0, "SELECT COUNT(*) FROM petition_fields WHERE id = ?1", "l", id) != 1)
        return reply_error(r, 404, "Không có lĩnh vực này.");
    const char *why = NULL;
    const char *label = label_of(r, req_form(r, "label"), &why);
    int64_t pos = 0;
    if (!label) return render(r, 400, why, NULL);
    if (position_of(req_form(r, "position"), &pos) != 0) return render(r, 400, "Thứ tự phải là số nguyên từ 0 đến 10.000.", NULL);
    const char *active = req_form(r, "active");
    if (db_begin(r->db) != DB_OK) return render(r, 503, "Không ghi được lúc này, vui lòng thử lại.", NULL);
    if (db_exec(r->db, "UPDATE petition_fields SET label = ?2, position = ?3, active = ?4 WHERE id = ?1", "ltll", id, label, pos,
                (int64_t)(active && !strcmp(active, "1"))) != DB_OK) {
        db_rollback(r->db);
        return render(r, 503, "Không ghi được lúc này, vui lòng thử lại.", NULL);
    }
    return saved(r, "petition_field.save", id, label);
}

/* POST /quan-tri/kien-nghi/danh-muc/nhan [admin] Form: csrf, domain, code, label. */
int page_admin_status_label_save(Req *r)
{
    const char *why = NULL;
    const char *label = label_of(r, req_form(r, "label"), &why);
    if (!label) return render(r, 400, why, NULL);
    const char *domain = req_form(r, "domain"), *code = req_form(r, "code");
    if (!domain || !code || db_int(r->db, 0, "SELECT COUNT(*) FROM status_labels WHERE domain = ?1 AND code = ?2", "tt",
                                   domain, code) != 1)
        return render(r, 400, "Không có trạng thái này.", NULL);
    if (db_begin(r->db) != DB_OK) return render(r, 503, "Không ghi được lúc này, vui lòng thử lại.", NULL);
    if (db_exec(r->db, "UPDATE status_labels SET label = ?3 WHERE domain = ?1 AND code = ?2", "ttt", domain, code, label) != DB_OK) {
        db_rollback(r->db);
        return render(r, 503, "Không ghi được lúc này, vui lòng thử lại.", NULL);
    }
    return saved(r, "status_label.save", 0, arena_printf(r->arena, "%s.%s: %s", domain, code, label));
}
