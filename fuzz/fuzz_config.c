/* fuzz_config.c - the configuration file parser (config_load_string,
 * which config_load_file uses).  Oracles: 0 or -1, an error message that
 * names the source and a line ("fuzz.conf:N: ..."), and after success
 * every setting within the range config_set promises.
 * Configuration strings are kept for the process's life by design
 * (strdup, never freed; a key given twice leaks the first copy), so
 * allocations made while parsing are hidden from LeakSanitizer, the ones
 * we can see are freed here, and fuzz/config.options turns libFuzzer's
 * per-input leak check off (it would run a full LeakSanitizer scan after
 * every input that leaks by design, 50 times slower). */
#include <sanitizer/lsan_interface.h>
#include "fuzz.h"
#include "config.h"

static void free_kept(const Config *c, const Config *d)
{
    if (c->listen != d->listen) free((char *)c->listen);
    if (c->db_path != d->db_path) free((char *)c->db_path);
    if (c->files_dir != d->files_dir) free((char *)c->files_dir);
    if (c->template_dir != d->template_dir) free((char *)c->template_dir);
    if (c->site_url != d->site_url) free((char *)c->site_url);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024) return 0;
    char *text = fuzz_str(data, size);
    Config c, d;
    config_defaults(&c);
    config_defaults(&d);
    char err[128];
    memset(err, 'x', sizeof err);
    __lsan_disable();
    int rc = config_load_string(&c, text, "fuzz.conf", err, sizeof err);
    __lsan_enable();
    FUZZ_CHECK(rc == 0 || rc == -1, "rc %d", rc);
    FUZZ_CHECK(memchr(err, 0, sizeof err) || rc == 0, "err not terminated");
    if (rc < 0) {
        FUZZ_CHECK(!strncmp(err, "fuzz.conf:", 10) && err[10] >= '1' && err[10] <= '9',
                   "message \"%s\"", err);
    } else {
        FUZZ_CHECK(c.port >= 1 && c.port <= 65535, "port %d", c.port);
        FUZZ_CHECK(c.threads >= 1 && c.threads <= 256, "threads %d", c.threads);
        FUZZ_CHECK(c.secure_cookies == 0 || c.secure_cookies == 1, "secure_cookies");
        FUZZ_CHECK(c.max_upload >= 1 && c.max_upload <= (size_t)1 << 40, "max_upload %zu", c.max_upload);
        FUZZ_CHECK(c.max_form >= 1 && c.max_form <= (size_t)1 << 40, "max_form %zu", c.max_form);
        FUZZ_CHECK(c.conn_limit >= 1 && c.per_ip_limit >= 1, "limits");
        FUZZ_CHECK(c.idle_timeout >= 1 && c.idle_timeout <= 3600, "idle_timeout");
        FUZZ_CHECK(c.db_path && *c.db_path && c.files_dir && *c.files_dir, "empty path");
        FUZZ_CHECK(!c.site_url || !strncmp(c.site_url, "http://", 7) || !strncmp(c.site_url, "https://", 8),
                   "site_url %s", c.site_url);
    }
    free_kept(&c, &d);
    free(text);
    return 0;
}
