package dev.arbor.search;

/**
 * A ranked completion in a {@link SearchResult}: the completion and the score it was ranked by
 * (beam search: the length-normalised log probability; best-of-n: the request's {@link Scorer}).
 */
public record Candidate(Completion completion, double score) {
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

    public FinishReason finishReason() {
        return completion.finishReason();
    }
}
