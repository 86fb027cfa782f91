/* page_util.h - small helpers every page file needs: route ids, text
 * that is safe to echo back into a form, and Vietnamese-formatted values as
 * arena strings for templates. */
#ifndef HD_PAGE_UTIL_H
#define HD_PAGE_UTIL_H
#include <stdint.h>
#include "http.h"

/* Route capture i as a positive id; 0 when absent or not a plain decimal. */
int64_t page_arg_id(Req *r, int i);
/* Text to show again in a form: invalid UTF-8 sequences become U+FFFD
 * (templates escape the rest).  NULL -> "".  Arena string (or s itself). */
const char *page_echo(Arena *a, const char *s);
/* Vietnamese formats as arena strings: 4.922.512, 12/5/2022, 12/5/2022 08:05. */
const char *page_int_text(Arena *a, int64_t v);
const char *page_date_text(Arena *a, int64_t t);
const char *page_datetime_text(Arena *a, int64_t t);
/* File size: "850 B", "12,4 KB", "1,2 MB". */
const char *page_size_text(Arena *a, int64_t n);
/* Unix time as an HTML datetime-local value in Vietnam time; "" for t <= 0. */
const char *page_datetime_local(Arena *a, int64_t t);
/* Parse a datetime-local value or a Vietnamese date ("12/5/2026 08:00") as
 * Vietnam time; NULL or "" -> *t = 0.  0, or -1 when malformed. */
int page_parse_when(Arena *a, const char *s, int64_t *t);
/* URL of page n of a listing at base (which may already carry a query):
 * base itself for page 1, else base + "?trang=n" or "&trang=n". */
const char *page_url(Arena *a, const char *base, int64_t n);
/* Pager data for templates/pager.html: {page, pages, prev_url, next_url,
 * items: [{num, url, current} | {gap}]}, a window of two pages around the
 * current one plus the first and last.  NULL when everything fits one page. */
Val *page_pager(Arena *a, const char *base, int64_t page, int64_t pages);
/* The same for a list whose end is not known (a search counted only so
 * far): with more, a next link even on the last counted page, a gap after
 * it, and "Trang N" without "/pages". */
Val *page_pager_open(Arena *a, const char *base, int64_t page, int64_t pages, int more);
/* A breadcrumb item {name, url}; url NULL for the current page. */
Val *page_crumb(Arena *a, const char *name, const char *url);
/* A "d/m/yyyy" (or yyyy-mm-dd) form date as 00:00 Vietnam time: 0 and
 * *day, 1 when empty (the caller decides if that is allowed), -1 bad. */
int page_form_day(const char *s, int64_t *day);
/* The name of an uploaded file as the sender's computer had it (path
 * stripped): NULL when there is no file (or it is empty), fallback when the
 * name is empty; NULL with *bad = 1 when it is not UTF-8, has control
 * characters or is longer than 255 bytes. */
const char *page_upload_name(const Upload *up, const char *fallback, int *bad);
/* A horizontal bar chart as inline SVG: labels through buf_xml, numbers
 * with %d, fixed markup (no script, no style): safe for {{&raw}}. */
const char *page_bar_svg(Arena *a, const char *title, const char *const *labels, const int *values, int n);
/* One <option> for templates: {value, label, selected}. */
Val *page_option(Arena *a, const char *value, const char *label, int selected);
/* "/quan-tri/hoi-dong/<id>" of the council of a ROUTE_COUNCIL request. */
const char *page_council_base(Req *r);
#endif
