package dev.arbor.jobs.records;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.flink.records.PromptRequest;
import dev.arbor.jobs.io.InputRecord;
import dev.arbor.jobs.io.Origin;
import dev.arbor.jobs.io.RejectedRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The one gate of every source: a record from a file or a topic becomes a request tagged with its
 * origin and raw text, or exactly one rejection that names its origin, whatever the record holds.
 */
class RequestAdmissionTest {
    private static final Origin LINE = Origin.file("/in/a.jsonl", 3);
    private static final Origin MESSAGE = Origin.message("items", 1, 41);

    private final List<PromptRequest> accepted = new ArrayList<>();
    private final List<RejectedRecord> rejected = new ArrayList<>();

    private void admit(PromptLineParser.Mode mode, InputRecord record) {
        new RequestAdmission(mode).admit(record, accepted::add, rejected::add);
        assertThat(accepted.size() + rejected.size()).as("exactly one way out").isEqualTo(1);
    }

    @Test
    void aLineBecomesARequestTaggedWithItsFileLineAndText() {
        String line = "{\"id\": \"q1\", \"prompt\": \"2+2=\", \"metadata\": {\"topic\": \"math\"}}";
        admit(PromptLineParser.Mode.GENERATE, InputRecord.ofText(LINE, line, null));
        PromptRequest request = accepted.get(0);
        assertThat(request.getId()).isEqualTo("q1");
        assertThat(request.getMetadata()).containsExactlyInAnyOrderEntriesOf(Map.of("topic", "math",
                RecordTags.FILE, "/in/a.jsonl", RecordTags.LINE, "3", RecordTags.RAW, line));
        assertThat(RecordTags.origin(request.getMetadata())).isEqualTo(LINE);
    }

    @Test
    void aMessageBecomesARequestTaggedWithItsTopicPartitionAndOffset() {
        String text = "{\"id\": \"q1\", \"prompt\": \"x\", \"reference\": \"y\"}";
        admit(PromptLineParser.Mode.EVAL, InputRecord.ofText(MESSAGE, text, null));
        Map<String, String> metadata = accepted.get(0).getMetadata();
        assertThat(metadata).containsEntry(RecordTags.TOPIC, "items").containsEntry(RecordTags.PARTITION, "1")
                .containsEntry(RecordTags.OFFSET, "41").containsEntry(RecordTags.RAW, text)
                .containsEntry(RecordTags.REFERENCE, "y").doesNotContainKeys(RecordTags.FILE, RecordTags.LINE);
        assertThat(RecordTags.origin(metadata)).isEqualTo(MESSAGE);
    }

    @Test
    void aMessageMayStartWithAByteOrderMarkWhichItsRejectionKeeps() {
        admit(PromptLineParser.Mode.EVAL, InputRecord.ofText(MESSAGE, "\uFEFF{\"id\": \"bom\", \"prompt\": \"x\", "
                + "\"reference\": \"y\"}", null));
        assertThat(accepted.get(0).getId()).isEqualTo("bom");
        accepted.clear();
        admit(PromptLineParser.Mode.EVAL, InputRecord.ofText(MESSAGE, "\uFEFF{\"id\": \"bom\"}", null));
        assertThat(rejected.get(0).raw).isEqualTo("\uFEFF{\"id\": \"bom\"}");
        assertThat(rejected.get(0).id).isEqualTo("bom");
    }

    @Test
    void aLineInsideAFileIsNotAllowedAByteOrderMark() {
        admit(PromptLineParser.Mode.GENERATE, InputRecord.ofText(LINE, "\uFEFF{\"id\": \"q\", \"prompt\": \"x\"}", null));
        assertThat(rejected.get(0).code).isEqualTo(RejectedRecord.INVALID);
    }

    @Test
    void anInvalidRecordIsRejectedWithItsOriginIdReasonAndText() {
        String line = "{\"id\": \"q2\", \"prompt\": \"x\", \"colour\": 1}";
        admit(PromptLineParser.Mode.GENERATE, InputRecord.ofText(LINE, line, null));
        assertThat(rejected).containsExactly(RejectedRecord.invalid(LINE, "q2", "unknown field 'colour'", line));
    }

    @Test
    void whatAReaderRejectedKeepsTheReadersCodeAndTheIdItCanStillRead() {
        admit(PromptLineParser.Mode.GENERATE, InputRecord.ofText(LINE, "{\"id\": \"q3\", \"prompt\": \"\uFFFD\"}",
                "not valid UTF-8"));
        assertThat(rejected.get(0)).isEqualTo(RejectedRecord.invalid(LINE, "q3", "not valid UTF-8",
                "{\"id\": \"q3\", \"prompt\": \"\uFFFD\"}"));
        rejected.clear();
        admit(PromptLineParser.Mode.GENERATE, InputRecord.lost(Origin.file("/in/b.avro", 2), "bytes 9-20: bad block"));
        assertThat(rejected.get(0)).isEqualTo(RejectedRecord.damaged(Origin.file("/in/b.avro", 2),
                "bytes 9-20: bad block"));
        rejected.clear();
        admit(PromptLineParser.Mode.EVAL, InputRecord.unreadable(MESSAGE, RejectedRecord.EMPTY, "no value", null, -1));
        assertThat(rejected.get(0).code).isEqualTo(RejectedRecord.EMPTY);
        assertThat(rejected.get(0).origin).isEqualTo(MESSAGE);
        assertThat(rejected.get(0).id).isNull();
    }

    @Test
    void anAvroRecordIsValidatedAndCarriesItsJsonAsRaw() {
        PromptRequest avro = PromptRequest.newBuilder().setId("a1").setPrompt("p").setReference("r")
                .setMetadata(Map.of("k", "v")).build();
        admit(PromptLineParser.Mode.EVAL, InputRecord.ofAvro(LINE, avro));
        assertThat(accepted.get(0).getMetadata()).containsEntry(RecordTags.REFERENCE, "r").containsEntry("k", "v")
                .containsEntry(RecordTags.LINE, "3").containsKey(RecordTags.RAW);
        accepted.clear();
        PromptRequest reserved = PromptRequest.newBuilder().setId("a2").setPrompt("p")
                .setMetadata(Map.of("arbor.mine", "v")).build();
        admit(PromptLineParser.Mode.GENERATE, InputRecord.ofAvro(LINE, reserved));
        assertThat(rejected.get(0).reason).isEqualTo("metadata key 'arbor.mine' is reserved (prefix 'arbor.')");
        assertThat(rejected.get(0).raw).contains("\"id\":\"a2\"");
        rejected.clear();
        admit(PromptLineParser.Mode.EVAL, InputRecord.ofAvro(LINE, PromptRequest.newBuilder().setId("a3")
                .setPrompt("p").build()));
        assertThat(rejected.get(0).reason).isEqualTo("missing field 'reference'");
    }
}
