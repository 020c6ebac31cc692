package dev.arbor.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.arbor.flink.ArborOptions;
import dev.arbor.jobs.JobFixtures;
import dev.arbor.jobs.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped structured-generation example ({@code conf/structured.yaml}: chat messages, a JSON
 * Schema, the synthetic qwen3 model) runs as shipped: every record gets a result, the prompts are
 * the rendered conversations, and every candidate is complete, valid JSON of its record's schema
 * (the job's, or the record's own), checked with networknt's validator.
 */
class StructuredExampleTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = JobFixtures.miniCluster();

    @TempDir
    Path dir;

    @Test
    void everyCandidateIsValidJsonOfItsSchema() throws Exception {
        Path output = dir.resolve("out");
        Configuration config = new ConfigLoader().load(Path.of("..", "conf", "structured.yaml"),
                Map.of("output.path", output.toString(), "context.threads", "1"));
        GenerateSummary summary = GenerateJob.run(config, new PrintStream(new ByteArrayOutputStream(), true));
        assertThat(summary.results()).isEqualTo(6);
        assertThat(summary.rejected()).isZero();

        ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Schema jobSchema = registry.getSchema(strict.readTree(config.get(ArborOptions.JSON_SCHEMA)));
        Map<String, JsonNode> inputs = JobFixtures.readJsonLines(Path.of("..", "conf", "examples", "structured"))
                .stream().collect(java.util.stream.Collectors.toMap(n -> n.get("id").asText(), n -> n));
        List<JsonNode> results = JobFixtures.readJsonLines(output.resolve(GenerateJob.JSONL));
        assertThat(results).hasSize(6);
        for (JsonNode result : results) {
            JsonNode input = inputs.get(result.get("id").asText());
            Schema schema = input.has("jsonSchema") ? registry.getSchema(input.get("jsonSchema")) : jobSchema;
            assertThat(result.get("prompt").asText()).startsWith("<|im_start|>").endsWith("<|im_start|>assistant\n");
            for (JsonNode candidate : result.get("candidates")) {
                String text = candidate.get("text").asText();
                assertThat(candidate.get("grammarComplete").asBoolean()).as(text).isTrue();
                assertThat(schema.validate(strict.readTree(text))).as(text).isEmpty();
            }
        }
    }
}
