/* testaids.h - the test build's tuning (only in build/hoidong-test). */
#ifndef HD_TESTAIDS_H
#define HD_TESTAIDS_H
/* Read the HOIDONG_TEST_* variables and install the resulting Tuning
 * (see tuning.h and testaids.c).  0, or -1 with a message in err. */
int testaids_install(char *err, size_t errlen);
#endif
