/* fuzz.h - shared helpers for the libFuzzer targets in fuzz/fuzz_*.c.
 *
 * Each target is a file with LLVMFuzzerTestOneInput, linked against
 * build/fuzz/libhoidong.a (the project compiled with clang, ASan, UBSan and
 * -fsanitize=fuzzer-no-link; see `make fuzz-build`).  Sanitizers catch
 * memory errors and undefined behaviour; FUZZ_CHECK adds oracles that
 * catch wrong answers (unescaped output, a range past the end...), and
 * aborts so libFuzzer saves the input under fuzz/out/<target>/. */
#ifndef HD_FUZZ_H
#define HD_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond, ...) do { if (!(cond)) { \
        fprintf(stderr, "%s:%d: oracle failed: %s: ", __FILE__, __LINE__, #cond); \
        fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); abort(); } } while (0)

/* The input as a NUL-terminated heap string (inner NUL bytes end it early,
 * as they would for any C string the program receives).  free() it. */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) abort();
    if (size) memcpy(s, data, size);
    s[size] = 0;
    return s;
}

/* 1 when s contains needle ignoring ASCII case. */
static inline int fuzz_icontains(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m) {
            char a = s[i + k], b = needle[k];
            if (a >= 'A' && a <= 'Z') a = (char)(a + 32);
            if (a != b) break;
            k++;
        }
        if (k == m) return 1;
    }
    return 0;
}
#endif
