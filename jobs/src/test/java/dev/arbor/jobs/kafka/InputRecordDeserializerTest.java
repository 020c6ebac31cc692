package dev.arbor.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.jobs.io.InputRecord;
import dev.arbor.jobs.io.Origin;
import dev.arbor.jobs.io.RejectedRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Every message becomes one input record with its origin; nothing a producer sends makes the reader throw. */
class InputRecordDeserializerTest {
    private final InputRecordDeserializer reader = new InputRecordDeserializer(16);

    @Test
    void aUtf8MessageIsTextAsSent() throws Exception {
        List<InputRecord> out = new ArrayList<>();
        reader.deserialize(new ConsumerRecord<>("items", 2, 9, null, "\uFEFF{\"id\": 1}".getBytes(StandardCharsets.UTF_8)),
                collector(out));
        assertThat(out).containsExactly(InputRecord.ofText(Origin.message("items", 2, 9), "\uFEFF{\"id\": 1}", null));
    }

    @Test
    void whatCannotBeAnItemSaysWhyAndKeepsWhatItsDeadLetterNeeds() {
        Origin origin = Origin.message("items", 0, 1);
        InputRecord tombstone = reader.read(origin, null);
        assertThat(tombstone.code).isEqualTo(RejectedRecord.EMPTY);
        assertThat(tombstone.size).isEqualTo(-1);
        InputRecord large = reader.read(origin, new byte[5000]);
        assertThat(large.code).isEqualTo(RejectedRecord.TOO_LARGE);
        assertThat(large.problem).isEqualTo("the message is 5000 bytes, more than kafka.max-message-bytes (16)");
        assertThat(large.bytes).hasSize(InputRecordDeserializer.PREVIEW_BYTES);
        assertThat(large.size).isEqualTo(5000);
        InputRecord binary = reader.read(origin, new byte[] {(byte) 0xFF});
        assertThat(binary.code).isEqualTo(RejectedRecord.NOT_UTF8);
        assertThat(binary.problem).startsWith("the message is not UTF-8 text: invalid UTF-8 at byte 0");
        assertThat(binary.text).isNull();
    }

    private static Collector<InputRecord> collector(List<InputRecord> out) {
        return new Collector<>() {
            @Override
            public void collect(InputRecord record) {
                out.add(record);
            }

            @Override
            public void close() {}
        };
    }
}
