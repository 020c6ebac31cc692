package dev.arbor.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.jobs.JobFixtures;
import dev.arbor.jobs.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped reasoning example ({@code conf/reasoning.yaml}: step_beam with a process reward model,
 * records that choose dvts, self-consistency and a judge) runs as shipped on the synthetic models:
 * every record gets a result; the step-level ones carry their scored tree, whose kept steps spell the
 * winner; the PRM scored steps; and pairs/ holds step-level preference pairs.
 */
class ReasoningExampleTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = JobFixtures.miniCluster();

    @TempDir
    Path dir;

    @Test
    void theReasoningExampleRunsAsShipped() throws Exception {
        Path output = dir.resolve("out");
        Configuration config = new ConfigLoader().load(Path.of("..", "conf", "reasoning.yaml"),
                Map.of("output.path", output.toString(), "context.threads", "1"));
        GenerateSummary summary = GenerateJob.run(config, new PrintStream(new ByteArrayOutputStream(), true));
        assertThat(summary.results()).isEqualTo(5);
        assertThat(summary.rejected()).isZero();

        Map<String, JsonNode> results = JobFixtures.readJsonLines(output.resolve(GenerateJob.JSONL)).stream()
                .collect(Collectors.toMap(node -> node.get("id").asText(), Function.identity()));
        for (String id : List.of("add-1", "mul-1", "sub-1")) {
            JsonNode result = results.get(id);
            assertThat(result.get("error").isNull()).as(id).isTrue();
            JsonNode tree = result.get("tree");
            assertThat(tree.size()).as(id + " steps in the tree").isGreaterThan(4);
            assertThat(result.get("stats").get("steps").asInt()).isEqualTo(tree.size());
            assertThat(result.get("stats").get("scorerCalls").asInt()).isEqualTo(tree.size());
            assertThat(result.get("stats").get("tokensScored").asLong()).as("the PRM decoded steps").isPositive();
            for (JsonNode step : tree) {
                assertThat(step.get("score").asDouble()).as("a PRM score is a probability").isBetween(0.0, 1.0);
            }
        }
        assertThat(results.get("vote-1").get("error").isNull()).isTrue();
        assertThat(results.get("judge-1").get("stats").get("scorerCalls").asInt()).as("the judge scored each")
                .isEqualTo(3);

        List<JsonNode> pairs = JobFixtures.readJsonLines(output.resolve(GenerateJob.PAIRS));
        List<JsonNode> stepPairs = pairs.stream().filter(pair -> "step".equals(pair.get("kind").asText())).toList();
        assertThat(stepPairs).as("step-level preference pairs").isNotEmpty();
        for (JsonNode pair : stepPairs) {
            assertThat(pair.get("chosenScore").asDouble()).isGreaterThan(pair.get("rejectedScore").asDouble());
            assertThat(pair.get("prefix").isTextual()).isTrue();
        }
    }
}
