/* store.c - the content-addressed file store for attachments.
 *
 * Bytes live outside any web root at files_dir/<aa>/<sha256>, where aa is
 * the first two hex digits of the SHA-256; the files table maps the hash to
 * size and MIME type.  Identical uploads are stored once: a known hash
 * reuses its row (and rewrites the bytes only if they went missing).
 *
 * The type is decided by the CONTENT, never by the file name: libmagic
 * names it, and a short allow-list (PDF, Office, OpenDocument, common
 * images) decides.  libmagic is vague about two families, so we look
 * closer ourselves:
 *   - OOXML (DOCX/XLSX) may be reported as application/zip or
 *     application/octet-stream; we read the zip central directory and
 *     require [Content_Types].xml plus word/ or xl/ entries.  OpenDocument
 *     is recognised by its leading stored "mimetype" entry.
 *   - Old binary Office files may be reported as generic CDF
 *     (application/CDFV2, application/x-ole-storage); we look for the
 *     UTF-16 stream name "WordDocument" (DOC) or "Workbook"/"Book" (XLS).
 *
 * Durability: bytes are written to a temp file in the destination directory,
 * fsync'ed, renamed into place and the directory fsync'ed, so a crash leaves
 * either nothing or the whole file (never a half-written file under its
 * final name), and no temp file survives an error path.
 *
 * libmagic handles are not thread-safe: one handle, loaded once, used under
 * a mutex (detection is fast next to the disk writes around it). */
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "content.h"
#include "log.h"
#include "vn.h"

#define ERR_TYPE "Loại tệp không được phép. Chỉ nhận PDF, Word (DOC, DOCX), Excel (XLS, XLSX), " \
                 "OpenDocument (ODT, ODS) và ảnh (JPEG, PNG, GIF, WebP)."

static pthread_once_t magic_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t magic_mu = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_cookie;   /* NULL when the database failed to load */

static void magic_init(void)
{
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    if (!m) { log_error("store: magic_open failed"); return; }
    if (magic_load(m, NULL) != 0) {
        log_error("store: cannot load the libmagic database: %s", magic_error(m));
        magic_close(m);
        return;
    }
    magic_cookie = m;
}

/* libmagic's verdict on the bytes, copied into the arena; NULL on failure. */
static char *magic_type(Arena *a, const void *data, size_t n)
{
    pthread_once(&magic_once, magic_init);
    if (!magic_cookie) return NULL;
    pthread_mutex_lock(&magic_mu);
    const char *t = magic_buffer(magic_cookie, data, n);
    char *out = t ? arena_strdup(a, t) : NULL;
    if (!t) log_error("store: magic_buffer: %s", magic_error(magic_cookie));
    pthread_mutex_unlock(&magic_mu);
    return out;
}

static const char *const allowed_types[] = {
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "image/jpeg", "image/png", "image/gif", "image/webp",
    NULL
};

static int type_allowed(const char *t)
{
    for (int i = 0; allowed_types[i]; i++)
        if (strcmp(t, allowed_types[i]) == 0) return 1;
    return 0;
}

static uint32_t rd16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const unsigned char *p) { return rd16(p) | rd16(p + 2) << 16; }

/* Classify a zip archive by its entries: OOXML word/xl, or OpenDocument by
 * the leading "mimetype" entry.  Returns an allowed MIME type or NULL. */
static const char *zip_office_type(const unsigned char *d, size_t n)
{
    static const char odt[] = "application/vnd.oasis.opendocument.text";
    static const char ods[] = "application/vnd.oasis.opendocument.spreadsheet";
    if (n < 30 || rd32(d) != 0x04034b50) return NULL;
    /* OpenDocument: first entry "mimetype", stored (method 0), content = the type. */
    uint32_t nlen = rd16(d + 26), xlen = rd16(d + 28), csize = rd32(d + 18);
    /* 30 + nlen <= n: a file of 30-37 bytes whose header claims an 8-byte
     * name would be read past its end (found by fuzz/fuzz_upload.c). */
    if (nlen == 8 && 30 + (size_t)nlen <= n && memcmp(d + 30, "mimetype", 8) == 0 && rd16(d + 8) == 0) {
        size_t off = 30 + (size_t)nlen + xlen;
        if (off + csize <= n) {
            if (csize == sizeof odt - 1 && memcmp(d + off, odt, csize) == 0) return odt;
            if (csize == sizeof ods - 1 && memcmp(d + off, ods, csize) == 0) return ods;
        }
    }
    /* OOXML: find the end-of-central-directory record in the last 64 KiB + 22. */
    if (n < 22) return NULL;
    size_t lo = n > 65557 ? n - 65557 : 0, eocd = (size_t)-1;
    for (size_t i = n - 22 + 1; i-- > lo;)
        if (rd32(d + i) == 0x06054b50) { eocd = i; break; }
    if (eocd == (size_t)-1) return NULL;
    uint32_t count = rd16(d + eocd + 10), cd_off = rd32(d + eocd + 16);
    int has_types = 0, has_word = 0, has_xl = 0;
    size_t p = cd_off;
    for (uint32_t k = 0; k < count; k++) {
        if (p + 46 > n || rd32(d + p) != 0x02014b50) return NULL;
        uint32_t fl = rd16(d + p + 28), el = rd16(d + p + 30), cl = rd16(d + p + 32);
        if (p + 46 + fl > n) return NULL;
        const char *name = (const char *)d + p + 46;
        if (fl == 19 && memcmp(name, "[Content_Types].xml", 19) == 0) has_types = 1;
        if (fl > 5 && memcmp(name, "word/", 5) == 0) has_word = 1;
        if (fl > 3 && memcmp(name, "xl/", 3) == 0) has_xl = 1;
        p += 46 + (size_t)fl + el + cl;
    }
    if (!has_types) return NULL;
    if (has_word && !has_xl) return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    if (has_xl && !has_word) return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    return NULL;
}

/* Find needle encoded as UTF-16LE in the bytes. */
static int has_utf16(const unsigned char *d, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (n < 2 * k) return 0;
    for (size_t i = 0; i + 2 * k <= n; i++) {
        size_t j = 0;
        while (j < k && d[i + 2 * j] == (unsigned char)needle[j] && d[i + 2 * j + 1] == 0) j++;
        if (j == k) return 1;
    }
    return 0;
}

/* Old binary Office (OLE2 compound file): Word or Excel by stream name. */
static const char *cdf_office_type(const unsigned char *d, size_t n)
{
    static const unsigned char sig[8] = {0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1};
    if (n < 512 || memcmp(d, sig, 8) != 0) return NULL;
    if (has_utf16(d, n, "WordDocument")) return "application/msword";
    if (has_utf16(d, n, "Workbook") || has_utf16(d, n, "Book")) return "application/vnd.ms-excel";
    return NULL;
}

/* Decide the stored MIME type from the bytes: an allowed type, or NULL. */
static const char *store_type(Arena *a, const unsigned char *d, size_t n, const char **err)
{
    char *t = magic_type(a, d, n);
    if (!t) { *err = "Không kiểm tra được loại tệp. Vui lòng thử lại sau."; return NULL; }
    if (strcmp(t, "application/zip") == 0 || strcmp(t, "application/octet-stream") == 0 ||
        strcmp(t, "application/x-zip") == 0 || strcmp(t, "application/x-zip-compressed") == 0) {
        const char *z = zip_office_type(d, n);
        if (z) return z;
    }
    if (strcmp(t, "application/CDFV2") == 0 || strcmp(t, "application/x-ole-storage") == 0 ||
        strcmp(t, "application/vnd.ms-office") == 0 || strcmp(t, "application/msword") == 0 ||
        strcmp(t, "application/vnd.ms-excel") == 0) {
        /* Trust libmagic's specific answer, else look at the stream names. */
        if (strcmp(t, "application/msword") == 0 || strcmp(t, "application/vnd.ms-excel") == 0)
            return t;
        const char *c = cdf_office_type(d, n);
        if (c) return c;
    }
    /* OOXML that libmagic named precisely still gets a structural check,
     * so a random zip claiming to be DOCX by its first entry name is refused. */
    if (strcmp(t, allowed_types[2]) == 0 || strcmp(t, allowed_types[4]) == 0) {
        const char *z = zip_office_type(d, n);
        if (z) return z;
        *err = ERR_TYPE;
        return NULL;
    }
    if (type_allowed(t)) return t;
    *err = ERR_TYPE;
    return NULL;
}

/* "tối đa 20 MB" / "tối đa 512 KB" */
static const char *size_limit_msg(Arena *a, size_t max)
{
    Buf b;
    buf_init(&b, a);
    buf_puts(&b, "Tệp quá lớn (tối đa ");
    if (max >= 1024 * 1024) {
        if (max % (1024 * 1024) == 0) { vn_int(&b, (int64_t)(max / (1024 * 1024))); }
        else vn_decimal(&b, (double)max / (1024.0 * 1024.0), 1);
        buf_puts(&b, " MB).");
    } else if (max >= 1024) {
        vn_int(&b, (int64_t)(max / 1024));
        buf_puts(&b, " KB).");
    } else {
        vn_int(&b, (int64_t)max);
        buf_puts(&b, " byte).");
    }
    return buf_str(&b);
}

char *store_path(Arena *a, const char *files_dir, const char *sha256)
{
    return arena_printf(a, "%s/%.2s/%s", files_dir, sha256, sha256);
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n > (1u << 20) ? (1u << 20) : n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Write the bytes to files_dir/<aa>/<hex> durably (temp + fsync + rename +
 * fsync dir).  0 or -1 (logged; temp file removed). */
static int store_write(Arena *a, const char *files_dir, const char *hex, const unsigned char *d,
                       size_t n)
{
    char *dir = arena_printf(a, "%s/%.2s", files_dir, hex);
    if (mkdir(files_dir, 0750) != 0 && errno != EEXIST) {
        log_error("store: mkdir %s: %s", files_dir, strerror(errno));
        return -1;
    }
    int created = 0;
    if (mkdir(dir, 0750) == 0) created = 1;
    else if (errno != EEXIST) {
        log_error("store: mkdir %s: %s", dir, strerror(errno));
        return -1;
    }
    if (created) fsync_dir(files_dir);
    char *tmp = arena_printf(a, "%s/.tmp-%s-XXXXXX", dir, hex);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        log_error("store: cannot create a temp file in %s: %s", dir, strerror(errno));
        return -1;
    }
    if (write_all(fd, d, n) != 0 || fsync(fd) != 0) {
        log_error("store: writing %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0) {
        log_error("store: closing %s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    char *final = store_path(a, files_dir, hex);
    if (rename(tmp, final) != 0) {
        log_error("store: rename %s: %s", final, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (fsync_dir(dir) != 0) log_warn("store: fsync %s: %s", dir, strerror(errno));
    return 0;
}

/* The common path for files and memory: size check, hash, type, write,
 * files row. */
static int64_t store_bytes(Db *db, Arena *a, const char *files_dir, const unsigned char *d,
                           size_t n, size_t max, const char **err)
{
    static const char sql_find[] = "SELECT id FROM files WHERE sha256 = ?1";
    if (n == 0) { *err = "Tệp rỗng, không có nội dung."; return -1; }
    if (max > 0 && n > max) { *err = size_limit_msg(a, max); return -1; }
    if (sodium_init() < 0) { *err = "Lỗi hệ thống khi lưu tệp."; return -1; }

    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    for (size_t off = 0; off < n; off += 1u << 20) {
        size_t k = n - off < (1u << 20) ? n - off : (1u << 20);
        crypto_hash_sha256_update(&st, d + off, k);
    }
    crypto_hash_sha256_final(&st, h);
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);

    const char *mime = store_type(a, d, n, err);
    if (!mime) return -1;

    /* The bytes go to disk first, then the row: a row never points at
     * missing bytes; a crash in between leaves an unreferenced file that a
     * later upload of the same bytes simply reuses. */
    char *final = store_path(a, files_dir, hex);
    struct stat sb;
    if (stat(final, &sb) != 0 || (size_t)sb.st_size != n) {
        if (store_write(a, files_dir, hex, d, n) != 0) {
            *err = "Không lưu được tệp (lỗi ghi đĩa). Vui lòng thử lại sau.";
            return -1;
        }
    }
    int64_t id = db_int(db, -1, sql_find, "t", hex);
    if (id > 0) return id;
    int rc = db_exec(db,
                     "INSERT INTO files (sha256, size, mime, created_at) VALUES (?1, ?2, ?3, ?4) "
                     "ON CONFLICT (sha256) DO NOTHING",
                     "tltl", hex, (int64_t)n, mime, (int64_t)time(NULL));
    id = db_int(db, -1, sql_find, "t", hex);
    if (rc != DB_OK || id <= 0) {
        *err = "Không lưu được tệp (lỗi cơ sở dữ liệu). Vui lòng thử lại sau.";
        return -1;
    }
    return id;
}

int64_t store_put_mem(Db *db, Arena *a, const char *files_dir, const void *data, size_t n,
                      size_t max, const char **err)
{
    return store_bytes(db, a, files_dir, data, n, max, err);
}

int64_t store_put(Db *db, Arena *a, const char *files_dir, const char *src_path, size_t max,
                  const char **err)
{
    int fd = open(src_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        log_error("store: open %s: %s", src_path, strerror(errno));
        *err = "Không đọc được tệp tải lên.";
        return -1;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        *err = "Không đọc được tệp tải lên.";
        return -1;
    }
    size_t n = (size_t)sb.st_size;
    if (n == 0) { close(fd); *err = "Tệp rỗng, không có nội dung."; return -1; }
    if (max > 0 && n > max) { close(fd); *err = size_limit_msg(a, max); return -1; }
    /* Map the file: one view of the bytes for hashing, type detection and
     * writing, so what we check is exactly what we store. */
    void *m = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        log_error("store: mmap %s: %s", src_path, strerror(errno));
        *err = "Không đọc được tệp tải lên.";
        return -1;
    }
    int64_t id = store_bytes(db, a, files_dir, m, n, max, err);
    munmap(m, n);
    return id;
}
