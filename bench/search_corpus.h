/* search_corpus.h - the generated Vietnamese corpus of `make bench-search`.
 *
 * Articles are assembled from three sources so that both their length and
 * their vocabulary look like a council portal's:
 *   - a syllable bigram chain trained on the bodies of demo/articles.txt
 *     (the portal's own demo articles, among them the real Đề án 15-ĐA/TU
 *     article): most sentences come from it, so word frequencies follow
 *     real Vietnamese text (a few very common syllables, a long tail);
 *   - council phrases (organs, activities, topics, document numbers such
 *     as 23/2024/NQ-HĐND and 15-ĐA/TU) that the queries look for;
 *   - place names: the 126 communes and wards of 2025
 *     (demo/hanoi-units-2025.tsv) and the 30 districts and 579 communes
 *     before (demo/units-hanoi_units_before_2025-07-01.json).
 * Body lengths are drawn from the demo articles' own lengths (in words),
 * so the corpus is as long, article for article, as the demo site.
 * Everything is deterministic: the same seed gives the same corpus. */
#ifndef HD_BENCH_SEARCH_CORPUS_H
#define HD_BENCH_SEARCH_CORPUS_H
#include <stdint.h>

#include "arena.h"
#include "db.h"

#define CORPUS_NCATS 8

/* Load the vocabulary (the chain, places, lengths) from the repository's
 * demo files; 0, or -1 with a message on stderr. */
int corpus_load(void);
void corpus_free(void);

/* Deterministic random number in [0, n). */
unsigned corpus_rnd(unsigned n);

/* Text pieces for the queries. */
const char *corpus_topic(void);
const char *corpus_place(void);
const char *corpus_doc_number(Arena *a);

/* Generate n articles into db (migrated, empty), committing every `chunk`
 * articles, with a progress bar on stderr when it is a terminal or when
 * progress is set.  cat_ids receives the CORPUS_NCATS category ids.
 * Returns 0 or -1 (the message is on stderr). */
int corpus_generate(Db *db, int n, int64_t now, int64_t *cat_ids, int progress);

#endif
