/* page.h - every page handler, declared for the route table (http_routes.c).
 * Each handler's definition carries a comment: URL, method, parameters, who may call it. */
#ifndef HD_PAGE_H
#define HD_PAGE_H
#include "http.h"
/* page_portal.c */
int page_home(Req *r);
int page_category(Req *r);
int page_article(Req *r);
int page_article_print(Req *r);
int page_documents(Req *r);
int page_attachment(Req *r);
int page_static(Req *r);
int page_healthz(Req *r);
/* page_admin*.c */
int page_login_form(Req *r);
int page_login(Req *r);
int page_logout(Req *r);
int page_admin_home(Req *r);
int page_admin_articles(Req *r);
int page_admin_article_new(Req *r);
int page_admin_article_edit(Req *r);
int page_admin_article_save(Req *r);
int page_admin_article_preview(Req *r);
int page_admin_article_status(Req *r);
int page_admin_attachment_upload(Req *r);
int page_admin_attachment_delete(Req *r);
int page_admin_categories(Req *r);
int page_admin_category_save(Req *r);
int page_admin_users(Req *r);
int page_admin_user_save(Req *r);
int page_admin_audit(Req *r);
#endif
