/* captcha.c - verification codes: generation, in-memory table, PNG
 * rendering with libgd, spoken-style Vietnamese alternative, check.
 *
 * The table holds CAPTCHA_CAPACITY codes, each charged to the network
 * that asked for it, so that a few networks cannot push everyone else's
 * codes out (issue 7): a network holds at most CAPTCHA_NET_SHARE codes
 * and past that replaces its own oldest; a full table drops expired codes
 * first, then the oldest code of the heaviest network (make_room).  Chained
 * hash indexes over the random ids and the network digests, and lists kept
 * in order, make every step O(1).  One mutex guards the whole table;
 * rendering works on a copy of the code outside the lock.
 *
 * With several nodes (shared.h) the codes live in shared_codes instead, so
 * that any node can show and check a code and a code is used once in the
 * whole cluster (taken by one DELETE); the same per-network share holds
 * there (no global capacity: the rows are on disk, and the daily cap per
 * network bounds them).  The picture's noise key is the day's shared
 * secret, so every node draws the same picture of a code.
 *
 * Nothing here is written to disk (on one node) or logged except font
 * errors. */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <pthread.h>
#include <arpa/inet.h>
#include <sodium.h>
#include <gd.h>
#include "captcha.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "shared.h"
#include "tuning.h"
#include "vn.h"

/* No 0/O, 1/I/L: the characters people confuse most. */
static const char CAPTCHA_ALPHABET[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
#define CAPTCHA_ALPHABET_N (sizeof CAPTCHA_ALPHABET - 1)

#define CAPTCHA_BUCKETS 32768u   /* power of two, > capacity */

static const char *const CAPTCHA_FONTS[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    NULL
};

/* The table.  Every code is charged to the network that asked for it
 * (a 16-byte digest of the caller's network key).  Fixed arrays, indices
 * with -1 for "none", all guarded by captcha_mu:
 *  - captcha_tab: the codes; free slots form a list through `next`;
 *  - id_bucket: chained hash of the random ids (lookups in O(1));
 *  - each code is on its network's list (oldest first) and on the list of
 *    all codes in creation order, which is expiry order too, since every
 *    code gets the same lifetime;
 *  - captcha_net: one record per network holding codes, hashed by key
 *    (net_bucket), and on the list of networks holding the same number of
 *    codes (by_count), so the heaviest network is found in O(1): counts
 *    move by one, so the highest non-empty count (count_max) does too. */
typedef struct CaptchaEntry {
    uint8_t id[16];
    char code[CAPTCHA_LEN + 1];
    int32_t next;                /* id hash chain, or free list */
    int32_t net;                 /* owner in captcha_net */
    int32_t net_prev, net_next;  /* owner's codes, oldest first */
    int32_t age_prev, age_next;  /* all codes, oldest first */
    int64_t expires;
} CaptchaEntry;

typedef struct CaptchaNet {
    uint8_t key[16];
    int32_t count;               /* codes held; 0 = record free */
    int32_t oldest, newest;      /* ends of its code list */
    int32_t next;                /* key hash chain, or free list */
    int32_t cnt_prev, cnt_next;  /* networks with the same count */
} CaptchaNet;

static pthread_mutex_t captcha_mu = PTHREAD_MUTEX_INITIALIZER;
static int captcha_ready;                          /* lists initialised */
static CaptchaEntry captcha_tab[CAPTCHA_CAPACITY];
static int32_t id_bucket[CAPTCHA_BUCKETS];         /* slot, -1 = empty */
static int32_t free_slot, age_oldest, age_newest, live;
/* At most CAPTCHA_CAPACITY networks hold codes, plus the requester's
 * record while its first code goes in. */
static CaptchaNet captcha_net[CAPTCHA_CAPACITY + 1];
static int32_t net_bucket[CAPTCHA_BUCKETS];        /* net, -1 = empty */
static int32_t free_net;
static int32_t by_count_first[CAPTCHA_CAPACITY + 1], by_count_last[CAPTCHA_CAPACITY + 1];
static int32_t count_max;
static uint8_t captcha_render_key[crypto_generichash_KEYBYTES];
static uint8_t captcha_net_key[crypto_generichash_KEYBYTES];
static int captcha_keyed;

static pthread_mutex_t captcha_font_mu = PTHREAD_MUTEX_INITIALIZER;
static int captcha_font_ready;

static uint32_t bucket_of(const uint8_t id[16])
{
    uint32_t h;
    memcpy(&h, id, sizeof h);    /* ids and network digests are uniformly random */
    return h & (CAPTCHA_BUCKETS - 1);
}

/* Codes one network may hold.  With the per-network caps off (the test
 * build for make bench, where every request comes from loopback) one
 * network may fill the table, as before. */
static int32_t net_share(void)
{
    return tuning->net_caps ? CAPTCHA_NET_SHARE : CAPTCHA_CAPACITY;
}

/* Empty table: every slot and network record free.  Caller holds captcha_mu. */
static void table_init(void)
{
    for (int32_t i = 0; i < CAPTCHA_CAPACITY; i++)
        captcha_tab[i].next = i + 1 < CAPTCHA_CAPACITY ? i + 1 : -1;
    for (int32_t i = 0; i <= CAPTCHA_CAPACITY; i++) {
        captcha_net[i].next = i < CAPTCHA_CAPACITY ? i + 1 : -1;
        by_count_first[i] = by_count_last[i] = -1;
    }
    for (uint32_t b = 0; b < CAPTCHA_BUCKETS; b++)
        id_bucket[b] = net_bucket[b] = -1;
    free_slot = free_net = 0;
    age_oldest = age_newest = -1;
    live = count_max = 0;
    captcha_ready = 1;
}

/* --- networks (caller holds captcha_mu) --- */

static int32_t net_find(const uint8_t key[16])
{
    for (int32_t n = net_bucket[bucket_of(key)]; n >= 0; n = captcha_net[n].next)
        if (memcmp(captcha_net[n].key, key, 16) == 0)
            return n;
    return -1;
}

/* The record of key, a new empty one when it holds no codes. */
static int32_t net_get(const uint8_t key[16])
{
    int32_t n = net_find(key);
    if (n >= 0)
        return n;
    n = free_net;                /* never -1: see the size of captcha_net */
    CaptchaNet *x = &captcha_net[n];
    free_net = x->next;
    memcpy(x->key, key, 16);
    x->count = 0;
    x->oldest = x->newest = x->cnt_prev = x->cnt_next = -1;
    uint32_t b = bucket_of(key);
    x->next = net_bucket[b];
    net_bucket[b] = n;
    return n;
}

static void count_unlink(int32_t n)
{
    CaptchaNet *x = &captcha_net[n];
    if (x->cnt_prev >= 0) captcha_net[x->cnt_prev].cnt_next = x->cnt_next;
    else by_count_first[x->count] = x->cnt_next;
    if (x->cnt_next >= 0) captcha_net[x->cnt_next].cnt_prev = x->cnt_prev;
    else by_count_last[x->count] = x->cnt_prev;
    x->cnt_prev = x->cnt_next = -1;
}

/* Move network n to count c (+1 or -1); at 0 its record is freed. */
static void net_set_count(int32_t n, int32_t c)
{
    CaptchaNet *x = &captcha_net[n];
    if (x->count > 0)
        count_unlink(n);
    x->count = c;
    if (c > 0) {                 /* last of its new count: networks that got there first lead */
        x->cnt_prev = by_count_last[c];
        if (x->cnt_prev >= 0) captcha_net[x->cnt_prev].cnt_next = n;
        else by_count_first[c] = n;
        by_count_last[c] = n;
        if (c > count_max) count_max = c;
    } else {
        int32_t *link = &net_bucket[bucket_of(x->key)];
        while (*link != n)
            link = &captcha_net[*link].next;
        *link = x->next;
        memset(x, 0, sizeof *x);
        x->next = free_net;
        free_net = n;
    }
    while (count_max > 0 && by_count_first[count_max] < 0)
        count_max--;
}

/* --- codes (caller holds captcha_mu) --- */

/* Slot of id, or -1. */
static int slot_find(const uint8_t id[16])
{
    for (int32_t s = id_bucket[bucket_of(id)]; s >= 0; s = captcha_tab[s].next) {
        if (sodium_memcmp(captcha_tab[s].id, id, 16) == 0)
            return s;
    }
    return -1;
}

/* Take slot out of every list, charge its network one code less, wipe it
 * and put it on the free list. */
static void slot_remove(int32_t slot)
{
    CaptchaEntry *e = &captcha_tab[slot];
    int32_t *link = &id_bucket[bucket_of(e->id)];
    while (*link != slot)
        link = &captcha_tab[*link].next;
    *link = e->next;
    CaptchaNet *x = &captcha_net[e->net];
    if (e->net_prev >= 0) captcha_tab[e->net_prev].net_next = e->net_next;
    else x->oldest = e->net_next;
    if (e->net_next >= 0) captcha_tab[e->net_next].net_prev = e->net_prev;
    else x->newest = e->net_prev;
    if (e->age_prev >= 0) captcha_tab[e->age_prev].age_next = e->age_next;
    else age_oldest = e->age_next;
    if (e->age_next >= 0) captcha_tab[e->age_next].age_prev = e->age_prev;
    else age_newest = e->age_prev;
    net_set_count(e->net, x->count - 1);
    sodium_memzero(e, sizeof *e);
    e->next = free_slot;
    free_slot = slot;
    live--;
}

/* Store e (id, code, expiry) for network n in a free slot. */
static void slot_add(const CaptchaEntry *e, int32_t n)
{
    int32_t slot = free_slot;    /* the caller made room */
    CaptchaEntry *s = &captcha_tab[slot];
    free_slot = s->next;
    *s = *e;
    uint32_t b = bucket_of(s->id);
    s->next = id_bucket[b];
    id_bucket[b] = slot;
    CaptchaNet *x = &captcha_net[n];
    s->net = n;
    s->net_next = -1;
    s->net_prev = x->newest;
    if (x->newest >= 0) captcha_tab[x->newest].net_next = slot;
    else x->oldest = slot;
    x->newest = slot;
    s->age_next = -1;
    s->age_prev = age_newest;
    if (age_newest >= 0) captcha_tab[age_newest].age_next = slot;
    else age_oldest = slot;
    age_newest = slot;
    net_set_count(n, x->count + 1);
    live++;
}

/* Make room for one more code of the network with digest key, in this
 * order:
 *  1. a network at its share replaces its own oldest code;
 *  2. a full table first drops its expired codes (the oldest ones);
 *  3. still full: the oldest code of the network holding the most goes,
 *     or the requester's own oldest when it holds as many as that
 *     network, so a network only displaces codes of networks that hold
 *     more than it does. */
static void make_room(const uint8_t key[16], int64_t now)
{
    int32_t n = net_find(key), have = n >= 0 ? captcha_net[n].count : 0;
    if (have >= net_share()) {
        slot_remove(captcha_net[n].oldest);
        return;
    }
    if (live < CAPTCHA_CAPACITY)
        return;
    while (age_oldest >= 0 && now >= captcha_tab[age_oldest].expires)
        slot_remove(age_oldest);
    if (live < CAPTCHA_CAPACITY)
        return;
    int32_t heavy = by_count_first[count_max];
    if (captcha_net[heavy].count <= have)
        heavy = n;
    slot_remove(captcha_net[heavy].oldest);
}

/* Parse a 32-hex-character id; 0 or -1. */
static int id_parse(const char *hex, uint8_t id[16])
{
    size_t binlen = 0;
    const char *end = NULL;
    if (!hex || strlen(hex) != 32)
        return -1;
    if (sodium_hex2bin(id, 16, hex, 32, NULL, &binlen, &end) != 0 || binlen != 16 || *end)
        return -1;
    return 0;
}

/* code_get in the shared table (several nodes). */
static int shared_code_get(const uint8_t id[16], int64_t now, int take, char code[CAPTCHA_LEN + 1])
{
    Db *db = db_thread();
    if (!db) return -1;
    Stmt *st = db_prepare(db, take ? "DELETE FROM shared_codes WHERE id = ?1 RETURNING code, expires"
                                   : "SELECT code, expires FROM shared_codes WHERE id = ?1");
    if (!st) return -1;
    db_bind_blob(st, 1, id, 16);
    int rc = -1, expired = 0;
    if (db_step(st) == DB_ROW) {
        const char *c = db_col_text(st, 0);
        if (db_col_int(st, 1) > now && strlen(c) == CAPTCHA_LEN) {
            memcpy(code, c, CAPTCHA_LEN + 1);
            rc = 0;
        } else {
            expired = 1;
        }
    }
    db_done(st);
    if (expired && !take) db_exec(db, "DELETE FROM shared_codes WHERE id = ?1", "b", id, (size_t)16);
    return rc;
}

/* Store a new code for network key, first making room within its share. */
static int shared_code_add(const CaptchaEntry *e, const uint8_t key[16], int64_t now)
{
    Db *db = db_thread();
    if (!db) return -1;
    int64_t held = db_int(db, -1, "SELECT count(*) FROM shared_codes WHERE net = ?1 AND expires > ?2", "bl",
                          key, (size_t)16, now);
    if (held < 0) return -1;
    if (held >= net_share() &&
        db_exec(db, "DELETE FROM shared_codes WHERE id IN (SELECT id FROM shared_codes WHERE net = ?1 "
                    "ORDER BY expires LIMIT ?2)", "bl", key, (size_t)16, held - net_share() + 1) != DB_OK)
        return -1;
    return db_exec(db, "INSERT INTO shared_codes (id, code, net, expires) VALUES (?1, ?2, ?3, ?4)", "btbl",
                   e->id, (size_t)16, e->code, key, (size_t)16, e->expires) == DB_OK ? 0 : -1;
}

/* Copy the live, unexpired code of id into code; consume it when take is
 * set (even if expired).  0, or -1 when unknown or expired. */
static int code_get(const char *hexid, int64_t now, int take, char code[CAPTCHA_LEN + 1])
{
    uint8_t id[16];
    int rc = -1;
    if (id_parse(hexid, id) != 0)
        return -1;
    if (shared_enabled())
        return shared_code_get(id, now, take, code);
    pthread_mutex_lock(&captcha_mu);
    int slot = captcha_ready ? slot_find(id) : -1;
    if (slot >= 0) {
        if (now < captcha_tab[slot].expires) {
            memcpy(code, captcha_tab[slot].code, CAPTCHA_LEN + 1);
            rc = 0;
        }
        if (take || rc != 0)
            slot_remove(slot);
    }
    pthread_mutex_unlock(&captcha_mu);
    return rc;
}

/* Seconds a new code stays valid: CAPTCHA_TTL in production; the test
 * build may shorten it (tuning.h). */
static int64_t captcha_ttl(void) { return tuning->captcha_ttl; }

int captcha_new(char id[CAPTCHA_ID_SIZE], const void *net, size_t net_len, int64_t now)
{
    CaptchaEntry e;
    uint8_t key[16];
    if (sodium_init() < 0)
        return -1;
    memset(&e, 0, sizeof e);
    randombytes_buf(e.id, sizeof e.id);
    for (int i = 0; i < CAPTCHA_LEN; i++)
        e.code[i] = CAPTCHA_ALPHABET[randombytes_uniform((uint32_t)CAPTCHA_ALPHABET_N)];
    e.code[CAPTCHA_LEN] = '\0';
    e.expires = now + captcha_ttl();

    if (shared_enabled()) {
        /* The network's digest is a keyed hash of the day already
         * (visitor_net_hash), the same on every node. */
        crypto_generichash(key, sizeof key, net_len ? net : NULL, net_len, NULL, 0);
        int rc = shared_code_add(&e, key, now);
        if (rc == 0) sodium_bin2hex(id, CAPTCHA_ID_SIZE, e.id, sizeof e.id);
        sodium_memzero(&e, sizeof e);
        return rc;
    }
    pthread_mutex_lock(&captcha_mu);
    if (!captcha_keyed) {
        randombytes_buf(captcha_render_key, sizeof captcha_render_key);
        randombytes_buf(captcha_net_key, sizeof captcha_net_key);
        captcha_keyed = 1;
    }
    if (!captcha_ready)
        table_init();
    /* Keyed with a process secret: whatever the caller passes, nobody can
     * aim keys at one hash chain. */
    crypto_generichash(key, sizeof key, net_len ? net : NULL, net_len,
                       captcha_net_key, sizeof captcha_net_key);
    make_room(key, now);
    slot_add(&e, net_get(key));
    pthread_mutex_unlock(&captcha_mu);

    sodium_bin2hex(id, CAPTCHA_ID_SIZE, e.id, sizeof e.id);
    sodium_memzero(&e, sizeof e);
    return 0;
}

int captcha_check(const char *id, const char *answer, int64_t now)
{
    char code[CAPTCHA_LEN + 1], norm[CAPTCHA_LEN + 1];
    size_t n = 0;
    int ok = 0;
    if (!id)
        return 0;
    /* Consume first, whatever the answer looks like. */
    if (code_get(id, now, 1, code) != 0)
        return 0;
    if (answer) {
        for (const char *p = answer; *p; p++) {
            unsigned char c = (unsigned char)*p;
            if (c == ' ' || c == '\t')
                continue;
            if (n == CAPTCHA_LEN) { n++; break; }   /* too long */
            norm[n++] = (char)((c >= 'a' && c <= 'z') ? c - 32 : c);
        }
        if (n == CAPTCHA_LEN)
            ok = sodium_memcmp(norm, code, CAPTCHA_LEN) == 0;
    }
    sodium_memzero(code, sizeof code);
    return ok;
}

int captcha_peek(const char *id, int64_t now, char out[CAPTCHA_LEN + 1])
{
    if (!tuning->captcha_peek)
        return -1;
    return code_get(id, now, 0, out);
}

int captcha_text_challenge(const char *id, int64_t now, Buf *out)
{
    static const char *const digit_words[10] = {
        "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"
    };
    char code[CAPTCHA_LEN + 1];
    if (code_get(id, now, 0, code) != 0)
        return -1;
    buf_printf(out, "Mã xác nhận gồm %d ký tự. Các ký tự: ", CAPTCHA_LEN);
    for (int i = 0; i < CAPTCHA_LEN; i++) {
        if (i)
            buf_puts(out, ", ");
        if (code[i] >= '0' && code[i] <= '9')
            buf_puts(out, digit_words[code[i] - '0']);
        else
            buf_putc(out, code[i]);
    }
    buf_puts(out, ". Nhập chữ hoa hay chữ thường đều được.");
    sodium_memzero(code, sizeof code);
    return 0;
}

/* --- rendering --- */

/* Deterministic noise source for one picture. */
typedef struct Noise { uint8_t pool[2048]; size_t pos; } Noise;

static unsigned noise_next(Noise *n, unsigned bound)
{
    if (n->pos + 2 > sizeof n->pool)
        n->pos = 0;
    unsigned v = (unsigned)n->pool[n->pos] << 8 | n->pool[n->pos + 1];
    n->pos += 2;
    return v % bound;
}

static const char *font_path(void)
{
    static const char *found;
    pthread_mutex_lock(&captcha_font_mu);
    if (!captcha_font_ready) {
        gdFontCacheSetup();        /* must precede concurrent gdImageStringFT calls */
        captcha_font_ready = 1;
    }
    if (!found) {
        for (int i = 0; CAPTCHA_FONTS[i]; i++) {
            FILE *f = fopen(CAPTCHA_FONTS[i], "rb");
            if (f) { fclose(f); found = CAPTCHA_FONTS[i]; break; }
        }
    }
    const char *p = found;
    pthread_mutex_unlock(&captcha_font_mu);
    return p;
}

/* The noise of a code's picture, fixed per code so that asking again
 * never shows a second drawing to average out. */
static int render_seed(const uint8_t id[16], int64_t now, uint8_t seed[randombytes_SEEDBYTES])
{
    if (shared_enabled()) {
        static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
        static uint8_t key[crypto_generichash_KEYBYTES];
        static int key_day;
        int day = vn_day_number(now), rc = 0;
        pthread_mutex_lock(&mu);
        if (day > key_day) {
            int got = shared_day_key(db_thread(), "captcha_render", day, key, sizeof key);
            if (got < 0) rc = -1;
            else key_day = got;
        }
        if (rc == 0) crypto_generichash(seed, randombytes_SEEDBYTES, id, 16, key, sizeof key);
        pthread_mutex_unlock(&mu);
        return rc;
    }
    pthread_mutex_lock(&captcha_mu);
    crypto_generichash(seed, randombytes_SEEDBYTES, id, 16, captcha_render_key, sizeof captcha_render_key);
    pthread_mutex_unlock(&captcha_mu);
    return 0;
}

int captcha_png(const char *id, int64_t now, Buf *out)
{
    char code[CAPTCHA_LEN + 1];
    uint8_t bin[16], seed[randombytes_SEEDBYTES];
    Noise nz;
    int rc = -1;

    if (id_parse(id, bin) != 0 || code_get(id, now, 0, code) != 0)
        return -1;
    const char *font = font_path();
    if (!font) {
        log_error("captcha: no DejaVu font found under /usr/share/fonts/truetype/dejavu");
        return -1;
    }
    if (render_seed(bin, now, seed) != 0)
        return -1;
    randombytes_buf_deterministic(nz.pool, sizeof nz.pool, seed);
    nz.pos = 0;

    gdImagePtr im = gdImageCreateTrueColor(CAPTCHA_WIDTH, CAPTCHA_HEIGHT);
    if (!im)
        goto out;
    /* Light background, dark text, mid-tone noise: hard for naive OCR,
     * still readable for people with weaker eyesight. */
    int bg = gdTrueColor(232 + (int)noise_next(&nz, 20), 232 + (int)noise_next(&nz, 20),
                         232 + (int)noise_next(&nz, 20));
    gdImageFilledRectangle(im, 0, 0, CAPTCHA_WIDTH - 1, CAPTCHA_HEIGHT - 1, bg);
    for (int i = 0; i < 220; i++) {
        int c = gdTrueColor(140 + (int)noise_next(&nz, 80), 140 + (int)noise_next(&nz, 80),
                            140 + (int)noise_next(&nz, 80));
        gdImageSetPixel(im, (int)noise_next(&nz, CAPTCHA_WIDTH),
                        (int)noise_next(&nz, CAPTCHA_HEIGHT), c);
    }
    for (int i = 0; i < 3; i++) {
        int c = gdTrueColor(120 + (int)noise_next(&nz, 80), 120 + (int)noise_next(&nz, 80),
                            120 + (int)noise_next(&nz, 80));
        gdImageLine(im, (int)noise_next(&nz, 30), (int)noise_next(&nz, CAPTCHA_HEIGHT),
                    CAPTCHA_WIDTH - 1 - (int)noise_next(&nz, 30),
                    (int)noise_next(&nz, CAPTCHA_HEIGHT), c);
    }
    /* Lay the glyphs out by their real rotated extents (a W is wider than
     * a J), centred, shrinking the font until everything fits. */
    struct { char s[2]; int fg, minx, maxx, miny, maxy, dy, gap; double angle, size; } g[CAPTCHA_LEN];
    for (int i = 0; i < CAPTCHA_LEN; i++) {
        g[i].s[0] = code[i];
        g[i].s[1] = '\0';
        g[i].fg = gdTrueColor(20 + (int)noise_next(&nz, 90), 20 + (int)noise_next(&nz, 90),
                              20 + (int)noise_next(&nz, 90));
        g[i].angle = ((double)noise_next(&nz, 41) - 20.0) * M_PI / 180.0;
        g[i].size = 21.0 + (double)noise_next(&nz, 5);
        g[i].dy = (int)noise_next(&nz, 9) - 4;
        g[i].gap = 1 + (int)noise_next(&nz, 4);
    }
    int total = 0;
    for (double scale = 1.0; scale > 0.5; scale -= 0.1) {
        total = 0;
        for (int i = 0; i < CAPTCHA_LEN; i++) {
            int br[8];
            char *err = gdImageStringFT(NULL, br, 0, (char *)font, g[i].size * scale, g[i].angle,
                                        0, 0, g[i].s);
            if (err) {
                log_error("captcha: gdImageStringFT: %s", err);
                goto out;
            }
            g[i].minx = g[i].maxx = br[0];
            g[i].miny = g[i].maxy = br[1];
            for (int k = 2; k < 8; k += 2) {
                if (br[k] < g[i].minx) g[i].minx = br[k];
                if (br[k] > g[i].maxx) g[i].maxx = br[k];
                if (br[k + 1] < g[i].miny) g[i].miny = br[k + 1];
                if (br[k + 1] > g[i].maxy) g[i].maxy = br[k + 1];
            }
            total += g[i].maxx - g[i].minx + (i ? g[i].gap : 0);
        }
        if (total <= CAPTCHA_WIDTH - 10) {
            for (int i = 0; i < CAPTCHA_LEN; i++)
                g[i].size *= scale;
            break;
        }
    }
    int x = (CAPTCHA_WIDTH - total) / 2;
    for (int i = 0; i < CAPTCHA_LEN; i++) {
        if (i)
            x += g[i].gap;
        int y = CAPTCHA_HEIGHT / 2 + g[i].dy - (g[i].miny + g[i].maxy) / 2;
        if (y + g[i].miny < 2)
            y = 2 - g[i].miny;
        if (y + g[i].maxy > CAPTCHA_HEIGHT - 3)
            y = CAPTCHA_HEIGHT - 3 - g[i].maxy;
        char *err = gdImageStringFT(im, NULL, g[i].fg, (char *)font, g[i].size, g[i].angle,
                                    x - g[i].minx, y, g[i].s);
        if (err) {
            log_error("captcha: gdImageStringFT: %s", err);
            goto out;
        }
        x += g[i].maxx - g[i].minx;
    }
    /* Two thin lines across the text, lighter than the glyphs. */
    for (int i = 0; i < 2; i++) {
        int c = gdTrueColor(90 + (int)noise_next(&nz, 70), 90 + (int)noise_next(&nz, 70),
                            90 + (int)noise_next(&nz, 70));
        gdImageLine(im, 0, 12 + (int)noise_next(&nz, 26), CAPTCHA_WIDTH - 1,
                    12 + (int)noise_next(&nz, 26), c);
    }
    int size = 0;
    void *png = gdImagePngPtr(im, &size);
    if (!png || size <= 0)
        goto out;
    buf_append(out, png, (size_t)size);
    gdFree(png);
    rc = 0;
out:
    if (im)
        gdImageDestroy(im);
    sodium_memzero(code, sizeof code);
    sodium_memzero(seed, sizeof seed);
    return rc;
}

int captcha_test_mode_allowed(const char *listen_addr)
{
    char tmp[64];
    unsigned char a[16];
    if (!listen_addr)
        return 0;
    size_t n = strlen(listen_addr);
    if (n >= sizeof tmp)
        return 0;
    if (n >= 2 && listen_addr[0] == '[' && listen_addr[n - 1] == ']') {
        memcpy(tmp, listen_addr + 1, n - 2);
        tmp[n - 2] = '\0';
    } else {
        memcpy(tmp, listen_addr, n + 1);
    }
    if (inet_pton(AF_INET, tmp, a) == 1)
        return a[0] == 127;
    if (inet_pton(AF_INET6, tmp, a) == 1) {
        static const unsigned char loop6[16] = { [15] = 1 };
        return memcmp(a, loop6, 16) == 0;
    }
    return 0;
}

void captcha_reset(void)
{
    pthread_mutex_lock(&captcha_mu);
    sodium_memzero(captcha_tab, sizeof captcha_tab);
    memset(captcha_net, 0, sizeof captcha_net);
    captcha_ready = 0;                /* lists rebuilt by the next captcha_new */
    pthread_mutex_unlock(&captcha_mu);
    pthread_mutex_lock(&captcha_font_mu);
    if (captcha_font_ready) {
        gdFontCacheShutdown();
        captcha_font_ready = 0;
    }
    pthread_mutex_unlock(&captcha_font_mu);
}
