package dev.arbor.jobs.eval;

import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.run.Counters;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/** Scores each result ({@link EvalScorer}) and counts {@link Counters#SCORED} and {@link Counters#CORRECT}. */
public final class ScoreFunction extends RichMapFunction<SearchResult, EvalScore> {
    private static final long serialVersionUID = 1L;
    private final EvalScorer scorer;
    private transient LongCounter scored;
    private transient LongCounter correct;

    public ScoreFunction(EvalScorer scorer) {
        this.scorer = scorer;
    }

    @Override
    public void open(OpenContext openContext) {
        scored = Counters.counter(getRuntimeContext(), Counters.SCORED);
        correct = Counters.counter(getRuntimeContext(), Counters.CORRECT);
    }

    @Override
    public EvalScore map(SearchResult result) {
        EvalScore score = scorer.score(result);
        scored.add(1);
        if (score.correct) {
            correct.add(1);
        }
        return score;
    }
}
