package dev.arbor.jobs.eval;

import dev.arbor.jobs.kafka.SourceRef;

/**
 * One item's scores and the message it came from: the score is the record's value (the same JSON
 * as a line of the file job's scores), the source goes into its headers. A Flink POJO.
 */
public class ScoredItem {
    public EvalScore score;
    /** Null only for items that did not come from Kafka. */
    public SourceRef source;

    public ScoredItem() {}

    public static ScoredItem of(EvalScore score, SourceRef source) {
        ScoredItem item = new ScoredItem();
        item.score = score;
        item.source = source;
        return item;
    }

    @Override
    public String toString() {
        return score + " from " + source;
    }
}
