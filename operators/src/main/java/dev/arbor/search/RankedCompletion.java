package dev.arbor.search;

/**
 * A ranked completion in a {@link SearchOutcome}: the completion and the score it was ranked by
 * (beam search: the length-normalised log probability; best-of-n: the request's {@link Scorer}).
 */
@dev.arbor.annotation.PublicApi
public record RankedCompletion(Completion completion, double score) {
    public String text() {
        return completion.text();
    }

    public int[] tokens() {
        return completion.tokens();
    }

    public float[] tokenLogprobs() {
        return completion.tokenLogprobs();
    }

    public double sumLogprob() {
        return completion.sumLogprob();
    }

    public StopReason finishReason() {
        return completion.finishReason();
    }
}
