package dev.arbor.jobs.kafka;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.io.AvroJson;
import dev.arbor.jobs.io.RejectedRecord;
import dev.arbor.jobs.records.RecordTags;

/**
 * What the shared kinds of output are on Kafka ({@link JsonRecordSerializer.Encoding}): their
 * key, headers and JSON value (eval's scores and aggregates: {@code EvalKafkaEncodings}). The
 * values are the JSON the file jobs write, line for line, so a reader of either reads the same
 * fields.
 */
@Internal
public final class KafkaEncodings {
    private KafkaEncodings() {}

    /**
     * A rejection as a dead letter ({@link DeadLetters}): key the item's id when it could be read,
     * headers the message it names.
     */
    public static JsonRecordSerializer.Encoding<RejectedRecord> deadLetters() {
        return new JsonRecordSerializer.Encoding<>(DeadLetters::id, rejected -> rejected.origin, DeadLetters::of);
    }

    /**
     * A generated result: key the record's id, value the result as the file job's JSONL (metadata
     * without Arbor's tags), headers its source when it came from Kafka.
     */
    public static JsonRecordSerializer.Encoding<SearchResult> results() {
        return new JsonRecordSerializer.Encoding<>(SearchResult::getId,
                result -> RecordTags.origin(result.getMetadata()), KafkaEncodings::withoutTags);
    }

    private static Object withoutTags(SearchResult result) {
        return AvroJson.toJson(SearchResult.newBuilder(result).setMetadata(RecordTags.strip(result.getMetadata()))
                .build());
    }
}
