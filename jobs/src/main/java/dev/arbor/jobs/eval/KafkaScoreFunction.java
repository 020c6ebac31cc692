package dev.arbor.jobs.eval;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.records.RecordTags;

/**
 * Scores each result as the file job does ({@link CountingScoreFunction}) and keeps where it came from
 * (the message) beside the score.
 */
@Internal
public final class KafkaScoreFunction extends CountingScoreFunction<ScoredItem> {
    private static final long serialVersionUID = 1L;

    public KafkaScoreFunction(EvalScorer scorer) {
        super(scorer);
    }

    @Override
    public ScoredItem map(SearchResult result) {
        return ScoredItem.of(scoreAndCount(result), RecordTags.origin(result.getMetadata()));
    }
}
