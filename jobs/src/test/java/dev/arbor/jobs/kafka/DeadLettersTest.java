package dev.arbor.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.jobs.io.InputRecord;
import dev.arbor.jobs.io.JsonLines;
import dev.arbor.jobs.io.Origin;
import dev.arbor.jobs.io.RejectedRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * A rejection on the dead-letter topic, byte for byte: the expected values are what the jobs wrote
 * before files and Kafka shared one rejection type (a dead letter was a class of its own then), so
 * readers of the topic see no change. Large letters are compared by their SHA-256.
 */
class DeadLettersTest {
    private static final Origin MESSAGE = Origin.message("items", 2, 9);
    private final InputRecordDeserializer reader = new InputRecordDeserializer(2000);

    @Test
    void aTombstone() throws Exception {
        assertThat(letter(reader.read(MESSAGE, null))).isEqualTo("key=null json={\"code\":\"EMPTY_MESSAGE\",\"reason\":"
                + "\"the message has no value (a tombstone)\",\"id\":null,\"topic\":\"items\",\"partition\":2,"
                + "\"offset\":9,\"size\":-1,\"text\":null,\"base64\":null,\"truncated\":false}");
    }

    @Test
    void aMessageTooLargeKeepsItsFirstBytesAsBase64WhenTheCutSplitsACharacter() throws Exception {
        byte[] value = new byte[5000];
        Arrays.fill(value, (byte) 'a');
        value[1023] = (byte) 0xC3;
        value[1024] = (byte) 0xA9;
        assertThat(letter(reader.read(MESSAGE, value))).isEqualTo("key=null json="
                + "sha256:abf1ffc7fb7566a5d0d834acc8499537aedcf056035428d79c4bdeb6c68510b0 len 1571");
    }

    @Test
    void aMessageTooLargeKeepsItsFirstBytesAsText() throws Exception {
        RejectedRecord rejected = RejectedRecord.of(MESSAGE, null, RejectedRecord.TOO_LARGE, "too large", null);
        rejected.bytes = "{\"id\": \"huge\", \"prompt\": \"xxxxxxxx".getBytes(StandardCharsets.UTF_8);
        rejected.size = 5000;
        assertThat(letter(rejected)).isEqualTo("key=null json={\"code\":\"TOO_LARGE\",\"reason\":\"too large\","
                + "\"id\":null,\"topic\":\"items\",\"partition\":2,\"offset\":9,\"size\":5000,\"text\":"
                + "\"{\\\"id\\\": \\\"huge\\\", \\\"prompt\\\": \\\"xxxxxxxx\",\"base64\":null,\"truncated\":true}");
    }

    @Test
    void aMessageThatIsNotUtf8() throws Exception {
        assertThat(letter(reader.read(MESSAGE, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'})))
                .isEqualTo("key=null json={\"code\":\"NOT_UTF8\",\"reason\":\"the message is not UTF-8 text: invalid "
                        + "UTF-8 at byte 1 (1 byte)\",\"id\":null,\"topic\":\"items\",\"partition\":2,\"offset\":9,"
                        + "\"size\":4,\"text\":null,\"base64\":\"e8MofQ==\",\"truncated\":false}");
    }

    @Test
    void anInvalidMessageKeepsItsByteOrderMark() throws Exception {
        InputRecord record = reader.read(MESSAGE, "\uFEFF{\"id\": \"x\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(letter(RejectedRecord.invalid(record.origin, "x", "missing field 'prompt'", record.text)))
                .isEqualTo("key=x json={\"code\":\"INVALID_RECORD\",\"reason\":\"missing field 'prompt'\",\"id\":\"x\","
                        + "\"topic\":\"items\",\"partition\":2,\"offset\":9,\"size\":14,\"text\":\"\uFEFF{\\\"id\\\": "
                        + "\\\"x\\\"}\",\"base64\":null,\"truncated\":false}");
    }

    @Test
    void aLongMessageIsCutToItsLimit() throws Exception {
        String text = "b".repeat(70000);
        assertThat(letter(RejectedRecord.invalid(MESSAGE, null, "malformed JSON", text))).isEqualTo("key=null json="
                + "sha256:4b5613c456736c66a0d4365f0f67e7f1ee443dd6b66796aa692520889e004a79 len 65692");
    }

    @Test
    void aSearchErrorBoundsItsReasonAndIdAndCutsItsTextInsideACharacterToBase64() throws Exception {
        RejectedRecord rejected = RejectedRecord.of(Origin.message("items", 0, 12), "i".repeat(1200), "TIMEOUT",
                "r".repeat(2500), "a" + "\u00e9".repeat(40000));
        assertThat(DeadLetters.id(rejected)).isEqualTo("i".repeat(1000) + "...");
        assertThat(json(rejected)).isEqualTo("sha256:717eb991c6d097039ad766483c5d04a99fc79a531e1871a9927ba214cd2bfc45 "
                + "len 90524");
    }

    @Test
    void aSearchErrorCarriesItsMessage() throws Exception {
        assertThat(letter(RejectedRecord.of(Origin.message("items", 1, 5), "q7", "FAILED", "boom", "{\"id\": \"q7\"}")))
                .isEqualTo("key=q7 json={\"code\":\"FAILED\",\"reason\":\"boom\",\"id\":\"q7\",\"topic\":\"items\","
                        + "\"partition\":1,\"offset\":5,\"size\":12,\"text\":\"{\\\"id\\\": \\\"q7\\\"}\",\"base64\":null,"
                        + "\"truncated\":false}");
        assertThat(letter(RejectedRecord.of(Origin.message("items", 1, 6), null, "FAILED", "boom", null)))
                .isEqualTo("key=null json={\"code\":\"FAILED\",\"reason\":\"boom\",\"id\":null,\"topic\":\"items\","
                        + "\"partition\":1,\"offset\":6,\"size\":-1,\"text\":null,\"base64\":null,\"truncated\":false}");
    }

    @Test
    void anOutputTooLargeOfAnItemOfUnknownOriginNamesNoMessage() throws Exception {
        RejectedRecord rejected = RejectedRecord.of(null, "big", RejectedRecord.OUTPUT_TOO_LARGE,
                "its record for scores would be 2000000 bytes", null);
        String expected = "key=big json={\"code\":\"OUTPUT_TOO_LARGE\",\"reason\":\"its record for scores would be "
                + "2000000 bytes\",\"id\":\"big\",\"topic\":null,\"partition\":-1,\"offset\":-1,\"size\":-1,\"text\":null,"
                + "\"base64\":null,\"truncated\":false}";
        assertThat(letter(rejected)).isEqualTo(expected);
        rejected.origin = Origin.file("in/a.jsonl", 3);
        assertThat(letter(rejected)).as("a dead letter names messages only").isEqualTo(expected);
    }

    private static String letter(InputRecord record) throws Exception {
        return letter(RejectedRecord.byReader(record, null));
    }

    private static String letter(RejectedRecord rejected) throws Exception {
        return "key=" + DeadLetters.id(rejected) + " json=" + json(rejected);
    }

    private static String json(RejectedRecord rejected) throws Exception {
        byte[] bytes = JsonLines.MAPPER.writeValueAsBytes(DeadLetters.of(rejected));
        if (bytes.length < 400) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)) + " len "
                + bytes.length;
    }
}
