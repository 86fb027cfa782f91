/* t.c - counters and summary for t.h. */
#include "t.h"
int t_passed, t_failed, t_skipped, t_cur_failed;
const char *t_prog = "tests";

int t_done(void)
{
    if (t_skipped) printf("%s: %d passed, %d failed, %d skipped\n", t_prog, t_passed, t_failed, t_skipped);
    else printf("%s: %d passed, %d failed\n", t_prog, t_passed, t_failed);
    return t_failed ? 1 : 0;
}
