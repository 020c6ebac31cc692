package dev.arbor.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.flink.TreeSearch;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.jobs.JobFixtures;
import dev.arbor.jobs.config.KafkaOptions;
import dev.arbor.jobs.eval.EvalJob;
import dev.arbor.jobs.generate.GenerateJob;
import dev.arbor.jobs.generate.GenerateSummary;
import dev.arbor.jobs.run.JobRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: the jobs on Kafka as the CLI runs them. {@code arbor generate}'s results to a topic: a
 * bounded job's results are all committed when its input ends (its last checkpoint), once each,
 * keyed by id, as the file job's JSON. {@code arbor eval} with {@code kafka.bootstrap}: items from a
 * topic, scores to a topic, and a stop (what Ctrl-C does) followed by the same command again scores
 * every item exactly once.
 */
class KafkaJobsTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaFixtures.miniCluster();

    @Test
    void aBoundedJobCommitsEveryResultOnceWhenItsInputEnds() throws Exception {
        KAFKA.topics().create(2, "generated", "generate-dead-letters");
        Configuration config = new Configuration();
        config.set(KafkaOptions.BOOTSTRAP, KAFKA.bootstrap());
        config.set(KafkaOptions.OUTPUT_TOPIC, "generated");
        config.set(KafkaOptions.DEAD_LETTER_TOPIC, "generate-dead-letters");
        KafkaSettings settings = KafkaSettings.forGenerate(config);
        List<PromptRequest> requests = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            requests.add(PromptRequest.newBuilder().setId("story-" + i).setPrompt("Once upon a time " + i)
                    .setMetadata(Map.of("n", Integer.toString(i))).build());
        }

        StreamExecutionEnvironment env = KafkaFixtures.env(2);
        var results = TreeSearch.with(KafkaFixtures.arbor()).apply(env.fromData(requests,
                new AvroTypeInfo<>(PromptRequest.class)));
        KafkaResultSink.attach(results.all(), settings);
        env.execute("kafka-generate");

        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.topics().readCommitted("generated");
        assertThat(records).extracting(KafkaFixtures::key).doesNotHaveDuplicates().hasSize(30)
                .allMatch(id -> id.startsWith("story-"));
        for (ConsumerRecord<byte[], byte[]> record : records) {
            JsonNode result = KafkaFixtures.json(record);
            assertThat(result.get("id").asText()).isEqualTo(KafkaFixtures.key(record));
            assertThat(KafkaFixtures.header(record, JsonRecordSerializer.ID_HEADER)).isEqualTo(KafkaFixtures.key(record));
            assertThat(KafkaFixtures.header(record, JsonRecordSerializer.TOPIC_HEADER)).as("not from Kafka: no source").isNull();
            assertThat(result.get("winner").get("text").isTextual()).isTrue();
            assertThat(result.get("error").isNull()).isTrue();
            assertThat(result.get("metadata").get("n").asText()).isEqualTo(result.get("id").asText().substring(6));
        }
        assertThat(KAFKA.topics().readCommitted("generate-dead-letters")).isEmpty();
    }

    @Test
    void generateWithKafkaSendsItsResultsToTheTopicAndStillWritesItsFiles(@TempDir Path dir) throws Exception {
        KAFKA.topics().create(1, "generate-job-results", "generate-job-dead-letters");
        Path input = dir.resolve("in.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add("{\"id\": \"g" + i + "\", \"prompt\": \"Tell me about " + i + "\"}");
        }
        lines.add("{\"id\": \"bad\", \"prompt\": \"x\", \"width\": 0}");
        JobFixtures.write(input, lines.toArray(String[]::new));
        Map<String, String> overrides = JobFixtures.small(input, dir.resolve("out"));
        overrides.put("job.checkpoint-interval", "300 ms");
        overrides.put("kafka.bootstrap", KAFKA.bootstrap());
        overrides.put("kafka.output-topic", "generate-job-results");
        overrides.put("kafka.dead-letter-topic", "generate-job-dead-letters");

        GenerateSummary summary = GenerateJob.run(JobFixtures.config(overrides), new PrintStream(
                new ByteArrayOutputStream(), true));

        assertThat(summary.results()).isEqualTo(12);
        List<String> sent = KAFKA.topics().readCommitted("generate-job-results").stream().map(KafkaFixtures::key)
                .toList();
        List<String> written = JobFixtures.readJsonLines(dir.resolve("out").resolve(GenerateJob.JSONL)).stream()
                .map(result -> result.get("id").asText()).toList();
        assertThat(sent).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(written).hasSize(12);
        assertThat(JobFixtures.readJsonLines(dir.resolve("out").resolve(GenerateJob.REJECTED)))
                .singleElement().satisfies(rejected -> assertThat(rejected.get("id").asText()).isEqualTo("bad"));
    }

    @Test
    void evalOnKafkaStoppedAndStartedAgainScoresEveryItemOnce(@TempDir Path dir) throws Exception {
        String run = "eval-job";
        KAFKA.topics().create(2, run + "-items", run + "-scores", run + "-aggregates", run + "-dead-letters");
        KAFKA.topics().produceText(run + "-items", KafkaFixtures.items(0, 120));
        Map<String, String> overrides = JobFixtures.small(dir.resolve("unused"), dir.resolve("state"));
        overrides.remove("input.path");
        overrides.put("job.checkpoint-interval", "300 ms");
        overrides.put("eval.window", "1 h");
        overrides.put("async.capacity", "2");
        overrides.put("search.max-new-tokens", "48");
        overrides.put("search.stop-at-eog", "false");
        overrides.put("kafka.bootstrap", KAFKA.bootstrap());
        overrides.put("kafka.input-topic", run + "-items");
        overrides.put("kafka.output-topic", run + "-scores");
        overrides.put("kafka.aggregates-topic", run + "-aggregates");
        overrides.put("kafka.dead-letter-topic", run + "-dead-letters");
        overrides.put("kafka.group-id", run);
        overrides.put("kafka.starting-offsets", "EARLIEST");

        JobClient first = EvalJob.start(JobFixtures.config(overrides));
        try {
            KAFKA.topics().awaitCommitted(run + "-scores", records -> records.size() >= 5, Duration.ofMinutes(2));
        } finally {
            JobRunner.suspend(first); // what Ctrl-C does
        }
        int beforeStop = KAFKA.topics().readCommitted(run + "-scores").size();
        assertThat(beforeStop).as("stopped in the middle").isLessThan(120);
        assertThat(Files.isDirectory(dir.resolve("unused"))).as("no watched directory in Kafka mode").isFalse();

        JobClient second = EvalJob.start(JobFixtures.config(overrides)); // the same command again
        try {
            KAFKA.topics().produceText(run + "-items", KafkaFixtures.items(120, 140));
            KAFKA.topics().awaitCommitted(run + "-scores", records -> records.size() >= 140, Duration.ofMinutes(2));
        } finally {
            second.cancel().get(30, TimeUnit.SECONDS);
        }
        List<String> ids = KAFKA.topics().readCommitted(run + "-scores").stream().map(KafkaFixtures::key).toList();
        assertThat(ids).as("every item scored exactly once across the stop").hasSize(140).doesNotHaveDuplicates();
        assertThat(KAFKA.topics().readCommitted(run + "-dead-letters")).isEmpty();
    }
}
