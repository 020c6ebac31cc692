package dev.arbor.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.jobs.JobFixtures;
import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.io.RejectedRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue test 4: bad input is counted, never silently dropped. Record-level problems land in the
 * rejected output with file, line and reason, and the summary reconciles (records in = results +
 * rejected); input- and output-level problems fail before submission with a message naming the path.
 */
class BadInputTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = JobFixtures.miniCluster();

    @TempDir
    Path dir;

    @Test
    void everyBadRecordIsRejectedWithFileLineAndReasonAndTheCountsReconcile() throws Exception {
        Path input = dir.resolve("prompts.jsonl");
        byte[] invalidUtf8 = "{\"id\": \"bad-utf8\", \"prompt\": \"caf\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        String[] lines = {
            /* 1 */ "{\"id\": \"ok1\", \"prompt\": \"Hello there\"}",
            /* 2 */ "   ",
            /* 3 */ "{\"id\": \"malformed\", \"prompt\": \"x\"",
            /* 4 */ "{\"prompt\": \"no id\"}",
            /* 5 */ "{\"id\": \"wrong-type\", \"prompt\": \"x\", \"width\": \"4\"}",
            /* 6 */ "{\"id\": \"unknown-field\", \"prompt\": \"x\", \"widht\": 4}",
            /* 7 */ "{\"id\": \"reserved\", \"prompt\": \"x\", \"metadata\": {\"arbor.source.file\": \"y\"}}",
            /* 8 */ "[1, 2]",
            /* 9 */ null, // invalid UTF-8, written as bytes below
            /* 10 */ "{\"id\": \"empty-prompt\", \"prompt\": \"\"}",
            /* 11 */ "{\"id\": \"too-wide\", \"prompt\": \"x\", \"width\": 64}",
            /* 12 */ "{\"id\": \"ok2\", \"prompt\": \"World\", \"metadata\": {\"a\": \"b\"}}",
            /* 13 */ "{\"id\": \"duplicate\", \"id\": \"again\", \"prompt\": \"p\"}",
            /* 14 */ "{\"id\": \"trailing\", \"prompt\": \"p\"} extra",
            /* 15 */ "{\"id\": \"no-prompt\"}",
            /* 16 */ "{\"id\": \"nested-metadata\", \"prompt\": \"p\", \"metadata\": {\"a\": {\"b\": 1}}}",
            /* 17 */ "{\"id\": \"float-width\", \"prompt\": \"p\", \"width\": 2.5}",
        };
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String line : lines) {
            bytes.write(line == null ? invalidUtf8 : line.getBytes(StandardCharsets.UTF_8));
            bytes.write('\n');
        }
        Files.write(input, bytes.toByteArray());
        Path output = dir.resolve("out");

        GenerateSummary summary = GenerateJob.run(JobFixtures.config(JobFixtures.small(input, output)),
                new PrintStream(new ByteArrayOutputStream(), true));

        assertThat(summary.plan().input().total()).as("counted up front: non-blank lines").isEqualTo(16);
        assertThat(summary.recordsIn()).isEqualTo(16);
        assertThat(summary.results()).isEqualTo(2);
        assertThat(summary.invalid()).isEqualTo(12);
        assertThat(summary.searchErrors()).isEqualTo(2);
        assertThat(summary.reconciles()).isTrue();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        summary.print(new PrintStream(printed, true));
        assertThat(printed.toString()).contains("rejected                14").doesNotContain("WARNING");

        assertThat(JobFixtures.readJsonLines(output.resolve(GenerateJob.JSONL)))
                .extracting(node -> node.get("id").asText()).containsExactlyInAnyOrder("ok1", "ok2");
        Map<Long, JsonNode> rejected = JobFixtures.readJsonLines(output.resolve(GenerateJob.REJECTED)).stream()
                .collect(Collectors.toMap(node -> node.get("line").asLong(), node -> node));
        assertThat(rejected.keySet()).containsExactlyInAnyOrder(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 13L, 14L, 15L,
                16L, 17L);
        assertThat(rejected.values()).allSatisfy(node -> assertThat(node.get("file").asText())
                .isEqualTo(input.toString()));
        // Issue 10: a rejection names the record's id whenever it can be read, even from a broken line.
        assertReason(rejected.get(3L), "malformed", "malformed JSON");
        assertReason(rejected.get(4L), null, "missing field 'id'");
        assertReason(rejected.get(5L), "wrong-type", "field 'width' must be an integer, was \"4\"");
        assertReason(rejected.get(6L), "unknown-field", "unknown field 'widht'");
        assertReason(rejected.get(7L), "reserved", "metadata key 'arbor.source.file' is reserved");
        assertReason(rejected.get(8L), null, "not a JSON object");
        assertReason(rejected.get(9L), "bad-utf8", "not valid UTF-8");
        assertReason(rejected.get(13L), null, "malformed JSON");
        assertThat(rejected.get(13L).get("reason").asText()).contains("Duplicate field 'id'");
        assertReason(rejected.get(14L), "trailing", "malformed JSON");
        assertReason(rejected.get(15L), "no-prompt", "missing field 'prompt'");
        assertReason(rejected.get(16L), "nested-metadata", "field 'metadata.a' must be a string, number or boolean");
        assertReason(rejected.get(17L), "float-width", "field 'width' must be an integer");
        assertThat(rejected.get(5L).get("raw").asText()).isEqualTo(lines[4]);
        assertThat(rejected.get(5L).get("code").asText()).isEqualTo(RejectedRecord.INVALID);
        // Rejected by the search itself: the operator's error code, still with file and line.
        assertThat(rejected.get(10L).get("code").asText()).isEqualTo("EMPTY_PROMPT");
        assertThat(rejected.get(10L).get("id").asText()).isEqualTo("empty-prompt");
        assertThat(rejected.get(11L).get("code").asText()).isEqualTo("WIDTH_TOO_LARGE");
    }

    private static void assertReason(JsonNode record, String id, String reason) {
        assertThat(record.get("code").asText()).isEqualTo(RejectedRecord.INVALID);
        assertThat(record.get("reason").asText()).contains(reason);
        if (id == null) {
            assertThat(record.get("id").isNull()).isTrue();
        } else {
            assertThat(record.get("id").asText()).isEqualTo(id);
        }
    }

    /**
     * Issue 22, defect 4: an Avro input cut off by an interrupted copy keeps what can be read; the
     * lost rest is one rejected entry naming the file and bytes; the counts reconcile and the run is
     * incomplete (exit code 4 at the command line), not a smaller success.
     */
    @Test
    void aCutOffAvroInputKeepsWhatCanBeReadAndRejectsTheLostBytes() throws Exception {
        Path input = dir.resolve("avro-in").resolve("requests.avro");
        JobFixtures.writeAvroRequests(input, 60);
        long cut = Files.size(input) - 30;
        try (java.io.RandomAccessFile bytes = new java.io.RandomAccessFile(input.toFile(), "rw")) {
            bytes.setLength(cut);
        }
        Path output = dir.resolve("out");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        GenerateSummary summary = GenerateJob.run(JobFixtures.config(JobFixtures.small(input.getParent(), output)),
                new PrintStream(progress, true));

        assertThat(progress.toString()).contains("WARNING " + input + ": the file is damaged or cut off");
        assertThat(summary.damaged()).isEqualTo(1);
        assertThat(summary.results()).isPositive().isLessThan(60);
        assertThat(summary.recordsIn()).isEqualTo(summary.results() + 1);
        assertThat(summary.reconciles()).isTrue();
        assertThat(summary.incomplete()).isTrue();
        JsonNode lost = JobFixtures.readJsonLines(output.resolve(GenerateJob.REJECTED)).stream().filter(r -> r
                .get("code").asText().equals(RejectedRecord.DAMAGED)).findFirst().orElseThrow();
        assertThat(lost.get("file").asText()).isEqualTo(input.toString());
        assertThat(lost.get("reason").asText()).containsPattern("bytes \\d+ to " + cut + " of " + cut);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        summary.print(new PrintStream(printed, true));
        assertThat(printed.toString()).contains("1 damaged input").contains("INPUT LOST");
    }

    private Map<String, String> overrides(Path input, Path output) {
        return JobFixtures.small(input, output);
    }

    @Test
    void unreadableInputFailsBeforeSubmissionNamingThePath() throws IOException {
        Path output = dir.resolve("out");
        Path missing = dir.resolve("missing.jsonl");
        assertThatThrownBy(() -> GenerateJob.prepare(JobFixtures.config(overrides(missing, output)), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");

        Path corrupt = dir.resolve("corrupt.avro");
        Files.writeString(corrupt, "this is not an Avro container file");
        assertThatThrownBy(() -> GenerateJob.prepare(JobFixtures.config(overrides(corrupt, output)), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unreadable input")
                .hasMessageContaining(corrupt.toString());

        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("readme.txt"), "no records here");
        assertThatThrownBy(() -> GenerateJob.prepare(JobFixtures.config(overrides(empty, output)), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("holds no JSONL files");

        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        Files.writeString(mixed.resolve("a.jsonl"), "{}\n");
        Files.writeString(mixed.resolve("b.avro"), "x");
        assertThatThrownBy(() -> GenerateJob.prepare(JobFixtures.config(overrides(mixed, output)), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("both Avro and JSONL");
    }

    @Test
    void unwritableOrUsedOutputFailsBeforeSubmissionNamingThePath() throws IOException {
        Path input = dir.resolve("in.jsonl");
        JobFixtures.write(input, "{\"id\": \"a\", \"prompt\": \"b\"}");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> GenerateJob.prepare(JobFixtures.config(overrides(input, file)), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("is a file");
        Path underFile = file.resolve("out");
        assertThatThrownBy(() -> GenerateJob.prepare(JobFixtures.config(overrides(input, underFile)), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not writable");

        Path used = dir.resolve("used");
        JobFixtures.write(used.resolve(GenerateJob.JSONL).resolve("results-x-0.jsonl"), "{}");
        assertThatThrownBy(() -> GenerateJob.prepare(JobFixtures.config(overrides(input, used)), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("earlier run")
                .hasMessageContaining("output.overwrite");
        Map<String, String> overwrite = overrides(input, used);
        overwrite.put("output.overwrite", "true");
        GenerateJob.prepare(JobFixtures.config(overwrite), true).lock().close();
        assertThat(used.resolve(GenerateJob.JSONL)).isEmptyDirectory();

        Map<String, String> missingModel = overrides(input, dir.resolve("out2"));
        missingModel.put("model.path", dir.resolve("nope.gguf").toString());
        assertThatThrownBy(() -> GenerateJob.prepare(JobFixtures.config(missingModel), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.gguf").hasMessageContaining("model.path");
        missingModel.put("model.path", input.toString());
        assertThatThrownBy(() -> GenerateJob.prepare(JobFixtures.config(missingModel), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not a GGUF file");
    }
}
