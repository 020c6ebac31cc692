package dev.arbor.jobs.eval;

import dev.arbor.annotation.Internal;
import dev.arbor.jobs.kafka.JsonRecordSerializer;

/**
 * What eval's outputs are on Kafka ({@link JsonRecordSerializer.Encoding}): their key, headers and
 * JSON value, the JSON the file job writes line for line.
 */
@Internal
public final class EvalKafkaEncodings {
    private EvalKafkaEncodings() {}

    /** A score: key the item's id, value the {@code EvalScore} JSON, headers its origin. */
    public static JsonRecordSerializer.Encoding<ScoredItem> scores() {
        return new JsonRecordSerializer.Encoding<>(item -> item.score.id, item -> item.origin, item -> item.score);
    }

    /** A window's aggregate: key the window's start, no source. */
    public static JsonRecordSerializer.Encoding<EvalAggregate> aggregates() {
        return new JsonRecordSerializer.Encoding<>(aggregate -> aggregate.windowStart, aggregate -> null,
                aggregate -> aggregate);
    }
}
