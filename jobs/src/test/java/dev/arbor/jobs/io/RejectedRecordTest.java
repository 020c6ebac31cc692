package dev.arbor.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A rejection as a line of a {@code rejected/} file, byte for byte: the expected lines are what the
 * file jobs wrote before files and Kafka shared one rejection type, so readers of the files see no
 * change.
 */
class RejectedRecordTest {
    @Test
    void anInvalidRecordNamesItsFileAndLineAndCarriesItsText() throws Exception {
        assertThat(row(RejectedRecord.invalid(Origin.file("in/a.jsonl", 3), "q\"1", "unknown field 'x'",
                "{\"id\":\"q\\\"1\",\"x\":1} \u00e9"))).isEqualTo("{\"file\":\"in/a.jsonl\",\"line\":3,\"id\":\"q\\\"1\","
                        + "\"code\":\"INVALID_RECORD\",\"reason\":\"unknown field 'x'\",\"raw\":\"{\\\"id\\\":\\\"q\\\\\\\"1\\\","
                        + "\\\"x\\\":1} \u00e9\"}\n");
    }

    @Test
    void damagedInputHasNeitherIdNorText() throws Exception {
        assertThat(row(RejectedRecord.damaged(Origin.file("in/b.avro", 7), "bytes 10-20 cannot be read")))
                .isEqualTo("{\"file\":\"in/b.avro\",\"line\":7,\"id\":null,\"code\":\"DAMAGED_INPUT\",\"reason\":"
                        + "\"bytes 10-20 cannot be read\",\"raw\":null}\n");
    }

    @Test
    void aSearchErrorOfUnknownOriginHasNoFileAndLineZero() throws Exception {
        assertThat(row(RejectedRecord.of(null, "q2", "TIMEOUT", "no result", null)))
                .isEqualTo("{\"file\":null,\"line\":0,\"id\":\"q2\",\"code\":\"TIMEOUT\",\"reason\":\"no result\","
                        + "\"raw\":null}\n");
    }

    @Test
    void aReadersRejectionKeepsWhatItRead() {
        InputRecord line = InputRecord.ofText(Origin.file("in/a.jsonl", 4), "{\"id\": \"\uFFFD\"}", "not valid UTF-8");
        RejectedRecord rejected = RejectedRecord.byReader(line, "id");
        assertThat(rejected).isEqualTo(RejectedRecord.invalid(Origin.file("in/a.jsonl", 4), "id", "not valid UTF-8",
                "{\"id\": \"\uFFFD\"}"));
        InputRecord message = InputRecord.unreadable(Origin.message("t", 0, 1), RejectedRecord.NOT_UTF8, "bad",
                new byte[] {(byte) 0xFF}, 1);
        RejectedRecord letter = RejectedRecord.byReader(message, null);
        assertThat(letter.bytes).containsExactly((byte) 0xFF);
        assertThat(letter.size).isEqualTo(1);
        assertThat(letter.raw).isNull();
        assertThat(letter.code).isEqualTo(RejectedRecord.NOT_UTF8);
    }

    private static String row(RejectedRecord rejected) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonLines.encoder(RejectedRecord::fileRow).encode(rejected, out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
