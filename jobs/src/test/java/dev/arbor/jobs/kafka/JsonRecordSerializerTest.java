package dev.arbor.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.jobs.eval.EvalKafkaEncodings;
import dev.arbor.jobs.eval.EvalScore;
import dev.arbor.jobs.eval.ScoredItem;
import dev.arbor.jobs.io.JsonLines;
import dev.arbor.jobs.io.Origin;
import dev.arbor.jobs.io.RejectedRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * What goes on the wire: key, headers and JSON value of a score, and a small dead letter in place
 * of a record too large for Kafka (which would otherwise fail the sink after every restart).
 */
class JsonRecordSerializerTest {
    private final JsonRecordSerializer<ScoredItem> serializer =
            new JsonRecordSerializer<>("scores", "dead-letters", EvalKafkaEncodings.scores());

    @Test
    void aScoreIsKeyedByItsIdWithItsSourceInTheHeaders() throws Exception {
        ProducerRecord<byte[], byte[]> record = serializer.serialize(item("q1", "Paris"), null, null);
        assertThat(record.topic()).isEqualTo("scores");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("q1");
        assertThat(header(record, JsonRecordSerializer.ID_HEADER)).isEqualTo("q1");
        assertThat(header(record, JsonRecordSerializer.TOPIC_HEADER)).isEqualTo("items");
        assertThat(header(record, JsonRecordSerializer.PARTITION_HEADER)).isEqualTo("3");
        assertThat(header(record, JsonRecordSerializer.OFFSET_HEADER)).isEqualTo("41");
        JsonNode value = JsonLines.MAPPER.readTree(record.value());
        assertThat(value.get("id").asText()).isEqualTo("q1");
        assertThat(value.get("generated").asText()).isEqualTo("Paris");
        assertThat(value.has("source")).as("the source is in the headers, not the score").isFalse();
    }

    @Test
    void aRecordTooLargeForKafkaBecomesADeadLetterThatNamesItsMessage() throws Exception {
        ProducerRecord<byte[], byte[]> record = serializer.serialize(item("big", "x".repeat(1_200_000)), null, null);
        assertThat(record.topic()).isEqualTo("dead-letters");
        assertThat(record.value().length).isLessThan(JsonRecordSerializer.RECORD_LIMIT / 10);
        JsonNode letter = JsonLines.MAPPER.readTree(record.value());
        assertThat(letter.get("code").asText()).isEqualTo(RejectedRecord.OUTPUT_TOO_LARGE);
        assertThat(letter.get("id").asText()).isEqualTo("big");
        assertThat(letter.get("offset").asLong()).isEqualTo(41);
        assertThat(letter.get("reason").asText()).contains("for scores").contains("more than Kafka's limit");
    }

    @Test
    void aDeadLetterKeepsAtMostItsLimitOfTheMessage() {
        RejectedRecord rejected = RejectedRecord.of(Origin.message("items", 0, 0), null, RejectedRecord.TOO_LARGE,
                "too large", null);
        rejected.bytes = new byte[DeadLetters.RAW_LIMIT * 2];
        rejected.size = rejected.bytes.length;
        JsonNode letter = DeadLetters.of(rejected);
        assertThat(letter.get("truncated").asBoolean()).isTrue();
        assertThat(letter.get("text").asText()).hasSize(DeadLetters.RAW_LIMIT); // zero bytes are UTF-8 text
        assertThat(letter.get("size").asInt()).isEqualTo(DeadLetters.RAW_LIMIT * 2);
    }

    private static ScoredItem item(String id, String generated) {
        EvalScore score = new EvalScore();
        score.id = id;
        score.generated = generated;
        score.metadata = Map.of();
        return ScoredItem.of(score, Origin.message("items", 3, 41));
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
