package dev.arbor.llama.gguf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Extends a byte-level BPE vocabulary to a real model's size with made-up merges, so that the
 * per-token cost of sampling, ranking and grammars can be measured at 128k-262k tokens without a
 * real tokenizer.
 *
 * <p>Each made-up merge joins two tokens of ordinary text (whole printable UTF-8 characters) of at
 * most {@link #MAX_PART_BYTES} bytes that are already in the vocabulary, the right one without a
 * leading space (as a pre-tokenized word would have it), into a new token. Pairs are drawn from a
 * fixed SplitMix64 sequence, so the same starting vocabulary and target size always give the same
 * merges in the same order; a pair whose result is already a token is skipped.
 */
final class MadeUpMerges {
    /** The longest token a made-up merge joins, in bytes, so that made-up tokens stay word-sized. */
    static final int MAX_PART_BYTES = 6;
    private static final long SEED = 0x5EED_70C3_A6B1_E5L;

    private MadeUpMerges() {
    }

    /**
     * Appends made-up merges to {@code merges} and their results to {@code tokens} (indexed by
     * {@code ids}) until {@code tokens} holds {@code size} tokens.
     *
     * @param isText whether a token string is ordinary text (only such tokens are joined)
     */
    static void extend(List<String> tokens, Map<String, Integer> ids, List<String> merges, int size,
            java.util.function.Predicate<String> isText) {
        String space = ByteLevelAlphabet.symbol(' ');
        List<String> parts = new ArrayList<>();
        for (String token : tokens) {
            if (isText.test(token) && bytes(token) <= MAX_PART_BYTES) {
                parts.add(token);
            }
        }
        long state = SEED;
        int misses = 0;
        while (tokens.size() < size) {
            state += 0x9E37_79B9_7F4A_7C15L;
            long draw = SeededGaussian.mix64(state);
            String left = parts.get((int) Long.remainderUnsigned(draw, parts.size()));
            String right = parts.get((int) Long.remainderUnsigned(draw >>> 32, parts.size()));
            String joined = left + right;
            if (right.startsWith(space) || ids.containsKey(joined)) {
                if (++misses > 1_000 * size) {
                    throw new IllegalStateException("cannot make up " + size + " distinct tokens");
                }
                continue;
            }
            ids.put(joined, tokens.size());
            tokens.add(joined);
            merges.add(left + " " + right);
            if (bytes(joined) <= MAX_PART_BYTES) {
                parts.add(joined);
            }
        }
    }

    /** Bytes a token string stands for: one code point of the byte-level alphabet per byte. */
    private static int bytes(String token) {
        return token.codePointCount(0, token.length());
    }
}
