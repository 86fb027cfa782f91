/* fuzz_upload.c - type detection of uploaded files (store_put_mem in
 * src/store.c): libmagic, then our own readers of ZIP (OOXML and
 * OpenDocument) and OLE2 compound-file structures, which walk offsets and
 * lengths taken from the file itself, so a crafted upload is exactly the
 * input that must not make them read out of bounds.  The database is in
 * memory and the store directory on tmpfs (/dev/shm when there is one).
 * Oracles: refused files get a message; an accepted file's stored type is
 * one of the allowed types and its stored bytes are the input.  Each
 * accepted file is removed again (file and row), so the store stays
 * empty however long the run. */
#include <sys/stat.h>
#include <unistd.h>
#include "fuzz.h"
#include "content.h"
#include "db.h"

static Db *db;
static char dir[64];

static const char *const ALLOWED[] = {
    "application/pdf", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "image/jpeg", "image/png", "image/gif", "image/webp", NULL};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    char err[256];
    struct stat sb;
    snprintf(dir, sizeof dir, "%s/hoidong-fuzz-XXXXXX", stat("/dev/shm", &sb) == 0 ? "/dev/shm" : "/tmp");
    db = db_open(":memory:", 1, err, sizeof err);
    if (!db || !mkdtemp(dir)) { fprintf(stderr, "fuzz_upload: setup: %s\n", db ? dir : err); abort(); }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256 * 1024) return 0;
    /* an exact-size heap copy, so ASan sees any read past the end */
    uint8_t *d = malloc(size ? size : 1);
    if (size) memcpy(d, data, size);
    Arena *a = arena_new();
    const char *err = NULL;
    int64_t id = store_put_mem(db, a, dir, d, size, 0, &err);
    if (id < 0) {
        FUZZ_CHECK(err && *err, "refused without a message");
    } else {
        char *mime = db_text(db, a, "SELECT mime FROM files WHERE id = ?1", "l", id);
        char *hex = db_text(db, a, "SELECT sha256 FROM files WHERE id = ?1", "l", id);
        FUZZ_CHECK(mime && hex, "no files row for id %lld", (long long)id);
        int ok = 0;
        for (int i = 0; ALLOWED[i]; i++) ok |= !strcmp(mime, ALLOWED[i]);
        FUZZ_CHECK(ok, "stored with a type that is not allowed: %s", mime);
        char *path = store_path(a, dir, hex);
        FILE *f = fopen(path, "rb");
        FUZZ_CHECK(f, "stored file missing: %s", path);
        uint8_t *back = malloc(size + 1);
        size_t got = fread(back, 1, size + 1, f);
        fclose(f);
        FUZZ_CHECK(got == size && !memcmp(back, data, size), "stored bytes differ");
        free(back);
        unlink(path);
        db_exec(db, "DELETE FROM files WHERE id = ?1", "l", id);
    }
    arena_free(a);
    free(d);
    return 0;
}
