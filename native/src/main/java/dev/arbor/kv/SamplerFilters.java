package dev.arbor.kv;

import java.util.Arrays;

/**
 * The filtering steps of {@link Sampler}'s chain after top-k: top-p and min-p on the untempered
 * distribution, then the tempered softmax over what is left. Candidates are always ordered most
 * likely first, ties to the lower id.
 *
 * <p>Top-p and min-p without top-k need the candidates in order only as far as the filters can
 * reach, not the whole vocabulary: {@link #sortedSurvivors} sums the row's mass once (the
 * normalizer every probability is divided by) into a histogram by logit, cuts where the filters
 * surely end, and sorts only the tokens above that cut. The probabilities it leads to are the
 * whole-sort ones up to the order in which the normalizer's terms are added (a few units in the
 * last place of a double).
 */
final class SamplerFilters {
    /** Width, in nats below the row's largest logit, of one bucket of the mass histogram. */
    private static final float BUCKET_NATS = 0.125f;
    /** Buckets of the histogram: 64 nats, below which a token holds under 1e-27 of the mass. */
    private static final int BUCKETS = 512;
    /**
     * How far under min-p's cut (in nats) a token is still kept as a candidate, so that rounding can
     * never drop one that passes: the filter itself then decides, exactly as on the whole row.
     */
    private static final double MIN_P_MARGIN = 1e-3;

    private SamplerFilters() {}

    /** The total of exp(logit - max) over {@code candidates[0..n)}, summed in that order. */
    static double candidateTotal(float[] values, int[] candidates, int n) {
        float max = maxOf(values, candidates, n);
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += Math.exp(values[candidates[i]] - max);
        }
        return total;
    }

    /**
     * Top-p, then min-p, on the untempered distribution over {@code candidates[0..n)} (sorted, most
     * likely first), whose normalizer is {@code total}; fills {@code probabilities[0..n)} and returns
     * how many candidates stay.
     */
    static int filterByProbability(SamplerParams params, float[] values, int[] candidates, double[] probabilities,
            int n, double total) {
        if (params.topP() >= 1 && params.minP() <= 0) {
            return n;
        }
        float max = maxOf(values, candidates, n);
        for (int i = 0; i < n; i++) {
            probabilities[i] = Math.exp(values[candidates[i]] - max) / total;
        }
        int keep = n;
        if (params.topP() < 1) {
            double cumulative = 0;
            for (int i = 0; i < n; i++) {
                cumulative += probabilities[i];
                if (cumulative >= params.topP()) {
                    keep = i + 1;
                    break;
                }
            }
        }
        if (params.minP() > 0) {
            double threshold = params.minP() * probabilities[0];
            int i = 1;
            while (i < keep && probabilities[i] >= threshold) {
                i++;
            }
            keep = i;
        }
        return keep;
    }

    /** probabilities[0..n) = softmax over candidates[0..n) at {@code temperature}. */
    static void softmax(float[] values, int[] candidates, double[] probabilities, int n, float temperature) {
        float max = maxOf(values, candidates, n);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double p = Math.exp((values[candidates[i]] - max) / temperature);
            probabilities[i] = p;
            total += p;
        }
        for (int i = 0; i < n; i++) {
            probabilities[i] /= total;
        }
    }

    /**
     * For top-p and/or min-p without top-k: puts into {@code scratch.candidates} the allowed tokens
     * that the filters can keep, most likely first (ties to the lower id), sets
     * {@code scratch.rowTotal} to the normalizer over every allowed token, and returns how many
     * candidates there are (0 when every token is banned). The candidates are always a prefix of the
     * whole row's order that reaches both filters' cuts, so filtering them keeps what filtering the
     * whole row would.
     */
    static int sortedSurvivors(SamplerParams params, float[] values, SamplerScratch scratch) {
        float max = Float.NEGATIVE_INFINITY;
        int allowed = 0;
        for (float value : values) {
            if (value != Float.NEGATIVE_INFINITY) {
                allowed++;
                max = Math.max(max, value);
            }
        }
        if (allowed == 0) {
            return 0;
        }
        double[] bucketMass = new double[BUCKETS];
        double total = 0;
        for (float value : values) {
            if (value != Float.NEGATIVE_INFINITY) {
                double mass = Math.exp(value - max);
                total += mass;
                bucketMass[Math.min(BUCKETS - 1, (int) ((max - value) / BUCKET_NATS))] += mass;
            }
        }
        scratch.rowTotal = total;
        double topPCut = Double.NEGATIVE_INFINITY;
        if (params.topP() < 1) {
            double cumulative = 0;
            int bucket = 0;
            while (bucket < BUCKETS - 1 && (cumulative += bucketMass[bucket]) < params.topP() * total) {
                bucket++;
            }
            // One bucket of margin: the cut falls inside `bucket`, whose tokens all stay.
            topPCut = bucket >= BUCKETS - 2 ? Double.NEGATIVE_INFINITY : max - (bucket + 2) * (double) BUCKET_NATS;
        }
        double minPCut = params.minP() > 0 ? max + Math.log(params.minP()) - MIN_P_MARGIN : Double.NEGATIVE_INFINITY;
        int n = sortAbove(values, Math.max(topPCut, minPCut), scratch);
        if (n < allowed && topPCut >= minPCut && !reachesTopP(params, values, scratch.candidates, n, max, total)) {
            n = sortAbove(values, Double.NEGATIVE_INFINITY, scratch); // rounding left the cut short: all of them
        }
        return n;
    }

    /** Whether top-p's cumulative sum, computed as {@link #filterByProbability} does, ends within the n candidates. */
    private static boolean reachesTopP(SamplerParams params, float[] values, int[] candidates, int n, float max,
            double total) {
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            cumulative += Math.exp(values[candidates[i]] - max) / total;
            if (cumulative >= params.topP()) {
                return true;
            }
        }
        return false;
    }

    /** Sorts the allowed tokens with a logit of at least {@code cut} into the candidates; returns how many. */
    private static int sortAbove(float[] values, double cut, SamplerScratch scratch) {
        long[] keys = scratch.sortKeys(values.length);
        int[] candidates = scratch.candidates(values.length);
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            float value = values[i];
            if (value != Float.NEGATIVE_INFINITY && value >= cut) {
                // High 32 bits order by logit, low 32 bits put lower ids first once reversed.
                keys[n++] = ((long) sortableBits(value) << 32) | (0xFFFFFFFFL - i);
            }
        }
        Arrays.sort(keys, 0, n);
        for (int i = 0; i < n; i++) {
            candidates[i] = (int) (0xFFFFFFFFL - (keys[n - 1 - i] & 0xFFFFFFFFL));
        }
        return n;
    }

    private static float maxOf(float[] values, int[] candidates, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, values[candidates[i]]);
        }
        return max;
    }

    /** Maps float order onto signed int order (negative floats flipped). */
    private static int sortableBits(float value) {
        int bits = Float.floatToIntBits(value);
        return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }
}
