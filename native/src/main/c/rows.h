/*
 * Hot loops over one logits row (n_vocab floats): what every branch needs of every new row (its
 * maximum, first argmax and log-sum-exp) and the best k entries, each in one pass that the
 * compiler vectorizes. They take plain pointers, so they run over llama.cpp's own logits buffer
 * as well as over a Java array held in a critical region.
 *
 * Results do not depend on the CPU: the same lanes are summed in the same order whatever vector
 * width a machine has, and no floating-point contraction is allowed (-std=c11).
 */
#ifndef ARBOR_ROWS_H
#define ARBOR_ROWS_H

#include <stdbool.h>
#include <stdint.h>

/* What a row tells before any sampling: its largest entry, where it first occurs, log(sum(exp)). */
typedef struct {
    float max;          /* -INFINITY when every entry is -INFINITY (or n == 0) */
    int32_t argmax;     /* the lowest index holding max; 0 when every entry is -INFINITY */
    double log_sum_exp; /* log(sum_i exp(row[i])); -INFINITY when every entry is -INFINITY */
} arbor_row_summary;

/* Summarizes `row` of `n` entries (no NaN) in two vectorized passes. */
void arbor_row_summarize(const float *row, int32_t n, arbor_row_summary *out);

/* As arbor_row_summarize, copying the row into `copy` (n floats) during the first pass. */
void arbor_row_copy_summarize(const float *row, float *copy, int32_t n, arbor_row_summary *out);

/*
 * The `k` largest entries of `row`, largest first, ties to the lower index: their indices into
 * `ids` and values into `values` (both k long). With `skip_banned`, -INFINITY entries are never
 * taken. Returns how many were taken (k, or fewer when the row has fewer candidates).
 */
int32_t arbor_row_top_k(const float *row, int32_t n, int32_t k, bool skip_banned, int32_t *ids, float *values);

#endif
