package dev.arbor.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.flink.records.Candidate;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.flink.records.Strategy;
import dev.arbor.jobs.JobFixtures;
import dev.arbor.jobs.io.RejectedRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue test 1: {@code generate} end to end on JSONL and on Avro input, on a MiniCluster with real
 * llama.cpp; the outputs are read back and the preference pairs checked against the candidates.
 */
class GenerateJobTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = JobFixtures.miniCluster();

    @TempDir
    Path dir;

    private static GenerateSummary run(Map<String, String> overrides) throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        GenerateSummary summary = GenerateJob.run(JobFixtures.config(overrides), new PrintStream(progress, true));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        summary.print(new PrintStream(printed, true));
        assertThat(printed.toString()).contains("records in").contains("one result");
        return summary;
    }

    @Test
    void jsonlDirectoryToAvroJsonlAndPairs() throws Exception {
        Path input = dir.resolve("in");
        JobFixtures.write(input.resolve("a.jsonl"),
                "{\"id\": \"a1\", \"prompt\": \"Once upon a time\", \"metadata\": {\"source\": \"tale\", \"n\": 3}}",
                "",
                "{\"id\": \"a2\", \"prompt\": \"The capital of France is\", \"width\": 3, \"maxNewTokens\": 5}");
        JobFixtures.write(input.resolve("nested/b.json"),
                "{\"id\": \"b1\", \"prompt\": \"Roses are red\", \"strategy\": \"best_of_n\", \"width\": 3, "
                        + "\"temperature\": 0.9, \"seed\": 11, \"stop\": \"\\n\"}");
        JobFixtures.write(input.resolve("notes.txt"), "not a record: other extensions are skipped in a directory");
        JobFixtures.write(input.resolve(".hidden.jsonl"), "{\"id\": \"hidden\"}");
        Path output = dir.resolve("out");
        Map<String, String> overrides = JobFixtures.small(input, output);
        overrides.put("output.preference-pairs", "true");

        GenerateSummary summary = run(overrides);

        assertThat(summary.recordsIn()).isEqualTo(3);
        assertThat(summary.results()).isEqualTo(3);
        assertThat(summary.rejected()).isZero();
        assertThat(summary.reconciles()).isTrue();
        assertThat(summary.generatedTokens()).isPositive();

        Map<String, JsonNode> jsonl = JobFixtures.readJsonLines(output.resolve(GenerateJob.JSONL)).stream()
                .collect(Collectors.toMap(node -> node.get("id").asText(), Function.identity()));
        Map<String, SearchResult> avro = JobFixtures.readAvro(output.resolve(GenerateJob.AVRO)).stream()
                .collect(Collectors.toMap(SearchResult::getId, Function.identity()));
        assertThat(jsonl.keySet()).containsExactlyInAnyOrder("a1", "a2", "b1");
        assertThat(avro.keySet()).isEqualTo(jsonl.keySet());
        for (SearchResult result : avro.values()) {
            JsonNode json = jsonl.get(result.getId());
            assertThat(json.get("winner").get("text").asText()).isEqualTo(result.getWinner().getText());
            assertThat(json.get("winner").get("tokens").size()).isEqualTo(result.getWinner().getTokens().size());
            assertThat(json.get("error").isNull()).isTrue();
            assertThat(result.getMetadata().keySet()).as("source tags are removed").noneMatch(k -> k.startsWith("arbor."));
            assertThat(result.getCandidates()).as("pairs turn candidates on").isNotEmpty();
        }
        assertThat(avro.get("a1").getMetadata()).containsEntry("source", "tale").containsEntry("n", "3");
        assertThat(avro.get("a2").getCandidates()).hasSize(3);
        assertThat(avro.get("a2").getWinner().getTokens()).hasSizeLessThanOrEqualTo(5);
        assertThat(avro.get("b1").getCandidates()).hasSize(3);

        List<JsonNode> pairs = JobFixtures.readJsonLines(output.resolve(GenerateJob.PAIRS));
        assertThat(pairs).hasSize((int) summary.pairs());
        for (SearchResult result : avro.values()) {
            assertPairsMatchCandidates(result, pairs.stream()
                    .filter(pair -> pair.get("id").asText().equals(result.getId())).collect(Collectors.toList()));
        }
        assertThat(Files.readString(output.resolve(GenerateJob.SUMMARY))).contains("\"recordsIn\" : 3");
    }

    /** chosen = the winner, one pair per loser whose text differs, scores copied from the candidates. */
    private static void assertPairsMatchCandidates(SearchResult result, List<JsonNode> pairs) {
        Candidate winner = result.getWinner();
        List<Candidate> losers = result.getCandidates().stream()
                .filter(c -> c.getRank() != winner.getRank() && !c.getText().equals(winner.getText()))
                .collect(Collectors.toList());
        assertThat(pairs).hasSize(losers.size());
        Map<Integer, Candidate> byRank = new HashMap<>();
        losers.forEach(c -> byRank.put(c.getRank(), c));
        for (JsonNode pair : pairs) {
            assertThat(pair.get("prompt").asText()).isEqualTo(result.getPrompt());
            assertThat(pair.get("chosen").asText()).isEqualTo(winner.getText());
            assertThat(pair.get("chosenScore").asDouble()).isEqualTo(winner.getScore());
            Candidate loser = byRank.get(pair.get("rejectedRank").asInt());
            assertThat(loser).isNotNull();
            assertThat(pair.get("rejected").asText()).isEqualTo(loser.getText());
            assertThat(pair.get("rejectedScore").asDouble()).isEqualTo(loser.getScore());
            assertThat(pair.get("chosenScore").asDouble()).isGreaterThanOrEqualTo(loser.getScore());
        }
    }

    @Test
    void avroInputToJsonl() throws Exception {
        Path input = dir.resolve("requests.avro");
        try (DataFileWriter<PromptRequest> writer = new DataFileWriter<>(new SpecificDatumWriter<>(PromptRequest.class))) {
            writer.create(PromptRequest.getClassSchema(), input.toFile());
            writer.append(PromptRequest.newBuilder().setId("r1").setPrompt("Once upon a time").build());
            writer.append(PromptRequest.newBuilder().setId("r2").setPrompt("The sea at night")
                    .setStrategy(Strategy.BEST_OF_N).setWidth(2).setSeed(5L).setMetadata(Map.of("k", "v")).build());
            writer.append(PromptRequest.newBuilder().setId("r3").setPrompt(null).build());
        }
        Path output = dir.resolve("out");
        Map<String, String> overrides = JobFixtures.small(input, output);
        overrides.put("output.formats", "[jsonl]");

        GenerateSummary summary = run(overrides);

        assertThat(summary.recordsIn()).isEqualTo(3);
        assertThat(summary.results()).isEqualTo(2);
        assertThat(summary.invalid()).isEqualTo(1);
        assertThat(summary.reconciles()).isTrue();
        List<JsonNode> results = JobFixtures.readJsonLines(output.resolve(GenerateJob.JSONL));
        assertThat(results).extracting(node -> node.get("id").asText()).containsExactlyInAnyOrder("r1", "r2");
        assertThat(results).allSatisfy(node -> assertThat(node.get("winner").get("text").isTextual()).isTrue());
        assertThat(results.stream().filter(n -> n.get("id").asText().equals("r2")).findFirst().orElseThrow()
                .get("metadata").get("k").asText()).isEqualTo("v");
        assertThat(Files.exists(output.resolve(GenerateJob.AVRO))).as("only the formats asked for").isFalse();

        List<JsonNode> rejected = JobFixtures.readJsonLines(output.resolve(GenerateJob.REJECTED));
        assertThat(rejected).hasSize(1);
        JsonNode record = rejected.get(0);
        assertThat(record.get("file").asText()).isEqualTo(input.toString());
        assertThat(record.get("line").asLong()).as("the record number in the Avro file").isEqualTo(3);
        assertThat(record.get("id").asText()).isEqualTo("r3");
        assertThat(record.get("code").asText()).isEqualTo(RejectedRecord.INVALID);
        assertThat(record.get("reason").asText()).contains("missing field 'prompt'");
        assertThat(Set.of(record.get("raw").asText())).allMatch(raw -> raw.contains("\"r3\""));
    }
}
