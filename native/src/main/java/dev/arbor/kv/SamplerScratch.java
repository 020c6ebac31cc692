package dev.arbor.kv;

/**
 * The scratch buffers of sampling: a row's worth of candidates, probabilities and (only for bias,
 * steer or penalties) a modified copy of the row, plus what top-p and min-p without top-k need.
 * Each buffer is sized on its first use and kept; none is part of any sampler's state.
 *
 * <p>Shared by every sampler of a branch store (a fork's sampler shares its parent's), which all
 * run on the store's one thread, one draw at a time: a 152k-token vocabulary would otherwise cost
 * each fork 4 MB of fresh buffers on its first draw. Not thread-safe.
 */
final class SamplerScratch {
    /** The total of exp(logit - max) over the last row {@link SamplerFilters#sortedSurvivors} saw. */
    double rowTotal;

    float[] work = new float[0];
    int[] candidates = new int[0];
    double[] probabilities = new double[0];
    long[] sortKeys = new long[0];
    int[] counts = new int[0];

    float[] work(int vocab) {
        if (work.length < vocab) {
            work = new float[vocab];
        }
        return work;
    }

    int[] candidates(int vocab) {
        if (candidates.length < vocab) {
            candidates = new int[vocab];
        }
        return candidates;
    }

    double[] probabilities(int vocab) {
        if (probabilities.length < vocab) {
            probabilities = new double[vocab];
        }
        return probabilities;
    }

    long[] sortKeys(int vocab) {
        if (sortKeys.length < vocab) {
            sortKeys = new long[vocab];
        }
        return sortKeys;
    }

    int[] counts(int vocab) {
        if (counts.length < vocab) {
            counts = new int[vocab];
        }
        return counts;
    }
}
