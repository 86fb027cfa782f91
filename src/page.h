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
/* page_admin_council.c: council work, scoped per council (staff.h). */
int page_admin_councils(Req *r);
int page_admin_council(Req *r);
int page_admin_delegate_add(Req *r);
int page_admin_membership_add(Req *r);
int page_admin_delegate_end(Req *r);
/* The term a council page shows (?khoa= of this council, else today's,
 * else the latest; 0 none), and whether a term id is r->council_id's. */
int64_t admin_council_term(Req *r, int64_t want);
int admin_council_term_here(Req *r, int64_t term);
/* page_admin_council_io.c: export and import of delegates and positions. */
int page_admin_council_export(Req *r);
int page_admin_council_import(Req *r);
int page_admin_council_import_apply(Req *r);
/* page_programme.c: programmes, tasks and progress (issue 9). */
int page_programmes(Req *r);
int page_programme(Req *r);
int page_feed_programme(Req *r);   /* page_feeds.c */
int page_admin_programme(Req *r);
int page_admin_programme_tasks(Req *r);
int page_admin_programme_update(Req *r);
int page_programme_evidence(Req *r);
int page_admin_programme_task_add(Req *r);
int page_admin_programme_add(Req *r);
/* page_report.c: periodic review reports (issue 9 item 3). */
int page_admin_reports(Req *r);
int page_admin_report(Req *r);
int page_admin_report_save(Req *r);
int page_admin_report_new_version(Req *r);
int page_admin_campaign(Req *r);
int page_admin_campaign_open(Req *r);
int page_admin_template_save(Req *r);
int page_admin_emulation_add(Req *r);
int page_admin_campaign_export(Req *r);
int page_admin_campaign_report(Req *r);
int page_admin_campaign_decide(Req *r);
/* The staff home's reminders for council: reports due, reports waiting
 * for its review (ctx keys reminders, has_reminders, waiting_review). */
int report_reminders(Req *r, int64_t council, Val *ctx);
/* page_petition.c, page_agency.c: voters' petitions (issue 10). */
int page_admin_petitions(Req *r);
int page_admin_petition_add(Req *r);
int page_admin_petition(Req *r);
int page_admin_petition_file(Req *r);
int page_admin_petition_action(Req *r);
int page_admin_meetings(Req *r);       /* page_petition_meta.c */
int page_admin_meeting_add(Req *r);
int page_admin_session_add(Req *r);
int page_admin_agencies(Req *r);
int page_admin_agency_add(Req *r);
int page_admin_agency_account(Req *r);
int page_admin_petition_report(Req *r);        /* page_petition_report.c */
int page_admin_petition_report_export(Req *r);
int page_admin_petition_report_print(Req *r);
int page_admin_petition_catalog(Req *r);       /* page_petition_catalog.c */
int page_admin_petition_field_add(Req *r);
int page_admin_petition_field_save(Req *r);
int page_admin_status_label_save(Req *r);
int page_agency_home(Req *r);
int page_agency_petition(Req *r);
int page_agency_take_up(Req *r);
int page_agency_answer(Req *r);
/* page_supervision.c: supervisions and recommendations followed to closure (issue 10 item 4). */
int page_admin_supervisions(Req *r);
int page_admin_supervision_add(Req *r);
int page_admin_supervision(Req *r);
int page_admin_supervision_rec_add(Req *r);
int page_admin_supervision_status(Req *r);
int page_admin_supervision_rec_status(Req *r);
int page_admin_supervision_rec_check(Req *r);
int page_agency_recommendations(Req *r);
int page_agency_rec(Req *r);
int page_agency_rec_status(Req *r);
int page_supervisions_public(Req *r);
/* page_emulation.c: the emulation ranking (issue 9 item 4). */
int page_emulations(Req *r);
int page_emulation(Req *r);
int page_admin_emulation(Req *r);
int page_admin_emulation_score(Req *r);
int page_admin_emulation_approve(Req *r);
/* page_petition_public.c: citizens' petitions (issue 10 item 3) */
int page_petitions_public(Req *r);
int page_petition_form(Req *r);
int page_petition_post(Req *r);
int page_petition_lookup_form(Req *r);
int page_petition_lookup(Req *r);
int page_petition_answer_file(Req *r);
/* page_engage.c (ratings and comments) */
/* Add the article page's rating and comment blocks to ctx (key `engage`);
 * called by page_article.  0, or -1 on a database error. */
int engage_article_ctx(Req *r, Val *ctx, int64_t article_id, const char *slug);
int page_rating(Req *r);
int page_comment_form(Req *r);
int page_comment_post(Req *r);
/* Issue a verification code for a form into ctx (captcha_id, captcha_url,
 * captcha_text), charged to the client's network and its daily cap; 0 with
 * captcha_unavailable set when none can be issued (the caller answers 429). */
int page_captcha_ctx(Req *r, Val *ctx);
int page_captcha_image(Req *r);
int page_captcha_peek(Req *r);
int page_admin_comments(Req *r);
int page_admin_comment_action(Req *r);
int page_admin_comment_reply(Req *r);
/* --- polls, website links, visit statistics (page_poll.c, page_admin_engage.c) --- */
int page_polls(Req *r);
int page_poll(Req *r);
int page_poll_vote(Req *r);
int page_admin_polls(Req *r);
int page_admin_poll_save(Req *r);
int page_admin_poll_status(Req *r);
int page_admin_links(Req *r);
int page_admin_link_save(Req *r);
int page_admin_link_delete(Req *r);
int page_admin_link_move(Req *r);
int page_admin_stats(Req *r);
int page_admin_stats_csv(Req *r);
int page_admin_stats_base(Req *r);
/* --- search and feeds (page_search.c, page_feeds.c) --- */
int page_search(Req *r);
int page_feed_news(Req *r);
int page_feed_category(Req *r);
int page_sitemap(Req *r);
int page_robots(Req *r);
#endif
