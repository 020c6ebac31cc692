package dev.arbor.jobs.eval;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.SearchResult;

/** Scores each result ({@link EvalScorer}), counting them: the file job's scores. */
@Internal
public final class ScoreFunction extends CountingScoreFunction<EvalScore> {
    private static final long serialVersionUID = 1L;

    public ScoreFunction(EvalScorer scorer) {
        super(scorer);
    }

    @Override
    public EvalScore map(SearchResult result) {
        return scoreAndCount(result);
    }
}
