package dev.arbor.jobs.eval;

import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.kafka.SourceRef;
import dev.arbor.jobs.run.Counters;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Scores each result with the file job's {@link EvalScorer} (whose scores hold no {@code arbor.}
 * tags) and keeps the message it came from beside the score. Counts {@link Counters#SCORED} and
 * {@link Counters#CORRECT}, as the file job does.
 */
public final class KafkaScoreFunction extends RichMapFunction<SearchResult, ScoredItem> {
    private static final long serialVersionUID = 1L;
    private final EvalScorer scorer;
    private transient LongCounter scored;
    private transient LongCounter correct;

    public KafkaScoreFunction(EvalScorer scorer) {
        this.scorer = scorer;
    }

    @Override
    public void open(OpenContext openContext) {
        scored = Counters.counter(getRuntimeContext(), Counters.SCORED);
        correct = Counters.counter(getRuntimeContext(), Counters.CORRECT);
    }

    @Override
    public ScoredItem map(SearchResult result) {
        EvalScore score = scorer.score(result);
        scored.add(1);
        if (score.correct) {
            correct.add(1);
        }
        return ScoredItem.of(score, SourceRef.from(result.getMetadata()));
    }
}
