package dev.arbor.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.jobs.JobFixtures;
import dev.arbor.jobs.io.RejectedRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's bad-input matrix over {@code generate}: one job reads a file mixing good records with
 * every kind of bad one found so far. The job goes on to the end; every record is in the results
 * or in the rejected output exactly once, with a reason in plain words; records in = results +
 * rejected; and the good records beside the bad ones all succeed.
 */
class BadInputMatrixTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = JobFixtures.miniCluster();

    @TempDir
    Path dir;

    /** One line of the input and what must become of it. */
    private record Case(String kind, byte[] line, String id, String code, String reason) {
        boolean isResult() {
            return code == null;
        }
    }

    private final List<Case> cases = new ArrayList<>();

    private void result(String kind, String line, String id) {
        cases.add(new Case(kind, line.getBytes(StandardCharsets.UTF_8), id, null, null));
    }

    /** A record the job rejects itself (code INVALID_RECORD); {@code id} as the rejection names it. */
    private void invalid(String kind, String line, String id, String reason) {
        cases.add(new Case(kind, line.getBytes(StandardCharsets.UTF_8), id, RejectedRecord.INVALID, reason));
    }

    /** A record the search answers with an error code. */
    private void searchError(String kind, String line, String id, String code, String reason) {
        cases.add(new Case(kind, line.getBytes(StandardCharsets.UTF_8), id, code, reason));
    }

    private static String record(String id, String rest) {
        return "{\"id\": \"" + id + "\", \"prompt\": \"Once upon a time\"" + rest + "}";
    }

    private void matrix() {
        result("byte order mark (first line)", "\uFEFF" + record("good-bom", ""), "good-bom");
        result("plain", record("good-1", ""), "good-1");
        result("CRLF line end", record("good-crlf", "") + "\r", "good-crlf");
        result("null metadata value kept", record("null-metadata", ", \"metadata\": {\"k\": null, \"n\": 1}"),
                "null-metadata");
        result("duplicate id, first", record("dup", ""), "dup");
        result("duplicate id, second", record("dup", ", \"width\": 1"), "dup");
        result("integer written as 2.0", record("width-2.0", ", \"width\": 2.0"), "width-2.0");
        result("null override means the default", record("null-override", ", \"width\": null"), "null-override");
        invalid("cut off", "{\"id\": \"cut\", \"prompt\": \"x\"", "cut", "the line ends inside the JSON value");
        invalid("missing id", "{\"prompt\": \"no id\"}", null, "missing field 'id'");
        invalid("id not a string", "{\"id\": 7, \"prompt\": \"x\"}", null, "field 'id' must be a non-empty string");
        invalid("empty id", "{\"id\": \"\", \"prompt\": \"x\"}", null, "field 'id' must be a non-empty string");
        invalid("id with an unpaired surrogate", "{\"id\": \"a\\uD800\", \"prompt\": \"x\"}", null,
                "field 'id' is not valid Unicode text: an unpaired surrogate U+D800 at character 2");
        invalid("width as a string", record("width-string", ", \"width\": \"4\""), "width-string",
                "field 'width' must be an integer, was \"4\"");
        invalid("unknown field", record("typo", ", \"widht\": 4"), "typo", "unknown field 'widht'");
        invalid("reserved metadata key", record("reserved", ", \"metadata\": {\"arbor.x\": \"y\"}"), "reserved",
                "metadata key 'arbor.x' is reserved");
        invalid("array", "[1, 2]", null, "not a JSON object");
        invalid("null line", "null", null, "not a JSON object");
        invalid("string line", "\"hello\"", null, "not a JSON object");
        invalid("duplicate key", "{\"id\": \"one\", \"id\": \"two\", \"prompt\": \"p\"}", null,
                "Duplicate field 'id'");
        invalid("text after the object", record("trailing", "") + " extra", "trailing",
                "malformed JSON at column");
        invalid("second object on the line", record("two-objects", "") + " {}", "two-objects",
                "there is more text after the JSON object");
        invalid("missing prompt", "{\"id\": \"no-prompt\"}", "no-prompt", "missing field 'prompt'");
        invalid("null prompt", "{\"id\": \"null-prompt\", \"prompt\": null}", "null-prompt",
                "field 'prompt' must be a string, was null");
        invalid("prompt a number", "{\"id\": \"number-prompt\", \"prompt\": 5}", "number-prompt",
                "field 'prompt' must be a string, was 5");
        invalid("unpaired surrogate in the prompt", "{\"id\": \"surrogate\", \"prompt\": \"a\\uD800b\"}", "surrogate",
                "field 'prompt' is not valid Unicode text: an unpaired surrogate U+D800 at character 2");
        invalid("nested metadata", record("nested", ", \"metadata\": {\"a\": {\"b\": 1}}"), "nested",
                "field 'metadata.a' must be a string, number or boolean");
        invalid("metadata not an object", record("metadata-5", ", \"metadata\": 5"), "metadata-5",
                "field 'metadata' must be an object");
        invalid("fractional width", record("width-2.5", ", \"width\": 2.5"), "width-2.5",
                "field 'width' must be an integer, was 2.5");
        invalid("width beyond int", record("width-huge", ", \"width\": 1e20"), "width-huge",
                "field 'width' is out of range");
        invalid("maxNewTokens beyond int", record("tokens-2^31", ", \"maxNewTokens\": 2147483648"), "tokens-2^31",
                "field 'maxNewTokens' is out of range: 2147483648 does not fit a 32-bit integer");
        invalid("temperature beyond float", record("temperature-1e308", ", \"temperature\": 1e308"),
                "temperature-1e308", "field 'temperature' is out of range: 1.0E308 does not fit a 32-bit float");
        invalid("length penalty beyond double", record("penalty-1e400", ", \"lengthPenalty\": 1e400"),
                "penalty-1e400", "field 'lengthPenalty' is out of range");
        invalid("seed 1e20", record("seed-1e20", ", \"seed\": 1e20"), "seed-1e20",
                "field 'seed' is out of range: 1.0E20 does not fit a 64-bit integer");
        invalid("seed beyond long", record("seed-big", ", \"seed\": 100000000000000000000"), "seed-big",
                "field 'seed' is out of range");
        invalid("NaN", record("nan", ", \"temperature\": NaN"), "nan", "NaN and Infinity are not JSON numbers");
        invalid("nested too deep", "[".repeat(1200) + "]".repeat(1200), null,
                "the JSON is too large to read: it nests 1001 levels deep (at most 1000)");
        invalid("a number of 1200 digits", record("long-number", ", \"seed\": " + "9".repeat(1200)), "long-number",
                "a number has 1200 digits (at most 1000)");
        invalid("a comment", record("comment", "") + " // note", "comment", "malformed JSON at column");
        invalid("unescaped control character", "{\"id\": \"ctrl\", \"prompt\": \"a\u0001b\"}", "ctrl",
                "malformed JSON at column");
        invalid("stop not strings", record("stop-number", ", \"stop\": [1]"), "stop-number",
                "field 'stop' must be a string or a list of strings");
        invalid("stop with an unpaired surrogate", record("stop-surrogate", ", \"stop\": \"\\uDC00\""),
                "stop-surrogate", "field 'stop' is not valid Unicode text");
        invalid("unknown strategy", record("strategy-dfs", ", \"strategy\": \"dfs\""), "strategy-dfs",
                "field 'strategy' must be one of beam, best_of_n");
        invalid("boolean as a string", record("yes", ", \"returnCandidates\": \"yes\""), "yes",
                "field 'returnCandidates' must be true or false");
        cases.add(new Case("invalid UTF-8", "{\"id\": \"bad-utf8\", \"prompt\": \"caf\u00ff\"}"
                .getBytes(StandardCharsets.ISO_8859_1), "bad-utf8", RejectedRecord.INVALID, "not valid UTF-8"));
        searchError("empty prompt", "{\"id\": \"empty\", \"prompt\": \"\"}", "empty", "EMPTY_PROMPT", "empty");
        searchError("blank prompt", "{\"id\": \"blank\", \"prompt\": \"   \"}", "blank", "EMPTY_PROMPT", "empty");
        searchError("prompt over the context", "{\"id\": \"long\", \"prompt\": \"" + "the king and the sea ".repeat(300)
                + "\"}", "long", "PROMPT_TOO_LONG", "tokens");
        searchError("600,000,000 new tokens", record("poison", ", \"maxNewTokens\": 600000000"), "poison",
                "PROMPT_TOO_LONG", "2 x 600000000 new tokens needs");
        searchError("too wide", record("too-wide", ", \"width\": 64"), "too-wide", "WIDTH_TOO_LARGE", "nSeqMax");
        searchError("zero width", record("zero-width", ", \"width\": 0"), "zero-width", "INVALID_PARAMS", "width");
        searchError("negative width", record("negative-width", ", \"width\": -1"), "negative-width", "INVALID_PARAMS",
                "width");
        searchError("no new tokens", record("zero-tokens", ", \"maxNewTokens\": 0"), "zero-tokens", "INVALID_PARAMS",
                "maxNewTokens");
        searchError("negative temperature", record("cold", ", \"temperature\": -1"), "cold", "INVALID_PARAMS",
                "temperature");
        searchError("topP above one", record("top-p", ", \"topP\": 1.5"), "top-p", "INVALID_PARAMS", "topP");
        searchError("negative repeatLastN", record("last-n", ", \"repeatLastN\": -1"), "last-n", "INVALID_PARAMS",
                "repeatLastN");
        searchError("empty stop string", record("empty-stop", ", \"stop\": \"\""), "empty-stop", "INVALID_PARAMS",
                "stop");
        searchError("empty reference", record("empty-reference", ", \"reference\": \"\""), "empty-reference",
                "INVALID_PARAMS", "reference");
        result("null messages beside a prompt", record("null-messages", ", \"messages\": null"), "null-messages");
        searchError("grammar with an empty character class", record("empty-class", ", \"grammar\": \"root ::= [z-a]\""),
                "empty-class", "INVALID_GRAMMAR", "accepts no text");
        searchError("left-recursive grammar", record("left-recursive",
                ", \"grammar\": \"root ::= root \\\"a\\\" | \\\"b\\\"\""), "left-recursive", "INVALID_GRAMMAR",
                "left recursion");
        result("last good one", record("good-last", ""), "good-last");
    }

    @Test
    void everyRecordEndsUpExactlyOnceWithAReasonAndTheGoodOnesSucceed() throws Exception {
        matrix();
        assertThat(cases).as("kinds of input").hasSizeGreaterThanOrEqualTo(40);
        Path input = dir.resolve("matrix.jsonl");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Case c : cases) {
            bytes.write(c.line());
            bytes.write('\n');
        }
        bytes.write("   \n".getBytes(StandardCharsets.UTF_8)); // blank lines are not records
        Files.write(input, bytes.toByteArray());
        Path output = dir.resolve("out");
        Map<String, String> overrides = JobFixtures.small(input, output);
        overrides.put("context.n-ctx", "1024");

        GenerateSummary summary = GenerateJob.run(JobFixtures.config(overrides),
                new PrintStream(new ByteArrayOutputStream(), true));

        long results = cases.stream().filter(Case::isResult).count();
        assertThat(summary.recordsIn()).isEqualTo(cases.size());
        assertThat(summary.results()).isEqualTo(results);
        assertThat(summary.rejected()).isEqualTo(cases.size() - results);
        assertThat(summary.reconciles()).isTrue();
        assertThat(summary.duplicateIds()).isEqualTo(1);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        summary.print(new PrintStream(printed, true));
        assertThat(printed.toString()).containsPattern("duplicate ids +1 ");

        List<JsonNode> resultRecords = JobFixtures.readJsonLines(output.resolve(GenerateJob.JSONL));
        Map<String, Long> resultIds = resultRecords.stream()
                .collect(Collectors.groupingBy(r -> r.get("id").asText(), Collectors.counting()));
        Map<Long, List<JsonNode>> rejectedByLine = JobFixtures.readJsonLines(output.resolve(GenerateJob.REJECTED))
                .stream().collect(Collectors.groupingBy(r -> r.get("line").asLong()));
        Map<String, Long> expectedIds = new HashMap<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            long line = i + 1;
            if (c.isResult()) {
                expectedIds.merge(c.id(), 1L, Long::sum);
                assertThat(rejectedByLine).as("%s (line %d) is not rejected", c.kind(), line).doesNotContainKey(line);
                continue;
            }
            assertThat(rejectedByLine.get(line)).as("%s (line %d) rejected exactly once", c.kind(), line).hasSize(1);
            JsonNode rejected = rejectedByLine.get(line).get(0);
            assertThat(rejected.get("code").asText()).as(c.kind()).isEqualTo(c.code());
            assertThat(rejected.get("reason").asText()).as(c.kind()).contains(c.reason())
                    .doesNotContain("Feature").doesNotContain("Input length").doesNotContain("Source:")
                    .doesNotContain("Exception").doesNotContain("`").doesNotContain("REDACTED");
            if (!c.code().equals(RejectedRecord.INVALID)) {
                // Issue 22: a search error carries its record too, to be fixed and sent again.
                assertThat(rejected.get("raw").asText()).as("%s: the record as read", c.kind())
                        .isEqualTo(new String(c.line(), StandardCharsets.UTF_8));
            }
            if (c.id() == null) {
                assertThat(rejected.get("id").isNull()).as("%s: no readable id", c.kind()).isTrue();
            } else {
                assertThat(rejected.get("id").asText()).as("%s: its id", c.kind()).isEqualTo(c.id());
            }
            assertThat(resultIds).as("%s is not among the results", c.kind()).doesNotContainKey(c.id());
        }
        assertThat(resultIds).isEqualTo(expectedIds);
        JsonNode withNullMetadata = resultRecords.stream().filter(r -> r.get("id").asText().equals("null-metadata"))
                .findFirst().orElseThrow();
        assertThat(withNullMetadata.get("metadata").has("k")).isTrue();
        assertThat(withNullMetadata.get("metadata").get("k").isNull()).as("kept as JSON null").isTrue();
        assertThat(withNullMetadata.get("metadata").get("n").asText()).isEqualTo("1");
        assertThat(resultRecords).allSatisfy(r -> assertThat(r.get("metadata").fieldNames()).toIterable()
                .as("no source tag in the results").noneMatch(key -> key.startsWith("arbor.")));
    }
}
