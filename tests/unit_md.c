/* unit_md.c - tests for Markdown rendering (including that raw HTML and
 * dangerous URLs never survive) and plain-text excerpts. */
#include <stdlib.h>

#include "md.h"
#include "vn.h"
#include "t.h"

static Arena *A;

static const char *render(const char *md)
{
    Buf b;
    buf_init(&b, A);
    md_render(&b, md);
    return buf_str(&b);
}

TEST(test_render_basic)
{
    const char *h = render("# Kỳ họp thứ 7\n\nHội đồng **nhân dân** thành phố *Hà Nội*.\n\n"
                           "- Một\n- Hai\n\n[Cổng thông tin](https://hdnd.hanoi.gov.vn/)\n");
    CHECK_CONTAINS(h, "<h1>Kỳ họp thứ 7</h1>");
    CHECK_CONTAINS(h, "<strong>nhân dân</strong>");
    CHECK_CONTAINS(h, "<em>Hà Nội</em>");
    CHECK_CONTAINS(h, "<li>Một</li>");
    CHECK_CONTAINS(h, "<a href=\"https://hdnd.hanoi.gov.vn/\">Cổng thông tin</a>");
    CHECK_CONTAINS(render("a < b & c > d"), "a &lt; b &amp; c &gt; d");
    CHECK_STR(render(""), "");
    CHECK_STR(render(NULL), "");
    /* appends to existing content */
    Buf b;
    buf_init(&b, A);
    buf_puts(&b, "X");
    md_render(&b, "y");
    CHECK_STR(buf_str(&b), "X<p>y</p>\n");
    /* invalid UTF-8 never reaches the page */
    const char *bad = render("a\xff" "b\xc0\xaf");
    CHECK(vn_utf8_valid(bad, strlen(bad)));
}

TEST(test_render_safety)
{
    const char *h;
    h = render("<script>alert(1)</script>\n\ntext");
    CHECK_NOT_CONTAINS(h, "<script");
    CHECK_CONTAINS(h, "<p>text</p>");
    h = render("inline <script>alert(1)</script> here");
    CHECK_NOT_CONTAINS(h, "<script");
    h = render("<img src=x onerror=alert(1)>");
    CHECK_NOT_CONTAINS(h, "<img");
    CHECK_NOT_CONTAINS(h, "onerror=");
    h = render("para <img src=x onerror=alert(1)> inline");
    CHECK_NOT_CONTAINS(h, "<img");
    h = render("<iframe src=\"https://evil.example\"></iframe>");
    CHECK_NOT_CONTAINS(h, "<iframe");
    h = render("<a href=\"javascript:alert(1)\">x</a>");
    CHECK_NOT_CONTAINS(h, "<a ");
    h = render("[click](javascript:alert(1))");
    CHECK_NOT_CONTAINS(h, "javascript:");
    h = render("[click](JaVaScRiPt:alert(1))");
    CHECK_NOT_CONTAINS(h, "alert");
    h = render("[click](vbscript:msgbox)");
    CHECK_NOT_CONTAINS(h, "vbscript:");
    h = render("[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)");
    CHECK_NOT_CONTAINS(h, "data:");
    h = render("<javascript:alert(1)>");
    CHECK_NOT_CONTAINS(h, "href=\"javascript:");
    h = render("![x](javascript:alert(1))");
    CHECK_NOT_CONTAINS(h, "javascript:");
    h = render("[x](\"onmouseover=alert(1))");
    CHECK_NOT_CONTAINS(h, "\" onmouseover");
    h = render("[x](https://a.example/\"onclick=\"alert(1))");
    CHECK_NOT_CONTAINS(h, "\"onclick");
    /* ordinary image links stay */
    h = render("![Ảnh](/tep/3/anh.jpg)");
    CHECK_CONTAINS(h, "<img src=\"/tep/3/anh.jpg\" alt=\"Ảnh\"");
}

TEST(test_excerpt)
{
    const char *md = "# Tiêu đề\n\nĐoạn **một** có `mã` và [liên kết](https://x.vn).\n\n"
                     "<div>raw</div>\n\n- mục  1\n- mục 2\n\n"
                     "Dòng mềm\ntiếp &amp; theo <span>x</span>";
    const char *e = md_excerpt(A, md, 0);
    CHECK_STR(e, "Tiêu đề Đoạn một có mã và liên kết. mục 1 mục 2 Dòng mềm tiếp & theo x");
    CHECK_NOT_CONTAINS(e, "<");
    CHECK_NOT_CONTAINS(e, "raw");
    CHECK_STR(md_excerpt(A, "Ngắn gọn.", 100), "Ngắn gọn.");
    CHECK_STR(md_excerpt(A, "", 10), "");
    CHECK_STR(md_excerpt(A, NULL, 10), "");
    /* exactly maxchars code points: not cut */
    CHECK_STR(md_excerpt(A, "Hội đồng", 8), "Hội đồng");
    /* cut: total length including "…" is maxchars, at a code point boundary */
    const char *c = md_excerpt(A, "đđđđđđđđđđđđđđđđđđđđ", 10);
    CHECK_STR(c, "đđđđđđđđđ…");
    CHECK_INT(vn_char_count(c), 10);
    /* prefers a word boundary and drops trailing punctuation */
    c = md_excerpt(A, "Hội đồng nhân dân thành phố, Hà Nội khóa XVI", 30);
    CHECK_STR(c, "Hội đồng nhân dân thành phố…");
    CHECK(vn_char_count(c) <= 30);
    /* every cut of a long Vietnamese text stays valid UTF-8 within the limit */
    const char *lng = "Nghị quyết về kế hoạch phát triển kinh tế - xã hội năm 2023 của "
                      "thành phố Hà Nội được thông qua tại kỳ họp thứ mười.";
    int bad = 0;
    for (size_t n = 1; n < 120; n++) {
        const char *x = md_excerpt(A, lng, n);
        if (!vn_utf8_valid(x, strlen(x)) || vn_char_count(x) > n)
            bad++;
    }
    CHECK_INT(bad, 0);
    CHECK_STR(md_excerpt(A, "abc def", 1), "…");
}

int main(void)
{
    t_prog = "unit_md";
    A = arena_new();
    RUN(test_render_basic);
    RUN(test_render_safety);
    RUN(test_excerpt);
    arena_free(A);
    return t_done();
}
