package dev.arbor.search;

import java.util.Arrays;
import java.util.List;

/**
 * One path of generation as the search sees it: the tokens chosen so far, the model's logprob of
 * each, and their text. Copied when a path splits (a fork); immutable once it ends.
 */
final class Trajectory {
    private int[] tokens = new int[16];
    private float[] logprobs = new float[16];
    private int size;
    private double sumLogprob;
    private final GeneratedText text;

    Trajectory() {
        this.text = new GeneratedText();
    }

    private Trajectory(Trajectory other) {
        this.tokens = other.tokens.clone();
        this.logprobs = other.logprobs.clone();
        this.size = other.size;
        this.sumLogprob = other.sumLogprob;
        this.text = other.text.copy();
    }

    Trajectory copy() {
        return new Trajectory(this);
    }

    /**
     * Extends the path by one token.
     *
     * @return true when a stop string now matches
     */
    boolean append(int token, float logprob, byte[] piece, List<String> stops) {
        if (size == tokens.length) {
            tokens = Arrays.copyOf(tokens, size * 2);
            logprobs = Arrays.copyOf(logprobs, size * 2);
        }
        tokens[size] = token;
        logprobs[size] = logprob;
        size++;
        sumLogprob += logprob;
        return text.append(piece, stops);
    }

    int size() {
        return size;
    }

    /** Sum of the stored (float) logprobs, so it always equals {@link Completion#sumLogprob()}. */
    double sumLogprob() {
        return sumLogprob;
    }

    Completion complete(StopReason reason) {
        return complete(reason, null);
    }

    /** The finished sequence; {@code grammarComplete} as {@link Completion#grammarComplete()}. */
    Completion complete(StopReason reason, Boolean grammarComplete) {
        return new Completion(text.text(), Arrays.copyOf(tokens, size), Arrays.copyOf(logprobs, size), reason,
                grammarComplete);
    }
}
