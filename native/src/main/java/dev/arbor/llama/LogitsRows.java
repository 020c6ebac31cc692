package dev.arbor.llama;

import dev.arbor.annotation.Internal;

/**
 * The loops over a whole logits row that a search runs for every branch at every step, in native
 * code: at 152k tokens a row is 600 KB, and a scalar Java pass over it (a {@code Math.exp} per
 * token for the log-softmax normalizer) costs more than the model's decode on a small body.
 * Both read the array in place (no copy) and give the same answer on every CPU.
 */
@Internal
public final class LogitsRows {
    private LogitsRows() {}

    /** Fills {@code out} with the row's max, first argmax and log-sum-exp (see {@link RowSummary}). */
    public static void summarize(float[] row, RowSummary out) {
        LlamaLibrary.load();
        LlamaNative.rowSummarize(row, out.values);
    }

    /**
     * The indices of the {@code k} largest entries of {@code row}, largest first, ties to the lower
     * index, into {@code ids[0..count)}; returns the count: {@code k}, or fewer when the row is
     * shorter or (with {@code skipBanned}) has fewer entries above {@code -Infinity}. One pass
     * that skips whole blocks no better than the k-th best held so far: no sort of the row.
     */
    public static int topK(float[] row, int k, boolean skipBanned, int[] ids) {
        if (k < 0 || ids.length < k) {
            throw new IllegalArgumentException("ids must hold k (" + k + ") entries, holds " + ids.length);
        }
        LlamaLibrary.load();
        return LlamaNative.rowTopK(row, k, skipBanned, ids);
    }
}
