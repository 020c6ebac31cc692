package dev.arbor.jobs.eval;

import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.kafka.SourceRef;

/**
 * Scores each result as the file job does ({@link CountingScoreFunction}) and keeps the message it came
 * from beside the score.
 */
public final class KafkaScoreFunction extends CountingScoreFunction<ScoredItem> {
    private static final long serialVersionUID = 1L;

    public KafkaScoreFunction(EvalScorer scorer) {
        super(scorer);
    }

    @Override
    public ScoredItem map(SearchResult result) {
        return ScoredItem.of(scoreAndCount(result), SourceRef.from(result.getMetadata()));
    }
}
