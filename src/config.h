/* config.h - server configuration: defaults, then a config file
 * (key = value lines), then HOIDONG_* environment variables, then command
 * line options; later wins.  See docs/CONFIGURATION.md. */
#ifndef HD_CONFIG_H
#define HD_CONFIG_H
#include <stddef.h>

typedef struct Config {
    const char *listen;        /* "127.0.0.1" */
    int port;                  /* 8080 */
    const char *db_path;       /* "var/hoidong.db" */
    const char *files_dir;     /* "var/files": attachment store, outside any web root */
    const char *template_dir;  /* NULL: embedded templates only */
    const char *site_url;      /* "http://127.0.0.1:8080": canonical links and feeds */
    int threads;               /* handler worker threads, default 8 (4 per CPU beyond 2 CPUs) */
    int io_threads;            /* libmicrohttpd's threads (bytes and cached pages), default one per CPU */
    int secure_cookies;        /* 1 behind TLS: __Host- prefix and Secure */
    size_t max_upload;         /* bytes per uploaded file, default 20 MiB */
    size_t max_form;           /* bytes of a non-upload request body, default 256 KiB */
    int conn_limit;            /* total connections, default 1024 */
    int per_ip_limit;          /* connections per IP, default 64 */
    int idle_timeout;          /* seconds, default 30 */
    int petition_retention_days; /* a petition's sender name and contact are erased this many days after
                                  * its answer (Decree 13/2023); 0 = only on request.  Default 1825 */
    const char *trusted_proxy; /* address of a reverse proxy whose X-Forwarded-For is believed
                                * (the last address in it is the reader's); NULL: ignore the header */
} Config;

extern Config cfg;

void config_defaults(Config *c);
/* Read "key = value" lines; returns 0 or -1 with "file:line: reason" in err. */
int config_load_file(Config *c, const char *path, char *err, size_t errlen);
/* The same from text in memory (NUL-terminated; NULL = empty); name is used
 * in messages ("name:line: reason").  Lines may be of any length. */
int config_load_string(Config *c, const char *text, const char *name, char *err, size_t errlen);
/* Apply HOIDONG_LISTEN, HOIDONG_PORT, HOIDONG_DB, HOIDONG_FILES, ... ; 0 or -1 with err. */
int config_load_env(Config *c, char *err, size_t errlen);
/* Set one key ("port", "db", ...) from text; 0 or -1 with err. */
int config_set(Config *c, const char *key, const char *value, char *err, size_t errlen);
#endif
