package dev.arbor.llama;

import java.util.Arrays;

/**
 * The tokens one grammar state allows next, as a bit per token: what llama.cpp's grammar sampler
 * decides for the whole vocabulary, kept so that every branch in the same state (and every later
 * visit of it) gets it without asking llama.cpp again. Immutable once made; shared across threads.
 *
 * <p>Applying it to a row costs a pass over the words of the bit set plus one write per banned
 * token; the row's summary afterwards is computed over the allowed tokens only when they are few.
 */
final class TokenMask {
    /** Below this many allowed tokens the masked row is summarized from them alone, in Java. */
    private static final int FEW = 4096;

    private final long[] allowedBits;
    private final int allowed;
    private final int nVocab;

    TokenMask(long[] allowedBits, int allowed, int nVocab) {
        this.allowedBits = allowedBits;
        this.allowed = allowed;
        this.nVocab = nVocab;
    }

    /** Words of a bit set over {@code nVocab} tokens. */
    static long[] newBits(int nVocab) {
        return new long[(nVocab + 63) >>> 6];
    }

    int allowedCount() {
        return allowed;
    }

    boolean allows(int token) {
        return (allowedBits[token >>> 6] & (1L << token)) != 0;
    }

    /** Bytes this mask holds, for the cache's budget. */
    long bytes() {
        return 16L + 8L * allowedBits.length;
    }

    /** Sets every banned token's logit to -inf; returns the number of allowed tokens. */
    int applyTo(float[] row) {
        if (allowed <= FEW) {
            // Few allowed: clear the row and put their logits back.
            float[] kept = new float[allowed];
            int k = 0;
            for (int w = 0; w < allowedBits.length; w++) {
                for (long bits = allowedBits[w]; bits != 0; bits &= bits - 1) {
                    kept[k++] = row[(w << 6) + Long.numberOfTrailingZeros(bits)];
                }
            }
            Arrays.fill(row, 0, nVocab, Float.NEGATIVE_INFINITY);
            k = 0;
            for (int w = 0; w < allowedBits.length; w++) {
                for (long bits = allowedBits[w]; bits != 0; bits &= bits - 1) {
                    row[(w << 6) + Long.numberOfTrailingZeros(bits)] = kept[k++];
                }
            }
            return allowed;
        }
        for (int w = 0; w < allowedBits.length; w++) {
            long banned = ~allowedBits[w];
            if (w == allowedBits.length - 1 && (nVocab & 63) != 0) {
                banned &= (1L << (nVocab & 63)) - 1; // no tokens past the vocabulary
            }
            for (; banned != 0; banned &= banned - 1) {
                row[(w << 6) + Long.numberOfTrailingZeros(banned)] = Float.NEGATIVE_INFINITY;
            }
        }
        return allowed;
    }

    /**
     * Summarizes a row this mask was applied to: from the allowed tokens alone (double precision)
     * when they are few, else with the native pass over the whole row.
     */
    void summarize(float[] row, RowSummary summary) {
        if (allowed > FEW) {
            LogitsRows.summarize(row, summary);
            return;
        }
        float max = Float.NEGATIVE_INFINITY;
        int argmax = 0;
        for (int w = 0; w < allowedBits.length; w++) {
            for (long bits = allowedBits[w]; bits != 0; bits &= bits - 1) {
                int token = (w << 6) + Long.numberOfTrailingZeros(bits);
                if (row[token] > max) {
                    max = row[token];
                    argmax = token;
                }
            }
        }
        double sum = 0;
        for (int w = 0; w < allowedBits.length && max != Float.NEGATIVE_INFINITY; w++) {
            for (long bits = allowedBits[w]; bits != 0; bits &= bits - 1) {
                sum += Math.exp(row[(w << 6) + Long.numberOfTrailingZeros(bits)] - max);
            }
        }
        summary.values[0] = max;
        summary.values[1] = max == Float.NEGATIVE_INFINITY ? 0 : argmax;
        summary.values[2] = max == Float.NEGATIVE_INFINITY ? Double.NEGATIVE_INFINITY : max + Math.log(sum);
    }
}
