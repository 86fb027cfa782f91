/* tmpl.h - templates that escape by default, and the value tree they read.
 *
 * Templates live in templates/NAME.html, are embedded into the binary at
 * build time (build/gen/gen_embed.c, made by scripts/embed.c) and compiled
 * once at start-up; tmpl_load(dir) lets a deployment override any of them
 * from a directory (read at start-up, same file names).
 *
 * Syntax (a small mustache):
 *   {{name}}            value, HTML-escaped (the default)
 *   {{a.b.c}}           dotted lookup; names resolve innermost context first
 *   {{.}}               the current value (inside a list section)
 *   {{&name}}           raw, unescaped: ONLY for HTML the program made itself
 *                       (rendered Markdown, SVG). tests/unit_tmpl lists every
 *                       raw use in templates/ and fails on an unreviewed new one.
 *   {{url:name}}        percent-encoded (a URL component)
 *   {{json:name}}       JSON string body (escaped, also < > &)
 *   {{num:name}}        integer in Vietnamese form 4.922.512
 *   {{date:name}}       unix time as 12/5/2022; {{datetime:name}} 12/5/2022 08:05;
 *                       {{iso:name}} ISO 8601 with +07:00
 *   {{#name}}..{{/name}} list: repeat per item with the item as context;
 *                       map: enter it; scalar: render once if truthy
 *                       (non-empty string, non-zero int, true)
 *   {{^name}}..{{/name}} render if missing / falsy / empty list
 *   {{>partial}}        include another template with the current context
 *   {{! comment }}
 * Missing names render as nothing.  Errors in a template (unclosed section,
 * unknown filter, unknown partial) are reported by tmpl_load with file:line
 * and make start-up fail. */
#ifndef HD_TMPL_H
#define HD_TMPL_H
#include <stdint.h>
#include "buf.h"

typedef enum { VAL_NULL, VAL_STR, VAL_INT, VAL_BOOL, VAL_LIST, VAL_MAP, VAL_DOUBLE } ValType;
typedef struct Val Val;

/* Constructors allocate in the arena; strings are NOT copied (they must
 * outlive rendering: arena or static strings). */
Val *val_map(Arena *a);
Val *val_list(Arena *a);
Val *val_str(Arena *a, const char *s);
Val *val_int(Arena *a, int64_t i);
Val *val_bool(Arena *a, int b);
Val *val_double(Arena *a, double d);
/* Map setters (replace an existing key); return the map for chaining. */
Val *val_set(Val *map, const char *key, Val *v);
Val *val_set_str(Val *map, const char *key, const char *s);
Val *val_set_int(Val *map, const char *key, int64_t i);
Val *val_set_bool(Val *map, const char *key, int b);
Val *val_set_double(Val *map, const char *key, double d);
/* Append to a list; returns the list. */
Val *val_push(Val *list, Val *v);
Val *val_get(const Val *map, const char *key);  /* NULL when absent */
ValType val_type(const Val *v);
const char *val_as_str(const Val *v);           /* STR only, else NULL */
int64_t val_as_int(const Val *v);               /* INT/BOOL, else 0 */
size_t val_len(const Val *v);                   /* LIST length, else 0 */

/* Load templates: the embedded set, then overrides from dir (NULL = none).
 * Returns 0, or -1 with a message "file:line: problem" in err (static buffer
 * of errlen bytes). Call once before serving; not thread-safe. */
int tmpl_load(const char *dir, char *err, size_t errlen);
/* Render template `name` (file name without .html) with ctx into out.
 * Returns 0, or -1 if no such template (logged). Thread-safe after load. */
int tmpl_render(Buf *out, const char *name, const Val *ctx);
/* Compile and render a template given as a string (tests, fuzzing).
 * Returns 0, or -1 with err filled on a syntax error. */
int tmpl_render_string(Buf *out, const char *src, const Val *ctx, char *err, size_t errlen);
/* Free everything tmpl_load made (for leak-checked tests). */
void tmpl_unload(void);

/* Embedded files (templates and static assets), generated at build time. */
typedef struct EmbeddedFile {
    const char *name;          /* "templates/layout.html", "static/site.css" */
    const unsigned char *data;
    unsigned long len;
} EmbeddedFile;
extern const EmbeddedFile embedded_files[];   /* terminated by {NULL,NULL,0} */
const EmbeddedFile *embedded_find(const char *name);

#endif
