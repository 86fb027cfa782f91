/* http_routes.c - the one route table: every URL the server answers,
 * its handler and the minimum role.  Patterns are literal segments,
 * ":name" (one segment, captured into r->args) and a final "*" (the rest
 * of the path, captured).  GET routes also answer HEAD.  The table is
 * searched in order; keep it grouped: public portal, then administration.
 * tests/http_security enumerates it to check CSRF on every POST route. */
#include <string.h>
#include "http.h"
#include "page.h"
#include "page_council.h"
#include "vn.h"

const Route routes[] = {
    /* public portal */
    {"GET",  "/",                               page_home,             ROLE_NONE, 0},
    {"GET",  "/chuyen-muc/:slug",               page_category,         ROLE_NONE, 0},
    {"GET",  "/bai-viet/:slug",                 page_article,          ROLE_NONE, 0},
    {"GET",  "/bai-viet/:slug/in",              page_article_print,    ROLE_NONE, 0},
    {"GET",  "/van-ban",                        page_documents,        ROLE_NONE, 0},
    {"GET",  "/tep/:id/:name",                  page_attachment,       ROLE_NONE, 0},
    {"GET",  "/static/*",                       page_static,           ROLE_NONE, ROUTE_NO_DB},
    {"GET",  "/healthz",                        page_healthz,          ROLE_NONE, 0},
    /* administration */
    {"GET",  "/quan-tri/dang-nhap",             page_login_form,       ROLE_NONE, 0},
    {"POST", "/quan-tri/dang-nhap",             page_login,            ROLE_NONE, ROUTE_NO_CSRF},
    {"POST", "/quan-tri/dang-xuat",             page_logout,           ROLE_REVIEWER, ROUTE_ANY_ACCOUNT},
    {"GET",  "/quan-tri",                       page_admin_home,       ROLE_REVIEWER, ROUTE_ANY_ACCOUNT},
    /* Council work (issue 8 item 5): the server checks the council of the
     * URL against the account's scope before the handler (staff.h). */
    {"GET",  "/quan-tri/hoi-dong",              page_admin_councils,   ROLE_REVIEWER, ROUTE_ANY_OFFICE},
    {"GET",  "/quan-tri/hoi-dong/:council",     page_admin_council,    ROLE_REVIEWER, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/dai-bieu", page_admin_delegate_add, ROLE_EDITOR, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/chuc-vu",  page_admin_membership_add, ROLE_EDITOR, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/dai-bieu/:id/ket-thuc", page_admin_delegate_end, ROLE_EDITOR, ROUTE_COUNCIL},
    /* export and import (page_admin_council_io.c): the reviewer exports; only an editor imports */
    {"GET",  "/quan-tri/hoi-dong/:council/xuat", page_admin_council_export, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/nhap", page_admin_council_import, ROLE_EDITOR, ROUTE_COUNCIL | ROUTE_UPLOAD},
    {"POST", "/quan-tri/hoi-dong/:council/nhap/xac-nhan", page_admin_council_import_apply, ROLE_EDITOR, ROUTE_COUNCIL},
    /* programmes and progress (page_programme.c, issue 9) */
    {"GET",  "/quan-tri/hoi-dong/:council/chuong-trinh", page_admin_programme_tasks, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/chuong-trinh/moi", page_admin_programme_add, ROLE_EDITOR, ROUTE_COUNCIL},
    {"GET",  "/quan-tri/hoi-dong/:council/chuong-trinh/:id", page_admin_programme, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/chuong-trinh/:id/viec", page_admin_programme_task_add, ROLE_EDITOR, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/chuong-trinh/viec/:id/tien-do", page_admin_programme_update, ROLE_EDITOR,
     ROUTE_COUNCIL | ROUTE_UPLOAD},
    /* periodic review reports (page_report.c, issue 9): the lower level fills in, the upper level decides */
    {"GET",  "/quan-tri/hoi-dong/:council/bao-cao", page_admin_reports, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"GET",  "/quan-tri/hoi-dong/:council/bao-cao/:id", page_admin_report, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/bao-cao/:id/luu", page_admin_report_save, ROLE_EDITOR, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/bao-cao/:id/phien-ban-moi", page_admin_report_new_version, ROLE_EDITOR, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/dot-bao-cao/mo", page_admin_campaign_open, ROLE_EDITOR, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/mau-bao-cao", page_admin_template_save, ROLE_EDITOR, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/thi-dua/moi", page_admin_emulation_add, ROLE_EDITOR, ROUTE_COUNCIL},
    /* the emulation ranking (page_emulation.c, issue 9) */
    {"GET",  "/quan-tri/hoi-dong/:council/thi-dua/:id", page_admin_emulation, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/thi-dua/:id/diem", page_admin_emulation_score, ROLE_EDITOR, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/thi-dua/:id/phe-duyet", page_admin_emulation_approve, ROLE_EDITOR, ROUTE_COUNCIL},
    {"GET",  "/quan-tri/hoi-dong/:council/dot-bao-cao/:id", page_admin_campaign, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"GET",  "/quan-tri/hoi-dong/:council/dot-bao-cao/:id/xuat", page_admin_campaign_export, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"GET",  "/quan-tri/hoi-dong/:council/dot-bao-cao/:id/hd/:target", page_admin_campaign_report, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/dot-bao-cao/:id/hd/:target/quyet-dinh", page_admin_campaign_decide, ROLE_REVIEWER,
     ROUTE_COUNCIL | ROUTE_REVIEW},
    /* voters' petitions, voter meetings, agencies, the pre-session report
     * (page_petition.c, page_petition_meta.c, page_petition_report.c, issue 10) */
    {"GET",  "/quan-tri/hoi-dong/:council/kien-nghi", page_admin_petitions, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/kien-nghi/moi", page_admin_petition_add, ROLE_EDITOR, ROUTE_COUNCIL},
    {"GET",  "/quan-tri/hoi-dong/:council/kien-nghi/:id", page_admin_petition, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"GET",  "/quan-tri/hoi-dong/:council/kien-nghi/:id/tep/:file", page_admin_petition_file, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/kien-nghi/:id/:action", page_admin_petition_action, ROLE_EDITOR, ROUTE_COUNCIL},
    {"GET",  "/quan-tri/hoi-dong/:council/tiep-xuc-cu-tri", page_admin_meetings, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/tiep-xuc-cu-tri/moi", page_admin_meeting_add, ROLE_EDITOR, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/ky-hop/moi", page_admin_session_add, ROLE_EDITOR, ROUTE_COUNCIL},
    {"GET",  "/quan-tri/hoi-dong/:council/co-quan", page_admin_agencies, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/co-quan/moi", page_admin_agency_add, ROLE_EDITOR, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/co-quan/:id/tai-khoan", page_admin_agency_account, ROLE_ADMIN, ROUTE_COUNCIL},
    {"GET",  "/quan-tri/hoi-dong/:council/bao-cao-kien-nghi", page_admin_petition_report, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"GET",  "/quan-tri/hoi-dong/:council/bao-cao-kien-nghi/xuat", page_admin_petition_report_export, ROLE_REVIEWER,
     ROUTE_COUNCIL},
    {"GET",  "/quan-tri/hoi-dong/:council/bao-cao-kien-nghi/in", page_admin_petition_report_print, ROLE_REVIEWER,
     ROUTE_COUNCIL},
    /* the fields and status labels petitions use: data kept by the portal's administrator */
    {"GET",  "/quan-tri/kien-nghi/danh-muc",    page_admin_petition_catalog, ROLE_ADMIN, 0},
    {"POST", "/quan-tri/kien-nghi/danh-muc/linh-vuc", page_admin_petition_field_add, ROLE_ADMIN, 0},
    {"POST", "/quan-tri/kien-nghi/danh-muc/linh-vuc/:id", page_admin_petition_field_save, ROLE_ADMIN, 0},
    {"POST", "/quan-tri/kien-nghi/danh-muc/nhan", page_admin_status_label_save, ROLE_ADMIN, 0},
    /* an answering agency's own pages: only what is forwarded to it (page_agency.c) */
    {"GET",  "/quan-tri/co-quan",               page_agency_home,      ROLE_AGENCY, ROUTE_ANY_OFFICE},
    {"GET",  "/quan-tri/co-quan/kien-nghi/:id", page_agency_petition,  ROLE_AGENCY, ROUTE_ANY_OFFICE | ROUTE_AGENCY_PETITION},
    {"POST", "/quan-tri/co-quan/kien-nghi/:id/tiep-nhan", page_agency_take_up, ROLE_AGENCY,
     ROUTE_ANY_OFFICE | ROUTE_AGENCY_PETITION},
    {"POST", "/quan-tri/co-quan/kien-nghi/:id/tra-loi", page_agency_answer, ROLE_AGENCY,
     ROUTE_ANY_OFFICE | ROUTE_AGENCY_PETITION | ROUTE_UPLOAD},
    /* supervision and recommendations (page_supervision.c, issue 10 item 4) */
    {"GET",  "/quan-tri/hoi-dong/:council/giam-sat", page_admin_supervisions, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/giam-sat/moi", page_admin_supervision_add, ROLE_EDITOR, ROUTE_COUNCIL},
    {"GET",  "/quan-tri/hoi-dong/:council/giam-sat/:id", page_admin_supervision, ROLE_REVIEWER, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/giam-sat/:id/kien-nghi", page_admin_supervision_rec_add, ROLE_EDITOR, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/giam-sat/:id/trang-thai", page_admin_supervision_status, ROLE_EDITOR, ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/kien-nghi-giam-sat/:id/trang-thai", page_admin_supervision_rec_status, ROLE_EDITOR,
     ROUTE_COUNCIL},
    {"POST", "/quan-tri/hoi-dong/:council/kien-nghi-giam-sat/:id/kiem-tra", page_admin_supervision_rec_check, ROLE_EDITOR,
     ROUTE_COUNCIL},
    {"GET",  "/quan-tri/co-quan/giam-sat",      page_agency_recommendations, ROLE_AGENCY, ROUTE_ANY_OFFICE},
    {"GET",  "/quan-tri/co-quan/kien-nghi-giam-sat/:id", page_agency_rec, ROLE_AGENCY,
     ROUTE_ANY_OFFICE | ROUTE_AGENCY_RECOMMENDATION},
    {"POST", "/quan-tri/co-quan/kien-nghi-giam-sat/:id/trang-thai", page_agency_rec_status, ROLE_AGENCY,
     ROUTE_ANY_OFFICE | ROUTE_AGENCY_RECOMMENDATION},
    {"GET",  "/quan-tri/bai-viet",              page_admin_articles,   ROLE_EDITOR, 0},
    {"GET",  "/quan-tri/bai-viet/moi",          page_admin_article_new, ROLE_EDITOR, 0},
    {"POST", "/quan-tri/bai-viet/luu",          page_admin_article_save, ROLE_EDITOR, 0},
    {"POST", "/quan-tri/bai-viet/xem-truoc",    page_admin_article_preview, ROLE_EDITOR, 0},
    {"GET",  "/quan-tri/bai-viet/:id",          page_admin_article_edit, ROLE_EDITOR, 0},
    {"POST", "/quan-tri/bai-viet/:id/trang-thai", page_admin_article_status, ROLE_EDITOR, 0},
    {"POST", "/quan-tri/bai-viet/:id/tep",      page_admin_attachment_upload, ROLE_EDITOR, ROUTE_UPLOAD},
    {"POST", "/quan-tri/tep/:id/xoa",           page_admin_attachment_delete, ROLE_EDITOR, 0},
    {"GET",  "/quan-tri/chuyen-muc",            page_admin_categories, ROLE_ADMIN, 0},
    {"POST", "/quan-tri/chuyen-muc/luu",        page_admin_category_save, ROLE_ADMIN, 0},
    {"GET",  "/quan-tri/nguoi-dung",            page_admin_users,      ROLE_ADMIN, 0},
    {"POST", "/quan-tri/nguoi-dung/luu",        page_admin_user_save,  ROLE_ADMIN, 0},
    {"GET",  "/quan-tri/nhat-ky",               page_admin_audit,      ROLE_ADMIN, 0},
    /* polls, website links, visit statistics (page_poll.c, page_admin_engage.c) */
    {"GET",  "/binh-chon",                      page_polls,            ROLE_NONE, 0},
    {"GET",  "/binh-chon/:id",                  page_poll,             ROLE_NONE, 0},
    {"POST", "/binh-chon/:id",                  page_poll_vote,        ROLE_NONE, 0},
    {"GET",  "/quan-tri/binh-chon",             page_admin_polls,      ROLE_ADMIN, 0},
    {"POST", "/quan-tri/binh-chon/luu",         page_admin_poll_save,  ROLE_ADMIN, 0},
    {"POST", "/quan-tri/binh-chon/:id/trang-thai", page_admin_poll_status, ROLE_ADMIN, 0},
    {"GET",  "/quan-tri/lien-ket",              page_admin_links,      ROLE_ADMIN, 0},
    {"POST", "/quan-tri/lien-ket/luu",          page_admin_link_save,  ROLE_ADMIN, 0},
    {"POST", "/quan-tri/lien-ket/:id/xoa",      page_admin_link_delete, ROLE_ADMIN, 0},
    {"POST", "/quan-tri/lien-ket/:id/di-chuyen", page_admin_link_move, ROLE_ADMIN, 0},
    {"GET",  "/quan-tri/thong-ke",              page_admin_stats,      ROLE_ADMIN, 0},
    {"GET",  "/quan-tri/thong-ke.csv",          page_admin_stats_csv,  ROLE_ADMIN, 0},
    {"POST", "/quan-tri/thong-ke/tong-ban-dau", page_admin_stats_base, ROLE_ADMIN, 0},
    /* ratings and comments (page_engage.c) */
    {"POST", "/bai-viet/:slug/danh-gia",        page_rating,           ROLE_NONE, 0},
    {"GET",  "/bai-viet/:slug/gui-binh-luan",   page_comment_form,     ROLE_NONE, 0},
    {"POST", "/bai-viet/:slug/binh-luan",       page_comment_post,     ROLE_NONE, 0},
    {"GET",  "/xac-thuc/:id/thu-nghiem",        page_captcha_peek,     ROLE_NONE, 0},
    {"GET",  "/xac-thuc/:id",                   page_captcha_image,    ROLE_NONE, 0},
    {"GET",  "/quan-tri/binh-luan",             page_admin_comments,   ROLE_MODERATOR, 0},
    {"POST", "/quan-tri/binh-luan/xu-ly",       page_admin_comment_action, ROLE_MODERATOR, 0},
    {"POST", "/quan-tri/binh-luan/:id/tra-loi", page_admin_comment_reply, ROLE_MODERATOR, 0},
    /* search, feeds and discovery (page_search.c, page_feeds.c) */
    {"GET",  "/tim-kiem",                       page_search,           ROLE_NONE, 0},
    {"GET",  "/tin-moi.atom",                   page_feed_news,        ROLE_NONE, 0},
    {"GET",  "/chuyen-muc/:slug/atom",          page_feed_category,    ROLE_NONE, 0},
    {"GET",  "/sitemap.xml",                    page_sitemap,          ROLE_NONE, 0},
    {"GET",  "/robots.txt",                     page_robots,           ROLE_NONE, 0},
    /* councils, their bodies and delegates; "as of" ?ngay= (page_council.c) */
    {"GET",  "/hoi-dong",                       page_council_directory, ROLE_NONE, 0},
    {"GET",  "/hoi-dong/:slug",                 page_council,          ROLE_NONE, 0},
    {"GET",  "/hoi-dong/:slug/truoc-sap-nhap",  page_council_before,   ROLE_NONE, 0},
    {"GET",  "/dai-bieu/:id",                   page_council_delegate, ROLE_NONE, 0},
    {"GET",  "/chuong-trinh",                   page_programmes,       ROLE_NONE, 0},
    {"GET",  "/chuong-trinh/:slug",             page_programme,        ROLE_NONE, 0},
    {"GET",  "/chuong-trinh/:slug/atom",        page_feed_programme,   ROLE_NONE, 0},
    {"GET",  "/chuong-trinh/minh-chung/:update/:file", page_programme_evidence, ROLE_NONE, 0},
    /* citizens' petitions: send online, look up by code, answered list (page_petition_public.c, issue 10 item 3) */
    {"GET",  "/kien-nghi",                      page_petitions_public, ROLE_NONE, 0},
    {"GET",  "/kien-nghi/gui",                  page_petition_form,    ROLE_NONE, 0},
    {"POST", "/kien-nghi/gui",                  page_petition_post,    ROLE_NONE, ROUTE_UPLOAD},
    {"GET",  "/kien-nghi/tra-cuu",              page_petition_lookup_form, ROLE_NONE, 0},
    {"POST", "/kien-nghi/tra-cuu",              page_petition_lookup,  ROLE_NONE, 0},
    {"GET",  "/kien-nghi/tra-loi/:id/:file",    page_petition_answer_file, ROLE_NONE, 0},
    {"GET",  "/thi-dua",                        page_emulations,       ROLE_NONE, 0},
    {"GET",  "/thi-dua/:id",                    page_emulation,        ROLE_NONE, 0},
    /* supervision and recommendations, public (page_supervision.c, issue 10 item 4) */
    {"GET",  "/giam-sat",                       page_supervisions_public, ROLE_NONE, 0},
    {NULL, NULL, NULL, 0, 0},
};

/* Match one pattern against a path; captures go to r->args (arena copies). */
static int pattern_match(Req *r, const char *pat, const char *path)
{
    int n = 0;
    const char *caps[4];
    size_t caplen[4];
    while (*pat && *path) {
        if (*pat == '*') {
            if (n == 4) return 0;
            caps[n] = path; caplen[n++] = strlen(path);
            path += strlen(path);
            pat++;
            break;
        }
        if (*pat == ':') {
            const char *end = strchr(path, '/');
            size_t len = end ? (size_t)(end - path) : strlen(path);
            if (len == 0 || n == 4) return 0;
            caps[n] = path; caplen[n++] = len;
            path += len;
            while (*pat && *pat != '/') pat++;
            continue;
        }
        if (*pat != *path) return 0;
        pat++, path++;
    }
    if (*pat || *path) return 0;
    /* A capture that is not UTF-8 names nothing the site has: no route
     * (404) rather than a query the database may refuse (PostgreSQL
     * rejects such text; SQLite would just find nothing). */
    for (int i = 0; i < n; i++)
        if (!vn_utf8_valid(caps[i], caplen[i])) return 0;
    for (int i = 0; i < n; i++) r->args[i] = arena_strndup(r->arena, caps[i], caplen[i]);
    r->nargs = n;
    return 1;
}

const Route *route_match(Req *r, const char *method, const char *path, int *status)
{
    int path_seen = 0;
    for (const Route *rt = routes; rt->method; rt++) {
        if (!pattern_match(r, rt->pattern, path)) continue;
        if (!strcmp(rt->method, method)) return rt;
        path_seen = 1;
    }
    r->nargs = 0;
    *status = path_seen ? 405 : 404;
    return NULL;
}
