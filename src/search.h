/* search.h - Vietnamese search over articles and documents.
 *
 * search_parse turns what a reader typed into a query the index can run:
 * the words are folded (lowercase, no diacritics, đ -> d) so "hoi dong nhan
 * dan" finds "Hội đồng nhân dân", and the words typed WITH diacritics give
 * a second, exact expression that ranks exact matches first.  The FTS5
 * expressions are built only from quoted tokens this code produced: nothing
 * the user typed reaches FTS5 as syntax.  search_run executes a parsed
 * query with filters through db_fts_search and prepares each hit for
 * display (title and snippet with <mark> highlights on the original text).
 * Used by page_search.c and bench/search_bench.c. */
#ifndef HD_SEARCH_H
#define HD_SEARCH_H
#include <stdint.h>
#include <stddef.h>
#include "arena.h"
#include "buf.h"
#include "db.h"

#define SEARCH_MAX_CHARS 200    /* code points of the query */
#define SEARCH_MAX_WORDS 12     /* tokens in the query */
#define SEARCH_PER_PAGE 10
/* A broad query's hits are counted only as far as the page needs: up to
 * SEARCH_COUNT_CAP on the first pages ("hơn 250 kết quả"), to the end of
 * the page asked for deeper, and never past SEARCH_DEPTH_MAX, the deepest
 * hit paging reaches (page 100).  Walking 1 001 hits of "hoi dong nhan
 * dan" at 1M articles cost 54 ms, 251 hits 12 ms (docs/PERFORMANCE.md 11). */
#define SEARCH_COUNT_CAP 250
#define SEARCH_DEPTH_MAX 1000

#define SEARCH_ERR_EMPTY "Vui lòng nhập từ khóa tìm kiếm."
#define SEARCH_ERR_LONG "Từ khóa quá dài: tối đa 200 ký tự và 12 từ. Vui lòng rút gọn từ khóa."
#define SEARCH_ERR_INVALID "Từ khóa chứa ký tự không hợp lệ. Vui lòng nhập lại."

typedef struct SearchQuery {
    const char *text;       /* the query cleaned (NFC, trimmed), for the form */
    const char *match;      /* FTS5 expression over the folded columns */
    const char *exact;      /* FTS5 expression of the words typed with diacritics
                             * over the original columns; NULL when there are none */
    const char *words[SEARCH_MAX_WORDS];   /* folded tokens, for highlighting */
    int nwords;
    int prefix;             /* words[nwords-1] is matched as a prefix */
} SearchQuery;

/* Parse user text q (any bytes; NULL = empty) into *out, allocating in a.
 * Grammar: words separated by spaces; "double quotes" (also “ ”) make a
 * phrase (an unclosed quote runs to the end); a word with inner
 * punctuation is a phrase of its parts, except a code with a digit such
 * as 15-ĐA/TU or 23/2024/NQ-HĐND, which is one index word (vn.h
 * vn_code_word); the last bare word of two or more letters is also a prefix.  Every
 * other character separates words.  A pure function of its input.
 * Returns 0, or -1 with *err one of SEARCH_ERR_* (static Vietnamese text)
 * for an empty query, one over SEARCH_MAX_CHARS / SEARCH_MAX_WORDS, or
 * invalid UTF-8. */
int search_parse(Arena *a, const char *q, SearchQuery *out, const char **err);

/* Append text HTML-escaped with every word matching q wrapped in <mark>
 * (matching by folding, so the highlight sits on the original text).
 * max_words 0: all of text; otherwise a window of about max_words words
 * around the densest matches, with "…" where text was cut. */
void search_highlight(Buf *out, const char *text, const SearchQuery *q, size_t max_words);

typedef struct SearchOptions {
    const char *kind;        /* NULL/"" all, "article", "document" */
    int64_t category_id;     /* 0 = all (else with its sub-categories) */
    int64_t from, to;        /* [from, to) unix seconds, 0 = open */
    int64_t page;            /* 1-based; clamped to the last page */
    int per_page;            /* 0 = SEARCH_PER_PAGE */
    int64_t now;             /* visibility time */
} SearchOptions;

typedef struct SearchHit {
    int is_document;
    int64_t id;                  /* article id, or attachment id for a document */
    int exact;                   /* matched with the diacritics as typed */
    int64_t date;                /* published (article) or issued (document) */
    const char *title;           /* plain */
    const char *title_html;      /* escaped, with <mark> */
    const char *snippet_html;    /* escaped, with <mark> */
    const char *url;             /* /bai-viet/slug or /tep/id/name */
    const char *article_title;   /* documents: the article they belong to */
    const char *article_url;
    const char *category_name;
    const char *category_url;
    const char *doc_number;      /* documents */
    const char *filename;        /* documents */
} SearchHit;

typedef struct SearchResults {
    int64_t total;               /* the matches counted (see SEARCH_COUNT_CAP) */
    int total_more;              /* 1: more than total matched (counting stopped) */
    int64_t page, pages;         /* the page returned, pages of the counted hits (>= 1) */
    int more_pages;              /* 1: pages past `pages` exist (not counted yet) */
    int n;                       /* hits on this page */
    SearchHit *hits;             /* in the arena */
} SearchResults;

/* Run q with the options; results and their strings live in a.
 * Returns 0, or -1 on a database error (logged). */
int search_run(Db *db, Arena *a, const SearchQuery *q, const SearchOptions *o, SearchResults *res);

#endif
