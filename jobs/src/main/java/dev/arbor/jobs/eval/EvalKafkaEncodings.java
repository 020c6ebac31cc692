package dev.arbor.jobs.eval;

import dev.arbor.jobs.kafka.JsonRecordSerializer;
import dev.arbor.jobs.kafka.SourceRef;

/**
 * What eval's outputs are on Kafka ({@link JsonRecordSerializer.Encoding}): their key, headers and
 * JSON value, the JSON the file job writes line for line.
 */
public final class EvalKafkaEncodings {
    private EvalKafkaEncodings() {}

    /** A score: key the item's id, value the {@code EvalScore} JSON, headers its source. */
    public static JsonRecordSerializer.Encoding<ScoredItem> scores() {
        return new JsonRecordSerializer.Encoding<>() {
            private static final long serialVersionUID = 1L;

            @Override
            public String id(ScoredItem item) {
                return item.score.id;
            }

            @Override
            public SourceRef source(ScoredItem item) {
                return item.source;
            }

            @Override
            public Object json(ScoredItem item) {
                return item.score;
            }
        };
    }

    /** A window's aggregate: key the window's start, no source. */
    public static JsonRecordSerializer.Encoding<EvalAggregate> aggregates() {
        return new JsonRecordSerializer.Encoding<>() {
            private static final long serialVersionUID = 1L;

            @Override
            public String id(EvalAggregate aggregate) {
                return aggregate.windowStart;
            }

            @Override
            public SourceRef source(EvalAggregate aggregate) {
                return null;
            }

            @Override
            public Object json(EvalAggregate aggregate) {
                return aggregate;
            }
        };
    }
}
