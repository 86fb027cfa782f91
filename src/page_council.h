/* page_council.h - the public council pages (page_council.c), declared for
 * the route table.  A page header: only page_*.c, main.c and
 * http_routes.c include it. */
#ifndef HD_PAGE_COUNCIL_H
#define HD_PAGE_COUNCIL_H
#include "http.h"
int page_council_directory(Req *r);
int page_council(Req *r);
int page_council_before(Req *r);
int page_council_delegate(Req *r);
#endif
