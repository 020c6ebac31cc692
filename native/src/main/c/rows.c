/*
 * Row loops (see rows.h). Each loop keeps LANES independent accumulators so that the compiler can
 * map them onto vector registers without reassociating anything: the result is the same on every
 * CPU. The functions are cloned per instruction set (AVX-512, AVX2, baseline) and the loader picks
 * the best one for the machine, as ggml's CPU variants do. "no-trapping-math" only lets the
 * compiler turn the selects below into vector blends (no result changes: nothing here traps).
 */
#pragma GCC optimize("O3", "no-trapping-math")

#include "rows.h"

#include <math.h>
#include <stddef.h>

#define LANES 16
#define ROW_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

/*
 * exp(x) for x <= 0 in float, about 2e-7 relative error: x = k ln2 + r with |r| <= ln2 / 2, e^r
 * by a degree-5 polynomial (coefficients fitted for this project by reweighted least squares
 * towards the smallest relative error on that interval: 9e-8), 2^k built in the exponent bits.
 * Below -87 (and at -INFINITY) it returns 0: such a term is under 1e-37 of the row's largest.
 */
static inline float exp_nonpositive(float x) {
    const float log2e = 1.44269504088896341f;
    const float ln2_hi = 0.693145751953125f;   /* ln 2 to 16 bits: k * ln2_hi is exact */
    const float ln2_lo = 1.42860682030941723e-6f;
    const float round_magic = 12582912.0f;     /* 1.5 * 2^23: adding it rounds to an integer */
    float clamped = x < -87.0f ? -87.0f : x;
    float k = (clamped * log2e + round_magic) - round_magic;
    float r = (clamped - k * ln2_hi) - k * ln2_lo;
    float p = 0.008290314762116386f;
    p = p * r + 0.041897931092290286f;
    p = p * r + 0.1666763620585725f;
    p = p * r + 0.4999914951726142f;
    p = p * r + 0.9999997071832124f;
    p = p * r + 1.0f;
    union {
        int32_t bits;
        float value;
    } scale = { .bits = ((int32_t) k + 127) << 23 };
    return x < -87.0f ? 0.0f : p * scale.value;
}

/*
 * One block of LANES entries for the max-and-argmax pass: each lane keeps its own max and the
 * first index it saw it at (the selects become vector blends).
 */
static inline void max_argmax_block(const float *block, int32_t base, float *lanes, int32_t *at) {
    for (int j = 0; j < LANES; j++) {
        int better = block[j] > lanes[j];
        lanes[j] = better ? block[j] : lanes[j];
        at[j] = better ? base + j : at[j];
    }
}

/* The lowest index holding the overall max: the lowest first index among the lanes that hold it. */
static void reduce_lanes(const float *lanes, const int32_t *at, float *max_out, int32_t *argmax_out) {
    float max = -INFINITY;
    int32_t argmax = 0;
    for (int j = 0; j < LANES; j++) {
        if (lanes[j] > max || (lanes[j] == max && max != -INFINITY && at[j] < argmax)) {
            max = lanes[j];
            argmax = at[j];
        }
    }
    *max_out = max;
    *argmax_out = argmax;
}

/* The tail past the last whole block, scalar; the tail's indices come after every block's. */
static void max_argmax_tail(const float *row, int32_t from, int32_t n, float *max, int32_t *argmax) {
    for (int32_t i = from; i < n; i++) {
        if (row[i] > *max) {
            *max = row[i];
            *argmax = i;
        }
    }
    if (*max == -INFINITY) {
        *argmax = 0;
    }
}

/* The row's max and the lowest index holding it, in one pass. */
ROW_CLONES
static void row_max_argmax(const float *row, int32_t n, float *max, int32_t *argmax) {
    float lanes[LANES];
    int32_t at[LANES];
    for (int j = 0; j < LANES; j++) {
        lanes[j] = -INFINITY;
        at[j] = j;
    }
    int32_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        max_argmax_block(row + i, i, lanes, at);
    }
    reduce_lanes(lanes, at, max, argmax);
    max_argmax_tail(row, i, n, max, argmax);
}

/* As row_max_argmax, copying the row into `copy` in the same pass (llama.cpp's buffer is read once). */
ROW_CLONES
static void row_copy_max_argmax(const float *row, float *copy, int32_t n, float *max, int32_t *argmax) {
    float lanes[LANES];
    int32_t at[LANES];
    for (int j = 0; j < LANES; j++) {
        lanes[j] = -INFINITY;
        at[j] = j;
    }
    int32_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            copy[i + j] = row[i + j];
        }
        max_argmax_block(row + i, i, lanes, at);
    }
    for (int32_t t = i; t < n; t++) {
        copy[t] = row[t];
    }
    reduce_lanes(lanes, at, max, argmax);
    max_argmax_tail(row, i, n, max, argmax);
}

ROW_CLONES
static double row_sum_exp(const float *row, int32_t n, float max) {
    double lanes[LANES] = { 0 };
    int32_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            lanes[j] += (double) exp_nonpositive(row[i + j] - max);
        }
    }
    double sum = 0;
    for (int j = 0; j < LANES; j++) {
        sum += lanes[j];
    }
    for (; i < n; i++) {
        sum += (double) exp_nonpositive(row[i] - max);
    }
    return sum;
}

void arbor_row_copy_summarize(const float *row, float *copy, int32_t n, arbor_row_summary *out) {
    if (copy != NULL) {
        row_copy_max_argmax(row, copy, n, &out->max, &out->argmax);
    } else {
        row_max_argmax(row, n, &out->max, &out->argmax);
    }
    out->log_sum_exp = out->max == -INFINITY ? -INFINITY
            : (double) out->max + log(row_sum_exp(copy != NULL ? copy : row, n, out->max));
}

void arbor_row_summarize(const float *row, int32_t n, arbor_row_summary *out) {
    arbor_row_copy_summarize(row, NULL, n, out);
}

/* Inserts (id, value) into the sorted best list of `*count` (< or == k) entries, keeping k at most. */
static void insert_best(int32_t *ids, float *values, int32_t *count, int32_t k, int32_t id, float value) {
    int32_t at = *count < k ? (*count)++ : k - 1;
    /* Equal values keep the earlier (lower) index ahead: only strictly smaller ones move down. */
    while (at > 0 && values[at - 1] < value) {
        ids[at] = ids[at - 1];
        values[at] = values[at - 1];
        at--;
    }
    ids[at] = id;
    values[at] = value;
}

/*
 * One pass over the row; once k entries are held, a block whose largest value does not beat the
 * k-th is skipped after one vector max, so on a typical row nearly every block costs a few
 * instructions and only the rare better entries are inserted.
 */
ROW_CLONES
int32_t arbor_row_top_k(const float *row, int32_t n, int32_t k, bool skip_banned, int32_t *ids, float *values) {
    int32_t count = 0;
    if (k <= 0) {
        return 0;
    }
    int32_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        if (count == k) {
            float block_max = -INFINITY;
            for (int j = 0; j < LANES; j++) {
                block_max = row[i + j] > block_max ? row[i + j] : block_max;
            }
            if (block_max <= values[k - 1]) {
                continue;
            }
        }
        for (int j = 0; j < LANES; j++) {
            float value = row[i + j];
            if ((skip_banned && value == -INFINITY) || (count == k && value <= values[k - 1])) {
                continue;
            }
            insert_best(ids, values, &count, k, i + j, value);
        }
    }
    for (; i < n; i++) {
        float value = row[i];
        if ((skip_banned && value == -INFINITY) || (count == k && value <= values[k - 1])) {
            continue;
        }
        insert_best(ids, values, &count, k, i, value);
    }
    return count;
}
