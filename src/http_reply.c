/* http_reply.c - the reply side: headers, cookies, redirects, pages in the
 * layout, Vietnamese error pages, files.  Each reply_* returns the status
 * so a handler can end with `return reply_x(r, ...);`.  Pages and error
 * pages start from layout_ctx (layout.c, below this file); nothing here
 * calls a page module (docs/ARCHITECTURE.md, "Layers"). */
#include <stdio.h>
#include <string.h>
#include "config.h"
#include "http_internal.h"
#include "layout.h"
#include "log.h"

void reply_header(Req *r, const char *name, const char *value)
{
    ReplyHeader *h = arena_alloc(r->arena, sizeof *h);
    h->name = arena_strdup(r->arena, name);
    h->value = arena_strdup(r->arena, value);
    h->next = r->headers;
    r->headers = h;
}

void reply_cookie(Req *r, const char *name, const char *value, int64_t max_age, int js_visible)
{
    /* Behind TLS the __Host- prefix pins the cookie to this host, path /
     * and Secure; plain-HTTP development servers cannot use it. */
    Buf b;
    buf_init(&b, r->arena);
    buf_printf(&b, "%s%s=%s; Path=/; SameSite=Lax", cfg.secure_cookies ? "__Host-" : "", name, value);
    if (max_age >= 0) buf_printf(&b, "; Max-Age=%lld", (long long)max_age);
    if (!js_visible) buf_puts(&b, "; HttpOnly");
    if (cfg.secure_cookies) buf_puts(&b, "; Secure");
    reply_header(r, "Set-Cookie", buf_str(&b));
}

int reply_redirect(Req *r, const char *location)
{
    reply_header(r, "Location", location);
    buf_reset(&r->out);
    r->cache_seconds = -1;
    return 303;
}

static const char *status_heading(int status)
{
    switch (status) {
    case 400: return "Yêu cầu không hợp lệ";
    case 403: return "Không có quyền truy cập";
    case 404: return "Không tìm thấy trang";
    case 405: return "Phương thức không được hỗ trợ";
    case 413: return "Dữ liệu gửi lên quá lớn";
    case 416: return "Phạm vi yêu cầu không hợp lệ";
    case 429: return "Quá nhiều yêu cầu";
    case 431: return "Tiêu đề yêu cầu quá lớn";
    case 503: return "Dịch vụ tạm thời không khả dụng";
    default:  return "Đã xảy ra lỗi hệ thống";
    }
}

static const char *status_message(int status)
{
    switch (status) {
    case 400: return "Dữ liệu gửi lên không hợp lệ. Vui lòng kiểm tra lại.";
    case 403: return "Bạn không có quyền thực hiện thao tác này.";
    case 404: return "Trang bạn tìm không tồn tại hoặc đã được chuyển đi. Vui lòng quay về trang chủ hoặc dùng chức năng tìm kiếm.";
    case 405: return "Địa chỉ này không hỗ trợ phương thức yêu cầu đã dùng.";
    case 413: return "Tệp hoặc nội dung gửi lên vượt quá dung lượng cho phép.";
    case 416: return "Phạm vi dữ liệu yêu cầu nằm ngoài kích thước tệp.";
    case 429: return "Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Vui lòng thử lại sau ít phút.";
    case 503: return "Hệ thống đang bận hoặc tạm ngừng để bảo trì. Vui lòng thử lại sau ít phút.";
    default:  return "Hệ thống gặp sự cố khi xử lý yêu cầu. Chúng tôi đã ghi nhận và sẽ khắc phục sớm.";
    }
}

int reply_page(Req *r, int status, const char *tmpl, const char *title, Val *ctx)
{
    if (!ctx) ctx = layout_ctx(r);
    val_set_str(ctx, "title", title ? title : "");
    Buf content;
    buf_init(&content, r->arena);
    if (tmpl_render(&content, tmpl, ctx) != 0) {
        log_error("template %s failed [incident %s]", tmpl, r->incident);
        if (!strcmp(tmpl, "error")) return reply_text(r, 500, NULL, "500 - Lỗi hệ thống");
        return reply_error(r, 500, NULL);
    }
    val_set_str(ctx, "content", buf_str(&content));
    buf_reset(&r->out);
    r->content_type = "text/html; charset=utf-8";
    r->file_path = NULL;
    if (tmpl_render(&r->out, "layout", ctx) != 0) {
        log_error("layout template failed [incident %s]", r->incident);
        return reply_text(r, 500, NULL, "500 - Lỗi hệ thống");
    }
    return status;
}

int reply_error(Req *r, int status, const char *message)
{
    if (status == 500) log_error("500 on %s %s [incident %s]", r->method, r->path, r->incident);
    /* The base context reads the database (menu); without one, a minimal map. */
    Val *ctx = r->db ? layout_ctx(r) : val_map(r->arena);
    val_set_int(ctx, "status", status);
    val_set_str(ctx, "heading", status_heading(status));
    val_set_str(ctx, "message", message ? message : status_message(status));
    if (status == 500) val_set_str(ctx, "incident", r->incident);
    r->cache_seconds = -1;
    return reply_page(r, status, "error", status_heading(status), ctx);
}

int reply_text(Req *r, int status, const char *content_type, const char *body)
{
    buf_reset(&r->out);
    r->file_path = NULL;
    r->content_type = content_type ? content_type : "text/plain; charset=utf-8";
    buf_puts(&r->out, body);
    return status;
}

/* RFC 6266: an ASCII fallback plus the exact UTF-8 name in filename*. */
static const char *disposition(Arena *a, const char *name, int inline_disp)
{
    Buf d;
    buf_init(&d, a);
    buf_puts(&d, inline_disp ? "inline; filename=\"" : "attachment; filename=\"");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        buf_putc(&d, (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' && *p != '%') ? (char)*p : '_');
    buf_puts(&d, "\"; filename*=UTF-8''");
    buf_url(&d, name);
    return buf_str(&d);
}

int reply_file(Req *r, const char *path, const char *content_type, const char *etag,
               const char *download_name, int inline_disp)
{
    r->file_path = arena_strdup(r->arena, path);
    r->content_type = arena_strdup(r->arena, content_type);
    req_internal(r)->file_etag = etag ? arena_printf(r->arena, "\"%s\"", etag) : NULL;
    r->file_inline = inline_disp;
    if (download_name) r->file_disposition = disposition(r->arena, download_name, inline_disp);
    return 200;
}

int reply_download(Req *r, const char *content_type, const void *data, size_t len, const char *download_name)
{
    buf_reset(&r->out);
    r->file_path = NULL;
    r->content_type = arena_strdup(r->arena, content_type);
    buf_append(&r->out, data, len);
    reply_header(r, "Content-Disposition", disposition(r->arena, download_name, 0));
    r->cache_seconds = -1;
    return 200;
}
