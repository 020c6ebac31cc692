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

ROW_CLONES
static float row_max(const float *row, int32_t n) {
    float lanes[LANES];
    for (int j = 0; j < LANES; j++) {
        lanes[j] = -INFINITY;
    }
    int32_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            lanes[j] = row[i + j] > lanes[j] ? row[i + j] : lanes[j];
        }
    }
    float max = -INFINITY;
    for (int j = 0; j < LANES; j++) {
        max = lanes[j] > max ? lanes[j] : max;
    }
    for (; i < n; i++) {
        max = row[i] > max ? row[i] : max;
    }
    return max;
}

/* The lowest index holding `value`; blocks without it are ruled out with one vector compare. */
ROW_CLONES
static int32_t row_first_index_of(const float *row, int32_t n, float value) {
    int32_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        int found = 0;
        for (int j = 0; j < LANES; j++) {
            found |= row[i + j] == value;
        }
        if (found) {
            break;
        }
    }
    for (; i < n; i++) {
        if (row[i] == value) {
            return i;
        }
    }
    return 0;
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

void arbor_row_summarize(const float *row, int32_t n, arbor_row_summary *out) {
    float max = row_max(row, n);
    out->max = max;
    if (max == -INFINITY) {
        out->argmax = 0;
        out->log_sum_exp = -INFINITY;
        return;
    }
    out->argmax = row_first_index_of(row, n, max);
    out->log_sum_exp = (double) max + log(row_sum_exp(row, n, max));
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
