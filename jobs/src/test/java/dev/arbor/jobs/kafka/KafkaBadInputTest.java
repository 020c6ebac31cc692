package dev.arbor.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.config.JobOptions;
import dev.arbor.jobs.config.KafkaOptions;
import dev.arbor.jobs.eval.EvalJob;
import dev.arbor.jobs.eval.KafkaEvalPipeline;
import dev.arbor.jobs.generate.GenerateJob;
import dev.arbor.jobs.io.Origin;
import dev.arbor.jobs.io.RejectedRecord;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: bad messages never stop the stream (each becomes a dead letter naming its partition and
 * offset, and the good ones beside it are all scored), and a broker that cannot be reached or a
 * topic that does not exist is a clear error before the job starts.
 */
class KafkaBadInputTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaFixtures.miniCluster();

    @TempDir
    Path savepoints;

    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final int MAX_BYTES = 4096;

    /** Each poison message, and the dead letter it must become. */
    private record Poison(byte[] value, String code, String reason, String id) {}

    @Test
    void poisonMessagesBecomeDeadLettersAndTheGoodOnesAroundThemAreAllScored() throws Exception {
        List<Poison> poisons = List.of(
                new Poison(text("hello, this is not JSON"), RejectedRecord.INVALID, "malformed JSON", null),
                new Poison(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, RejectedRecord.NOT_UTF8,
                        "invalid UTF-8 at byte 1", null),
                new Poison(text("{\"id\": \"huge\", \"prompt\": \"" + "x".repeat(10_000) + "\", \"reference\": \"y\"}"),
                        RejectedRecord.TOO_LARGE, "more than kafka.max-message-bytes (" + MAX_BYTES + ")", null),
                new Poison(text("{\"id\": \"no-reference\", \"prompt\": \"x\"}"), RejectedRecord.INVALID,
                        "missing field 'reference'", "no-reference"),
                new Poison(text("{\"id\": \"colour\", \"prompt\": \"x\", \"reference\": \"y\", \"colour\": 1}"),
                        RejectedRecord.INVALID, "unknown field 'colour'", "colour"),
                new Poison(null, RejectedRecord.EMPTY, "no value", null),
                new Poison(text("{\"id\": \"top-p\", \"prompt\": \"x\", \"reference\": \"y\", \"topP\": 1.5}"),
                        "INVALID_PARAMS", "topP", "top-p"));
        List<byte[]> messages = new ArrayList<>();
        KafkaFixtures.items(0, 10).forEach(item -> messages.add(text(item)));
        poisons.forEach(poison -> messages.add(poison.value()));
        KafkaFixtures.items(10, 20).forEach(item -> messages.add(text(item)));
        KAFKA.topics().create(1, "poison-items", "poison-scores", "poison-aggregates", "poison-dead-letters");
        List<Origin> places = KAFKA.topics().produce("poison-items", messages);

        StreamExecutionEnvironment env = KafkaFixtures.env(1);
        KafkaEvalPipeline.build(env, KafkaFixtures.settings(KAFKA.bootstrap(), "poison-items", "poison",
                Map.of(KafkaOptions.MAX_MESSAGE_BYTES.key(), Integer.toString(MAX_BYTES))), KafkaFixtures.arbor(),
                KafkaFixtures.scorer(), Duration.ofSeconds(1));
        JobClient job = env.executeAsync("kafka-poison");
        KAFKA.topics().awaitCommitted("poison-scores", records -> records.size() >= 20, PATIENCE);
        KAFKA.topics().awaitCommitted("poison-dead-letters", records -> records.size() >= poisons.size(), PATIENCE);
        job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);

        assertThat(KAFKA.topics().readCommitted("poison-scores")).extracting(r -> KafkaFixtures.json(r).get("id")
                .asText()).containsExactlyInAnyOrderElementsOf(expectedIds());
        Map<Long, JsonNode> letters = KAFKA.topics().readCommitted("poison-dead-letters").stream()
                .map(KafkaFixtures::json).collect(Collectors.toMap(letter -> letter.get("offset").asLong(), l -> l));
        assertThat(letters).hasSize(poisons.size());
        for (int i = 0; i < poisons.size(); i++) {
            Poison poison = poisons.get(i);
            Origin place = places.get(10 + i);
            JsonNode letter = letters.get(place.position);
            assertThat(letter).as(poison.code()).isNotNull();
            assertThat(letter.get("code").asText()).isEqualTo(poison.code());
            assertThat(letter.get("reason").asText()).contains(poison.reason());
            assertThat(letter.get("topic").asText()).isEqualTo("poison-items");
            assertThat(letter.get("partition").asInt()).isEqualTo(place.partition);
            assertThat(letter.get("id").isNull() ? null : letter.get("id").asText()).isEqualTo(poison.id());
        }
        JsonNode notUtf8 = letters.get(places.get(11).position);
        assertThat(Base64.getDecoder().decode(notUtf8.get("base64").asText())).isEqualTo(poisons.get(1).value());
        JsonNode tooLarge = letters.get(places.get(12).position);
        assertThat(tooLarge.get("truncated").asBoolean()).isTrue();
        assertThat(tooLarge.get("size").asInt()).isEqualTo(poisons.get(2).value().length);
        assertThat(tooLarge.get("text").asText()).startsWith("{\"id\": \"huge\"");
        assertThat(letters.get(places.get(13).position).get("text").asText())
                .isEqualTo(new String(poisons.get(3).value(), StandardCharsets.UTF_8));
        JsonNode searchError = letters.get(places.get(16).position);
        assertThat(searchError.get("text").asText()).as("issue 22: a search error's letter carries its message")
                .isEqualTo(new String(poisons.get(6).value(), StandardCharsets.UTF_8));
    }

    @Test
    void anUnreachableBrokerIsAClearErrorThatNamesItsAddress() throws Exception {
        int nobody;
        try (ServerSocket socket = new ServerSocket(0)) {
            nobody = socket.getLocalPort();
        }
        KafkaSettings settings = KafkaFixtures.settings("127.0.0.1:" + nobody, "items", "unreachable",
                Map.of(KafkaOptions.CONNECT_TIMEOUT.key(), "2 s"));
        assertThatThrownBy(() -> KafkaEvalPipeline.build(KafkaFixtures.env(1), settings, KafkaFixtures.arbor(),
                KafkaFixtures.scorer(), Duration.ofSeconds(1))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot reach a Kafka broker at 127.0.0.1:" + nobody)
                .hasMessageContaining("kafka.bootstrap");
    }

    @Test
    void anUnreachableBrokerStopsTheJobsBeforeTheyTouchAnEarlierRunsOutputs(@TempDir Path work) throws Exception {
        int nobody;
        try (ServerSocket socket = new ServerSocket(0)) {
            nobody = socket.getLocalPort();
        }
        Path output = Files.createDirectories(work.resolve("out"));
        Path earlier = Files.writeString(output.resolve("summary.json"), "{\"earlier\": true}");
        Path input = Files.writeString(work.resolve("in.jsonl"), "{\"id\": \"a\", \"prompt\": \"x\"}\n");
        Configuration config = new Configuration();
        config.set(KafkaOptions.BOOTSTRAP, "127.0.0.1:" + nobody);
        config.set(KafkaOptions.CONNECT_TIMEOUT, Duration.ofSeconds(2));
        config.set(JobOptions.OUTPUT_PATH, output.toString());
        config.set(JobOptions.OUTPUT_OVERWRITE, true);
        config.set(JobOptions.INPUT_PATH, input.toString());

        assertThatThrownBy(() -> GenerateJob.prepare(config, true)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot reach a Kafka broker at 127.0.0.1:" + nobody);
        assertThatThrownBy(() -> EvalJob.prepare(config, true)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot reach a Kafka broker at 127.0.0.1:" + nobody);
        assertThat(earlier).as("overwrite deletes nothing before Kafka answers").hasContent("{\"earlier\": true}");
    }

    /** Issue 22: a Kafka eval's state directory belongs to one job at a time, as an output directory does. */
    @Test
    void aSecondEvalOnTheSameStateDirectoryIsRefusedNamingTheFirst(@TempDir Path work) throws Exception {
        KAFKA.topics().create(1, "locked-items", "locked-scores", "locked-aggregates", "locked-dead-letters");
        Map<String, String> overrides = dev.arbor.jobs.JobFixtures.small(work.resolve("unused"), work.resolve("state"));
        overrides.put("kafka.bootstrap", KAFKA.bootstrap());
        overrides.put("kafka.input-topic", "locked-items");
        overrides.put("kafka.output-topic", "locked-scores");
        overrides.put("kafka.aggregates-topic", "locked-aggregates");
        overrides.put("kafka.dead-letter-topic", "locked-dead-letters");
        JobClient first = EvalJob.start(dev.arbor.jobs.JobFixtures.config(overrides));
        try {
            assertThatThrownBy(() -> EvalJob.prepare(dev.arbor.jobs.JobFixtures.config(overrides), true))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("is in use by another Arbor job: arbor eval (Kafka) (pid "
                            + ProcessHandle.current().pid());
        } finally {
            first.cancel().get(60, TimeUnit.SECONDS);
        }
        overrides.put("output.overwrite", "true");
        EvalJob.prepare(dev.arbor.jobs.JobFixtures.config(overrides), true).lock().close(); // free again
    }

    @Test
    void aMissingTopicIsAClearErrorThatNamesIt() throws Exception {
        KAFKA.topics().create(1, "present-items", "present-scores", "present-aggregates");
        KafkaSettings settings = KafkaFixtures.settings(KAFKA.bootstrap(), "present-items", "present", Map.of());
        assertThatThrownBy(() -> KafkaEvalPipeline.build(KafkaFixtures.env(1), settings, KafkaFixtures.arbor(),
                KafkaFixtures.scorer(), Duration.ofSeconds(1))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'present-dead-letters' not found at " + KAFKA.bootstrap());
    }

    private static List<String> expectedIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add("item-" + i);
        }
        return ids;
    }

    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
