/* http_council.c - HTTP tests of the public council pages against the real
 * binary with demo content: the directory (city + 126 communes, kind
 * filter, "ba dinh" without diacritics finds phường Ba Đình, a past day
 * shows the districts and no ward council), the council page (term, seats,
 * full-time share, vacancies, Standing Committee, Ban, groups), the
 * delegate page, "before 1/7/2025", the 404 pages for no council / no unit
 * on a day, a bad ngay (400, Vietnamese), and that the pages are served
 * from the page cache like articles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "t.h"
#include "tclient.h"

static TServer srv;
static TClient *cl;

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

TEST(test_directory)
{
    TResp *res = tc_get(cl, "/hoi-dong");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "href=\"/hoi-dong/thanh-pho-ha-noi\">Hội đồng nhân dân thành phố Hà Nội</a>");
    CHECK_CONTAINS(res->body, "Cấp xã (126)");
    CHECK_INT(count_of(res->body, "<li><a href=\"/hoi-dong/"), 127);
    res = tc_get(cl, "/hoi-dong?loai=phuong");
    CHECK_CONTAINS(res->body, "Cấp xã (51)");
    CHECK_NOT_CONTAINS(res->body, ">Hội đồng nhân dân xã ");
    res = tc_get(cl, "/hoi-dong?loai=xa");
    CHECK_CONTAINS(res->body, "Cấp xã (75)");
}

TEST(test_search_without_diacritics)
{
    TResp *res = tc_get(cl, "/hoi-dong?q=ba+dinh");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "href=\"/hoi-dong/phuong-ba-dinh\">Hội đồng nhân dân phường Ba Đình</a>");
    CHECK_CONTAINS(res->body, "Cấp xã (1)");
    res = tc_get(cl, "/hoi-dong?q=Ba%20%C4%90%C3%ACnh");   /* "Ba Đình" */
    CHECK_CONTAINS(res->body, "href=\"/hoi-dong/phuong-ba-dinh\"");
    res = tc_get(cl, "/hoi-dong?q=BA+DINH&loai=xa");
    CHECK_CONTAINS(res->body, "Không tìm thấy Hội đồng nhân dân nào");
    /* LIKE wildcards are literal */
    res = tc_get(cl, "/hoi-dong?q=%25");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Không tìm thấy");
}

TEST(test_directory_as_of_2024)
{
    TResp *res = tc_get(cl, "/hoi-dong?ngay=15/3/2024");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "vào ngày 15/3/2024");
    CHECK_CONTAINS(res->body, "Cấp huyện (30)");
    CHECK_CONTAINS(res->body, "Cấp xã (366)");   /* 345 xã + 21 thị trấn; the 160 wards had none */
    CHECK_CONTAINS(res->body, "160 phường không tổ chức Hội đồng nhân dân");
    CHECK_CONTAINS(res->body, "href=\"/hoi-dong/quan-ba-dinh?ngay=15/3/2024\"");
    CHECK_NOT_CONTAINS(res->body, "href=\"/hoi-dong/phuong-ba-dinh");
}

TEST(test_council_page)
{
    TResp *res = tc_get(cl, "/hoi-dong/thanh-pho-ha-noi");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Nhiệm kỳ 2026–2031 (khóa XVII)");
    CHECK_CONTAINS(res->body, "<dt>Số đại biểu được bầu</dt><dd>125</dd>");
    CHECK_CONTAINS(res->body, "<dt>Đại biểu đang hoạt động</dt><dd>122</dd>");
    CHECK_CONTAINS(res->body, "<dt>Khuyết</dt><dd>3</dd>");
    CHECK_CONTAINS(res->body, "<dt>Đại biểu chuyên trách</dt><dd>");
    CHECK_CONTAINS(res->body, "Thường trực HĐND Thành phố");
    CHECK_CONTAINS(res->body, "Chủ tịch:</span> <a href=\"/dai-bieu/");
    CHECK_CONTAINS(res->body, ">Phùng Thị Hồng Hà</a>");
    CHECK_CONTAINS(res->body, "Ban Pháp chế");
    CHECK_CONTAINS(res->body, "Ban Kinh tế – Ngân sách");
    CHECK_CONTAINS(res->body, "Ban Văn hóa – Xã hội");
    CHECK_CONTAINS(res->body, "Ban Đô thị");
    CHECK_CONTAINS(res->body, "Tổ đại biểu số 16");
    CHECK_INT(count_of(res->body, "meta\">Trưởng ban:</span>"), 4);
    CHECK_INT(count_of(res->body, "Phó Chủ tịch:</span>"), 3);
    /* the city on a day of khóa XVI: the chair before 13/11/2025 */
    res = tc_get(cl, "/hoi-dong/thanh-pho-ha-noi?ngay=1/6/2024");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Nhiệm kỳ 2021–2026 (khóa XVI)");
    CHECK_CONTAINS(res->body, ">Nguyễn Ngọc Tuấn</a>");
    CHECK_NOT_CONTAINS(res->body, ">Phùng Thị Hồng Hà</a>");
    res = tc_get(cl, "/hoi-dong/thanh-pho-ha-noi?ngay=2025-12-01");
    CHECK_CONTAINS(res->body, ">Phùng Thị Hồng Hà</a>");
    CHECK_CONTAINS(res->body, ">Trần Thế Cương</a>");
    /* a commune: its two Ban and the link to the former units */
    res = tc_get(cl, "/hoi-dong/phuong-ba-dinh");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Hội đồng nhân dân phường Ba Đình");
    CHECK_CONTAINS(res->body, "Ban Kinh tế – Ngân sách");
    CHECK_CONTAINS(res->body, "Ban Văn hóa – Xã hội");
    CHECK_CONTAINS(res->body, "href=\"/hoi-dong/phuong-ba-dinh/truoc-sap-nhap\"");
    CHECK_CONTAINS(res->body, "hình thành từ 10 đơn vị hành chính");
    CHECK_NOT_CONTAINS(res->body, "style=\"");
}

TEST(test_delegate_page)
{
    TResp *res = tc_get(cl, "/hoi-dong/thanh-pho-ha-noi?ngay=1/6/2024");
    const char *p = res->body ? strstr(res->body, "Chủ tịch:</span> <a href=\"/dai-bieu/") : NULL;
    CHECK(p != NULL);
    if (!p) return;
    char url[64];
    p = strstr(p, "/dai-bieu/");
    size_t n = strcspn(p, "\"");
    snprintf(url, sizeof url, "%.*s", (int)n, p);
    res = tc_get(cl, url);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "<h1 class=\"page-title\">Nguyễn Ngọc Tuấn</h1>");
    CHECK_CONTAINS(res->body, "nhiệm kỳ 2021–2026 (khóa XVI)");
    CHECK_CONTAINS(res->body, "Chủ tịch, Thường trực HĐND Thành phố");
    CHECK_CONTAINS(res->body, "(23/6/2021 – 12/11/2025)");
    CHECK_CONTAINS(res->body, "Chuyên trách");
    res = tc_get(cl, "/dai-bieu/999999");
    CHECK_INT(res->status, 404);
    res = tc_get(cl, "/dai-bieu/abc");
    CHECK_INT(res->status, 404);
}

TEST(test_before_merger)
{
    TResp *res = tc_get(cl, "/hoi-dong/phuong-ba-dinh/truoc-sap-nhap");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Nghị quyết 1656/NQ-UBTVQH15 ngày 16/6/2025");
    CHECK_CONTAINS(res->body, "href=\"/hoi-dong/phuong-truc-bach?ngay=30/6/2025\">Phường Trúc Bạch</a>");
    CHECK_CONTAINS(res->body, "Quận Ba Đình");
    CHECK_CONTAINS(res->body, "Toàn bộ");
    CHECK_CONTAINS(res->body, "Một phần");
    /* Cửa Nam went into four new wards */
    CHECK_CONTAINS(res->body, "href=\"/hoi-dong/phuong-van-mieu-quoc-tu-giam\"");
    CHECK_INT(count_of(res->body, "<tr>\n      <td data-label=\"Đơn vị cũ\">"), 10);
    /* the city was not formed by the merger */
    res = tc_get(cl, "/hoi-dong/thanh-pho-ha-noi/truoc-sap-nhap");
    CHECK_INT(res->status, 404);
    CHECK_CONTAINS(res->body, "không được hình thành từ việc sắp xếp");
}

TEST(test_no_council_and_no_unit)
{
    /* a ward in the pilot years: no council */
    TResp *res = tc_get(cl, "/hoi-dong/phuong-truc-bach?ngay=15/3/2024");
    CHECK_INT(res->status, 404);
    CHECK_CONTAINS(res->body, "Phường Trúc Bạch không có Hội đồng nhân dân vào ngày 15/3/2024");
    CHECK_CONTAINS(res->body, "Nghị quyết 97/2019/QH14");
    /* the same ward before the pilot had one */
    res = tc_get(cl, "/hoi-dong/phuong-truc-bach?ngay=1/3/2021");
    CHECK_INT(res->status, 200);
    /* a unit that did not exist yet */
    res = tc_get(cl, "/hoi-dong/phuong-ba-dinh?ngay=15/3/2024");
    CHECK_INT(res->status, 404);
    CHECK_CONTAINS(res->body, "Phường Ba Đình không tồn tại vào ngày 15/3/2024");
    CHECK_CONTAINS(res->body, "href=\"/hoi-dong/phuong-ba-dinh?ngay=1/7/2025\"");
    /* ... and one that no longer exists */
    res = tc_get(cl, "/hoi-dong/quan-ba-dinh");
    CHECK_INT(res->status, 404);
    CHECK_CONTAINS(res->body, "Quận Ba Đình không tồn tại vào ngày");
    res = tc_get(cl, "/hoi-dong/khong-co-don-vi-nay");
    CHECK_INT(res->status, 404);
}

TEST(test_bad_ngay)
{
    static const char *const bad[] = {
        "/hoi-dong?ngay=32/1/2024", "/hoi-dong/phuong-ba-dinh?ngay=abc", "/hoi-dong?ngay=29/2/2023",
        "/hoi-dong/phuong-ba-dinh/truoc-sap-nhap?ngay=15-3-2024", "/hoi-dong?ngay=%3Cb%3E",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        TResp *res = tc_get(cl, bad[i]);
        CHECK_INT(res->status, 400);
        CHECK_CONTAINS(res->body, "không hợp lệ. Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 15/3/2024.");
        CHECK_NOT_CONTAINS(res->body, "<b>");
    }
    TResp *res = tc_get(cl, "/hoi-dong?loai=quan");
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Loại đơn vị không hợp lệ");
}

TEST(test_cacheable)
{
    TResp *res = tc_get(cl, "/hoi-dong/phuong-ba-dinh?ngay=1/1/2027");
    CHECK_INT(res->status, 200);
    char *body = strdup(res->body ? res->body : "");
    char *etag = tc_header(res, "ETag");
    CHECK(etag != NULL);
    char *et = strdup(etag ? etag : "");
    free(etag);
    res = tc_get(cl, "/hoi-dong/phuong-ba-dinh?ngay=1/1/2027");
    CHECK_STR(res->body, body);
    char *etag2 = tc_header(res, "ETag");   /* malloc'd */
    CHECK_STR(etag2, et);
    free(etag2);
    char h[200];
    snprintf(h, sizeof h, "If-None-Match: %s", et);
    const char *const hdrs[] = {h, NULL};
    res = tc_get_h(cl, "/hoi-dong/phuong-ba-dinh?ngay=1/1/2027", hdrs);
    CHECK_INT(res->status, 304);
    /* another day is another page (the cache keys on the query) */
    res = tc_get(cl, "/hoi-dong/phuong-ba-dinh?ngay=2/1/2027");
    CHECK_CONTAINS(res->body, "cơ cấu vào ngày 2/1/2027");
    free(body);
    free(et);
}

int main(void)
{
    t_prog = "http_council";
    if (sodium_init() < 0) return 1;
    if (ts_start(&srv, 1) != 0) {
        fprintf(stderr, "cannot start server\n");
        t_failed++;
        return t_done();
    }
    cl = tc_new(&srv);
    RUN(test_directory);
    RUN(test_search_without_diacritics);
    RUN(test_directory_as_of_2024);
    RUN(test_council_page);
    RUN(test_delegate_page);
    RUN(test_before_merger);
    RUN(test_no_council_and_no_unit);
    RUN(test_bad_ngay);
    RUN(test_cacheable);
    tc_free(cl);
    ts_stop(&srv);
    return t_done();
}
