/* unit_import.c - administrative units from the JSON data sets (see
 * unit_import.h).  Parsing is libjansson's; names go through
 * unit_name_norm so "Hoà" and "Hòa" from two sources are one name. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "unit.h"
#include "unit_import.h"
#include "vn.h"

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Begin unless the caller already holds a transaction; *own says which. */
static int tx_begin(Db *db, int *own)
{
    *own = !db_in_transaction(db);
    return *own ? db_begin(db) : DB_OK;
}

static int tx_end(Db *db, int own, int ok)
{
    if (!own) return ok ? 0 : -1;
    if (ok && db_commit(db) == DB_OK) return 0;
    db_rollback(db);
    return -1;
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Kind and level from the unit word of a full name ("Quận Ba Đình"),
 * matched without regard to case; *canon is the name with the word
 * capitalised as usual ("xã Bắc Sơn" -> "Xã Bắc Sơn"). */
static int kind_of(Arena *a, const char *full, const char *want_level, const char **kind,
                   const char **level, const char **rest, const char **canon)
{
    static const struct { const char *word, *lower, *kind, *level; } k[] = {
        {"Thành phố ", "thành phố ", NULL, NULL},
        {"Tỉnh ", "tỉnh ", "tinh", "province"},
        {"Quận ", "quận ", "quan", "district"}, {"Huyện ", "huyện ", "huyen", "district"},
        {"Thị xã ", "thị xã ", "thi-xa", "district"},
        {"Phường ", "phường ", "phuong", "commune"}, {"Xã ", "xã ", "xa", "commune"},
        {"Thị trấn ", "thị trấn ", "thi-tran", "commune"}, {"Đặc khu ", "đặc khu ", "dac-khu", "commune"},
    };
    const char *low = vn_lower_a(a, full);
    if (!low || strlen(low) != strlen(full)) return -1;
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        size_t n = strlen(k[i].lower);
        if (strncmp(low, k[i].lower, n) != 0) continue;
        if (!k[i].kind) {
            /* "Thành phố": a centrally-run city at province level, a
             * provincial city at district level. */
            if (!want_level || !strcmp(want_level, "commune")) return -1;
            *level = want_level;
            *kind = !strcmp(want_level, "province") ? "thanh-pho-tw" : "thanh-pho";
        } else {
            *kind = k[i].kind;
            *level = k[i].level;
        }
        *rest = full + n;
        *canon = arena_printf(a, "%s%s", k[i].word, full + n);
        *rest = *canon + strlen(k[i].word);
        return 0;
    }
    return -1;
}

/* The slug a unit gets: its name's, unless another unit (another code)
 * whose period overlaps already has it; then with the parent's short name,
 * then with the code. */
static const char *unit_slug(Db *db, Arena *a, const char *code, const char *name,
                             const char *parent_short, int64_t from, int64_t to)
{
    const char *cand[3] = {
        vn_slug(a, name, 120),
        parent_short && *parent_short ? vn_slug(a, arena_printf(a, "%s %s", name, parent_short), 160) : NULL,
        vn_slug(a, arena_printf(a, "%s %s", name, code), 160),
    };
    for (int i = 0; i < 3; i++) {
        if (!cand[i]) continue;
        int64_t n = db_int(db, -1,
            "SELECT COUNT(*) FROM units WHERE slug = ?1 AND code <> ?2"
            " AND (?4 = 0 OR valid_from < ?4) AND (valid_to IS NULL OR valid_to > ?3)",
            "ttll", cand[i], code, from, to);
        if (n == 0) return cand[i];
    }
    return cand[2];
}

/* Insert or update the unit keyed (code, from); *id is its row. */
static int upsert_unit(Db *db, Arena *a, const char *code, const char *full_name,
                       const char *want_level, int64_t parent_id, const char *parent_short,
                       int64_t from, int64_t to, UnitImportStats *stats, int64_t *id,
                       char *err, size_t errlen)
{
    if (!code || !*code || strlen(code) > 10 || strspn(code, "0123456789") != strlen(code))
        return fail(err, errlen, "Mã đơn vị không hợp lệ: \"%s\".", code ? code : "");
    const char *name = full_name ? unit_name_norm(a, full_name) : NULL;
    if (!name || !*name) return fail(err, errlen, "Đơn vị mã %s không có tên hợp lệ.", code);
    const char *kind, *level, *short_name;
    if (kind_of(a, name, want_level, &kind, &level, &short_name, &name) != 0)
        return fail(err, errlen, "Không nhận ra loại đơn vị của \"%s\" (mã %s).", name, code);
    if (want_level && strcmp(level, want_level) != 0)
        return fail(err, errlen, "\"%s\" (mã %s) không phải đơn vị cấp %s.", name, code,
                    !strcmp(want_level, "province") ? "tỉnh" : !strcmp(want_level, "district") ? "huyện" : "xã");
    const char *fold = vn_fold_a(a, name);
    int64_t old = db_int(db, 0, "SELECT id FROM units WHERE code = ?1 AND valid_from = ?2", "tl",
                         code, from);
    if (old > 0) {
        /* The same unit: refresh what a newer file may spell differently. */
        int64_t same = db_int(db, -1,
            "SELECT COUNT(*) FROM units WHERE id = ?1 AND name = ?2 AND kind = ?3 AND level = ?4"
            " AND COALESCE(parent_id, 0) = ?5 AND COALESCE(valid_to, 0) = ?6",
            "ltttll", old, name, kind, level, parent_id, to);
        if (same == 1) {
            stats->unchanged++;
        } else {
            if (db_exec(db, "UPDATE units SET name = ?2, short_name = ?3, name_fold = ?4, kind = ?5,"
                            " level = ?6, parent_id = NULLIF(?7, 0), valid_to = NULLIF(?8, 0) WHERE id = ?1",
                        "ltttttll", old, name, short_name, fold, kind, level, parent_id, to) != DB_OK)
                return fail(err, errlen, "Lỗi cơ sở dữ liệu khi cập nhật %s: %s", name, db_errmsg(db));
            stats->updated++;
        }
        *id = old;
        return 0;
    }
    /* A unit with this code whose period overlaps this one would make the
     * code ambiguous on some day: refuse. */
    int64_t clash = db_int(db, -1,
        "SELECT COUNT(*) FROM units WHERE code = ?1 AND (?3 = 0 OR valid_from < ?3)"
        " AND (valid_to IS NULL OR valid_to > ?2)", "tll", code, from, to);
    if (clash != 0)
        return fail(err, errlen, "Mã %s (%s) đã dùng cho một đơn vị khác trong cùng thời gian.", code, name);
    const char *slug = unit_slug(db, a, code, name, parent_short, from, to);
    if (db_exec(db, "INSERT INTO units (code, level, kind, name, short_name, name_fold, slug,"
                    " parent_id, valid_from, valid_to) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                    " NULLIF(?8, 0), ?9, NULLIF(?10, 0))",
                "tttttttlll", code, level, kind, name, short_name, fold, slug, parent_id, from, to) != DB_OK)
        return fail(err, errlen, "Lỗi cơ sở dữ liệu khi thêm %s: %s", name, db_errmsg(db));
    *id = db_last_id(db);
    stats->added++;
    return 0;
}

static json_t *parse(const char *json, size_t len, const char *what, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_loadb(json, len, 0, &je);
    if (!root) fail(err, errlen, "Tệp %s không phải JSON hợp lệ (dòng %d: %s).", what, je.line, je.text);
    return root;
}

/* Known start of a province row: Hanoi in its present extent from
 * 1/8/2008; the 34-province set otherwise from 1/7/2025. */
static int64_t province_from(const char *code)
{
    return !strcmp(code, "01") ? unit_dates()->city_from : unit_dates()->reform_from;
}

static int import_province(Db *db, Arena *a, json_t *p, UnitProgress progress, void *pctx,
                           size_t *done, size_t total, UnitImportStats *stats, char *err, size_t errlen)
{
    const char *code = jstr(p, "Code");
    const char *full = jstr(p, "FullName");
    if (!code || !full) return fail(err, errlen, "Thiếu mã hoặc tên tỉnh trong tệp.");
    int64_t pid;
    if (upsert_unit(db, a, code, full, "province", 0, NULL, province_from(code), 0, stats, &pid,
                    err, errlen) != 0)
        return -1;
    json_t *wards = json_object_get(p, "Wards");
    if (!json_is_array(wards)) return fail(err, errlen, "Tỉnh mã %s không có danh sách Wards.", code);
    size_t i;
    json_t *w;
    json_array_foreach(wards, i, w) {
        int64_t id;
        if (upsert_unit(db, a, jstr(w, "Code"), jstr(w, "FullName"), "commune", pid, NULL,
                        unit_dates()->reform_from, 0, stats, &id, err, errlen) != 0)
            return -1;
        ++*done;
        if (progress && (*done % 64 == 0 || *done == total)) progress(pctx, *done, total);
    }
    return 0;
}

int unit_import_current(Db *db, const char *json, size_t len, const char *province,
                        UnitProgress progress, void *pctx, UnitImportStats *stats,
                        char *err, size_t errlen)
{
    json_t *root = parse(json, len, "đơn vị hành chính", err, errlen);
    if (!root) return -1;
    if (json_is_object(root)) {   /* one province */
        json_t *arr = json_array();
        json_array_append(arr, root);
        json_decref(root);
        root = arr;
    }
    if (!json_is_array(root)) { json_decref(root); return fail(err, errlen, "Tệp không chứa danh sách tỉnh."); }
    int all = !province || !strcmp(province, "all");
    size_t total = 0, done = 0, i, found = 0;
    json_t *p;
    json_array_foreach(root, i, p) {
        const char *code = jstr(p, "Code");
        if (all || (code && !strcmp(code, province))) total += json_array_size(json_object_get(p, "Wards"));
    }
    Arena *a = arena_new();
    int own, ok = tx_begin(db, &own) == DB_OK;
    if (!ok) fail(err, errlen, "Không mở được giao dịch: %s", db_errmsg(db));
    json_array_foreach(root, i, p) {
        if (!ok) break;
        const char *code = jstr(p, "Code");
        if (!all && !(code && !strcmp(code, province))) continue;
        found++;
        if (import_province(db, a, p, progress, pctx, &done, total, stats, err, errlen) != 0) ok = 0;
    }
    if (ok && !found) ok = fail(err, errlen, "Không có tỉnh mã %s trong tệp.", province) == 0;
    json_decref(root);
    arena_free(a);
    if (tx_end(db, own, ok) != 0) {
        if (ok) fail(err, errlen, "Không ghi được: %s", db_errmsg(db));
        return -1;
    }
    return 0;
}

int unit_import_former(Db *db, const char *json, size_t len, UnitProgress progress, void *pctx,
                       UnitImportStats *stats, char *err, size_t errlen)
{
    json_t *root = parse(json, len, "đơn vị trước sắp xếp", err, errlen);
    if (!root) return -1;
    const UnitDates *d = unit_dates();
    Arena *a = arena_new();
    int own, ok = tx_begin(db, &own) == DB_OK;
    if (!ok) fail(err, errlen, "Không mở được giao dịch: %s", db_errmsg(db));
    const char *pcode = jstr(root, "Code");
    json_t *districts = json_object_get(root, "District");
    int64_t city = pcode ? db_int(db, 0, "SELECT id FROM units WHERE code = ?1 AND level = 'province'"
                                  " AND valid_from <= ?2 AND (valid_to IS NULL OR valid_to > ?2)",
                                  "tl", pcode, d->former_from) : 0;
    if (ok && (!pcode || !json_is_array(districts)))
        ok = fail(err, errlen, "Tệp không có mã tỉnh hoặc danh sách District.") == 0;
    if (ok && city <= 0)
        ok = fail(err, errlen, "Chưa có tỉnh mã %s: hãy nạp các đơn vị hiện hành trước.", pcode) == 0;
    size_t total = 0, done = 0, i, j;
    json_t *dist, *w;
    if (ok) json_array_foreach(districts, i, dist) total += 1 + json_array_size(json_object_get(dist, "Ward"));
    if (ok) json_array_foreach(districts, i, dist) {
        int64_t did, wid;
        const char *dname = unit_name_norm(a, jstr(dist, "FullName") ? jstr(dist, "FullName") : "");
        if (upsert_unit(db, a, jstr(dist, "Code"), dname, "district", city, NULL, d->former_from,
                        d->reform_from, stats, &did, err, errlen) != 0) { ok = 0; break; }
        const char *dshort = jstr(dist, "Name");
        done++;
        json_array_foreach(json_object_get(dist, "Ward"), j, w) {
            if (upsert_unit(db, a, jstr(w, "Code"), jstr(w, "FullName"), "commune", did, dshort,
                            d->former_from, d->reform_from, stats, &wid, err, errlen) != 0) { ok = 0; break; }
            done++;
            if (progress && (done % 64 == 0 || done == total)) progress(pctx, done, total);
        }
        if (!ok) break;
    }
    json_decref(root);
    arena_free(a);
    if (tx_end(db, own, ok) != 0) {
        if (ok) fail(err, errlen, "Không ghi được: %s", db_errmsg(db));
        return -1;
    }
    return 0;
}

int unit_import_merges(Db *db, const char *json, size_t len, UnitProgress progress, void *pctx,
                       UnitImportStats *stats, char *err, size_t errlen)
{
    json_t *root = parse(json, len, "bảng sắp xếp", err, errlen);
    if (!root) return -1;
    const UnitDates *d = unit_dates();
    int own, ok = tx_begin(db, &own) == DB_OK;
    if (!ok) fail(err, errlen, "Không mở được giao dịch: %s", db_errmsg(db));
    json_t *news = json_object_get(root, "level2s");
    if (ok && !json_is_array(news)) ok = fail(err, errlen, "Tệp không có danh sách level2s.") == 0;
    size_t total = 0, done = 0, i, j;
    json_t *n, *m;
    if (ok) json_array_foreach(news, i, n) total += json_array_size(json_object_get(n, "merges"));
    if (ok) json_array_foreach(news, i, n) {
        const char *ncode = jstr(n, "level2_id");
        int64_t nid = ncode ? db_int(db, 0, "SELECT id FROM units WHERE code = ?1 AND valid_from = ?2",
                                     "tl", ncode, d->reform_from) : 0;
        if (nid <= 0) { ok = fail(err, errlen, "Không có đơn vị mới mã %s.", ncode ? ncode : "?") == 0; break; }
        json_array_foreach(json_object_get(n, "merges"), j, m) {
            const char *ocode = jstr(m, "old_id"), *type = jstr(m, "type");
            int64_t oid = ocode ? db_int(db, 0, "SELECT id FROM units WHERE code = ?1 AND valid_from = ?2"
                                         " AND valid_to = ?3", "tll", ocode, d->former_from, d->reform_from) : 0;
            if (oid <= 0) { ok = fail(err, errlen, "Không có đơn vị cũ mã %s (nhập vào %s).", ocode ? ocode : "?", ncode) == 0; break; }
            if (!type || (strcmp(type, "full") && strcmp(type, "partial"))) {
                ok = fail(err, errlen, "Kiểu sắp xếp \"%s\" không hợp lệ (full hoặc partial).", type ? type : "") == 0;
                break;
            }
            int64_t had = db_int(db, -1, "SELECT COUNT(*) FROM unit_successions WHERE old_unit_id = ?1"
                                 " AND new_unit_id = ?2 AND kind = ?3", "llt", oid, nid, type);
            int64_t any = db_int(db, -1, "SELECT COUNT(*) FROM unit_successions WHERE old_unit_id = ?1"
                                 " AND new_unit_id = ?2", "ll", oid, nid);
            if (had == 0 && db_exec(db,
                    "INSERT INTO unit_successions (old_unit_id, new_unit_id, kind, resolution, decided_on, effective_on)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (old_unit_id, new_unit_id) DO UPDATE"
                    " SET kind = excluded.kind, resolution = excluded.resolution,"
                    " decided_on = excluded.decided_on, effective_on = excluded.effective_on",
                    "llttll", oid, nid, type, UNIT_HANOI_RESOLUTION, d->reform_decided, d->reform_from) != DB_OK) {
                ok = fail(err, errlen, "Lỗi cơ sở dữ liệu: %s", db_errmsg(db)) == 0;
                break;
            }
            if (had == 0) {
                if (any > 0) stats->successions_updated++;
                else stats->successions_added++;
            }
            done++;
            if (progress && (done % 64 == 0 || done == total)) progress(pctx, done, total);
        }
        if (!ok) break;
    }
    json_decref(root);
    if (tx_end(db, own, ok) != 0) {
        if (ok) fail(err, errlen, "Không ghi được: %s", db_errmsg(db));
        return -1;
    }
    return 0;
}

/* Whole file into malloc'd memory; NULL with err set. */
static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) { fail(err, errlen, "Không mở được %s: %s", path, strerror(errno)); return NULL; }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) break;
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (n < cap) break;
        char *nb = realloc(buf, cap *= 2);
        if (!nb) { free(buf); buf = NULL; break; }
        buf = nb;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) { free(buf); fail(err, errlen, "Không đọc được %s.", path); return NULL; }
    *len = n;
    return buf;
}

int unit_import_files(Db *db, const char *dir, const char *national, const char *province,
                      UnitProgress progress, void *pctx, UnitImportStats *stats,
                      char *err, size_t errlen)
{
    char path[3][4096];
    int nfiles = national ? 1 : 3;
    if (national) snprintf(path[0], sizeof path[0], "%s", national);
    else {
        snprintf(path[0], sizeof path[0], "%s/hanoi/hanoi_units_after_2025-07-01.json", dir);
        snprintf(path[1], sizeof path[1], "%s/hanoi/hanoi_units_before_2025-07-01.json", dir);
        snprintf(path[2], sizeof path[2], "%s/hanoi/hanoi_merges_new_to_old.json", dir);
    }
    char *data[3] = {NULL, NULL, NULL};
    size_t len[3] = {0, 0, 0};
    int ret = -1;
    for (int i = 0; i < nfiles; i++)
        if (!(data[i] = slurp(path[i], &len[i], err, errlen))) goto out;
    int own;
    if (tx_begin(db, &own) != DB_OK) { fail(err, errlen, "Không mở được giao dịch: %s", db_errmsg(db)); goto out; }
    int ok = unit_import_current(db, data[0], len[0], national ? province : "01", progress, pctx,
                                 stats, err, errlen) == 0;
    if (ok && !national)
        ok = unit_import_former(db, data[1], len[1], progress, pctx, stats, err, errlen) == 0 &&
             unit_import_merges(db, data[2], len[2], progress, pctx, stats, err, errlen) == 0;
    if (tx_end(db, own, ok) == 0) ret = 0;
    else if (ok) fail(err, errlen, "Không ghi được: %s", db_errmsg(db));
out:
    for (int i = 0; i < 3; i++) free(data[i]);
    return ret;
}
