package dev.arbor.kv;

import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable additive bias on some token logits; {@code Float.NEGATIVE_INFINITY} bans a token.
 * Kept as parallel arrays sorted by token, so applying it costs one pass over its entries.
 */
final class LogitBias {
    static final LogitBias NONE = new LogitBias(new int[0], new float[0]);

    private final int[] tokens;
    private final float[] values;

    private LogitBias(int[] tokens, float[] values) {
        this.tokens = tokens;
        this.values = values;
    }

    /** Validates tokens against the vocab and values (finite or negative infinity). */
    static LogitBias of(Map<Integer, Float> bias, int nVocab) {
        if (bias == null || bias.isEmpty()) {
            return NONE;
        }
        TreeMap<Integer, Float> sorted = new TreeMap<>(bias);
        int[] tokens = new int[sorted.size()];
        float[] values = new float[sorted.size()];
        int i = 0;
        for (Map.Entry<Integer, Float> entry : sorted.entrySet()) {
            int token = entry.getKey();
            float value = entry.getValue();
            if (token < 0 || token >= nVocab) {
                throw new IllegalArgumentException("bias token " + token + " is outside the vocab [0, " + nVocab + ")");
            }
            if (Float.isNaN(value) || value == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("bias of token " + token + " must be finite or -Infinity, was "
                        + value);
            }
            tokens[i] = token;
            values[i] = value;
            i++;
        }
        return new LogitBias(tokens, values);
    }

    /** Whether applying it changes nothing (no entries). */
    boolean isEmpty() {
        return tokens.length == 0;
    }

    void applyTo(float[] logits) {
        for (int i = 0; i < tokens.length; i++) {
            logits[tokens[i]] += values[i];
        }
    }
}
