package dev.arbor.jobs.eval;

import dev.arbor.annotation.PublicApi;
import dev.arbor.flink.records.Candidate;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.config.JobOptions.Metric;
import dev.arbor.jobs.io.AvroJson;
import dev.arbor.jobs.records.RecordTags;
import java.io.Serializable;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Scores a search result against its item's reference: exact match (both trimmed), contains (the
 * trimmed reference occurs in the generated text), a regex found in the generated text (the item's,
 * else {@code eval.regex}), and the reference log-likelihood / perplexity computed by the operator.
 * Pure and serializable; the reference and regex travel in the result's metadata ({@link RecordTags}).
 */
@PublicApi
public final class EvalScorer implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Metric metric;
    private final String defaultRegex;

    /** @param defaultRegex regex for items without one; null for none */
    public EvalScorer(Metric metric, String defaultRegex) {
        this.metric = metric;
        this.defaultRegex = defaultRegex;
    }

    /** The scores of {@code result}, which must have a winner. */
    public EvalScore score(SearchResult result) {
        Map<String, String> metadata = result.getMetadata();
        Candidate winner = result.getWinner();
        String generated = winner.getText();
        String reference = metadata.getOrDefault(RecordTags.REFERENCE, "");
        String regex = metadata.getOrDefault(RecordTags.REGEX, defaultRegex);

        EvalScore score = new EvalScore();
        score.id = result.getId();
        score.prompt = result.getPrompt();
        score.reference = reference;
        score.generated = generated;
        score.exactMatch = generated.trim().equals(reference.trim());
        score.contains = generated.contains(reference.trim());
        score.regexMatch = regex == null ? null : Pattern.compile(regex).matcher(generated).find();
        score.correct = switch (metric) {
            case EXACT -> score.exactMatch;
            case CONTAINS -> score.contains;
            case REGEX -> Boolean.TRUE.equals(score.regexMatch);
        };
        score.score = winner.getScore();
        score.sumLogprob = winner.getSumLogprob();
        score.referenceLogprob = result.getReferenceLogprob();
        score.referencePerplexity = result.getReferencePerplexity();
        score.generatedTokens = result.getStats() == null ? 0 : result.getStats().getGeneratedTokens();
        score.runMs = result.getStats() == null ? 0 : result.getStats().getRunMs();
        score.metadata = AvroJson.withNullKeys(RecordTags.strip(metadata), result.getNullMetadataKeys());
        return score;
    }
}
