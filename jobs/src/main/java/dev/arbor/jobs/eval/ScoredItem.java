package dev.arbor.jobs.eval;

import dev.arbor.annotation.Internal;
import dev.arbor.jobs.io.Origin;

/**
 * One item's scores and where it came from: the score is the record's value (the same JSON as a line
 * of the file job's scores), the origin goes into its headers. A Flink POJO.
 */
@Internal
public class ScoredItem {
    public EvalScore score;
    /** Where the item came from; null when unknown. */
    public Origin origin;

    public ScoredItem() {}

    public static ScoredItem of(EvalScore score, Origin origin) {
        ScoredItem item = new ScoredItem();
        item.score = score;
        item.origin = origin;
        return item;
    }

    @Override
    public String toString() {
        return score + " from " + origin;
    }
}
