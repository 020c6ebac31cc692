package dev.arbor.jobs.eval;

import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.run.Counters;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Scores each result ({@link EvalScorer}) and counts {@link Counters#SCORED} and {@link Counters#CORRECT};
 * what it emits with the score is the subclass's ({@link ScoreFunction}: the score alone,
 * {@link KafkaScoreFunction}: the score and the message it came from).
 */
abstract class CountingScoreFunction<T> extends RichMapFunction<SearchResult, T> {
    private static final long serialVersionUID = 1L;
    private final EvalScorer scorer;
    private transient LongCounter scored;
    private transient LongCounter correct;

    CountingScoreFunction(EvalScorer scorer) {
        this.scorer = scorer;
    }

    @Override
    public void open(OpenContext openContext) {
        scored = Counters.counter(getRuntimeContext(), Counters.SCORED);
        correct = Counters.counter(getRuntimeContext(), Counters.CORRECT);
    }

    /** The result's score, counted. */
    final EvalScore scoreAndCount(SearchResult result) {
        EvalScore score = scorer.score(result);
        scored.add(1);
        if (score.correct) {
            correct.add(1);
        }
        return score;
    }
}
