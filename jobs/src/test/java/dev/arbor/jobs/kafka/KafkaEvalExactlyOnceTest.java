package dev.arbor.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.jobs.eval.KafkaEvalPipeline;
import dev.arbor.jobs.io.Origin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: streaming evaluation from a real Kafka broker through the real tree search (TINY model)
 * to Kafka, read back as any exactly-once reader must ({@code read_committed}): 500 items give
 * exactly 500 scores and aggregates that add up to them; a TaskManager failure and a broker restart
 * in the middle of the stream change nothing, down to each item's generated text.
 */
class KafkaEvalExactlyOnceTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaFixtures.miniCluster();

    private static final int ITEMS = 500;
    private static final Duration PATIENCE = Duration.ofMinutes(4);

    @TempDir
    static Path savepoints;

    /** The failure-free run's scores by id. */
    private static Map<String, JsonNode> reference;

    @Test
    void everyItemIsScoredExactlyOnceWithItsSourceAndTheAggregatesAddUp() throws Exception {
        Map<String, JsonNode> scores = reference();
        assertThat(scores).hasSize(ITEMS);
        for (JsonNode score : scores.values()) {
            String generated = score.get("generated").asText();
            String expected = score.get("reference").asText();
            assertThat(score.get("exactMatch").asBoolean()).isEqualTo(generated.trim().equals(expected.trim()));
            assertThat(score.get("contains").asBoolean()).isEqualTo(generated.contains(expected.trim()));
            assertThat(score.get("referenceLogprob").asDouble()).isNegative();
            assertThat(score.get("generatedTokens").asInt()).isPositive();
            assertThat(score.get("metadata").get("n").asText()).isEqualTo(score.get("id").asText().substring(5));
            assertThat(score.get("metadata").fieldNames()).toIterable().noneMatch(key -> key.startsWith("arbor."));
        }
    }

    @Test
    void aTaskManagerFailureMidStreamGivesEveryScoreOnceAndTheSameScores(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        reference();
        String input = "items-tm-failure";
        KAFKA.topics().create(2, input, "tm-failure-scores", "tm-failure-aggregates", "tm-failure-dead-letters");
        KAFKA.topics().produceText(input, KafkaFixtures.items(0, ITEMS / 2));
        JobClient job = start(input, "tm-failure");
        awaitScores("tm-failure", 50);

        cluster.terminateTaskManager(0).get(60, TimeUnit.SECONDS);
        cluster.startTaskManager();
        KAFKA.topics().produceText(input, KafkaFixtures.items(ITEMS / 2, ITEMS));
        awaitAll("tm-failure");
        assertThat(cluster.getExecutionGraphInfo(job.getJobID()).get(30, TimeUnit.SECONDS).getExceptionHistory())
                .as("the job failed over").isNotEmpty();
        stop(job);

        assertSameAsReference("tm-failure");
    }

    @Test
    void aBrokerRestartMidStreamLosesAndRepeatsNothing() throws Exception {
        reference();
        String input = "items-broker-restart";
        KAFKA.topics().create(2, input, "restart-scores", "restart-aggregates", "restart-dead-letters");
        KAFKA.topics().produceText(input, KafkaFixtures.items(0, ITEMS / 2));
        JobClient job = start(input, "restart");
        awaitScores("restart", 50);

        KAFKA.broker().stop();
        KAFKA.broker().start();
        KAFKA.topics().produceText(input, KafkaFixtures.items(ITEMS / 2, ITEMS));
        awaitAll("restart");
        stop(job);

        assertSameAsReference("restart");
    }

    /** Every item once, with the text, correctness and aggregates of the failure-free run. */
    private static void assertSameAsReference(String run) {
        Map<String, JsonNode> scores = scoresById(run);
        assertThat(scores.keySet()).isEqualTo(reference.keySet());
        scores.forEach((id, score) -> {
            JsonNode want = reference.get(id);
            assertThat(score.get("generated")).as(id).isEqualTo(want.get("generated"));
            assertThat(score.get("correct")).as(id).isEqualTo(want.get("correct"));
            assertThat(score.get("sumLogprob").asDouble()).as(id).isCloseTo(want.get("sumLogprob").asDouble(),
                    within(1e-3));
        });
        assertAggregatesMatch(run, scores);
        assertThat(KAFKA.topics().readCommitted(run + "-dead-letters")).isEmpty();
    }

    /** The reference run, once per class: all 500 items in the topic before the job starts. */
    private static synchronized Map<String, JsonNode> reference() throws Exception {
        if (reference == null) {
            String input = "items-reference";
            KAFKA.topics().create(2, input, "reference-scores", "reference-aggregates", "reference-dead-letters");
            List<Origin> places = KAFKA.topics().produceText(input, KafkaFixtures.items(0, ITEMS));
            JobClient job = start(input, "reference");
            awaitAll("reference");
            stop(job);
            Map<String, Origin> sources = new HashMap<>();
            for (int i = 0; i < ITEMS; i++) {
                sources.put("item-" + i, places.get(i));
            }
            assertHeadersName(KAFKA.topics().readCommitted("reference-scores"), sources);
            Map<String, JsonNode> scores = scoresById("reference");
            assertAggregatesMatch("reference", scores);
            assertThat(KAFKA.topics().readCommitted("reference-dead-letters")).isEmpty();
            reference = scores;
        }
        return reference;
    }

    /** Each score's key and headers name its item and the very message it came from. */
    private static void assertHeadersName(List<ConsumerRecord<byte[], byte[]>> records,
            Map<String, Origin> sources) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String id = KafkaFixtures.json(record).get("id").asText();
            assertThat(KafkaFixtures.key(record)).isEqualTo(id);
            assertThat(KafkaFixtures.header(record, JsonRecordSerializer.ID_HEADER)).isEqualTo(id);
            Origin source = Origin.message(KafkaFixtures.header(record, JsonRecordSerializer.TOPIC_HEADER),
                    Integer.parseInt(KafkaFixtures.header(record, JsonRecordSerializer.PARTITION_HEADER)),
                    Long.parseLong(KafkaFixtures.header(record, JsonRecordSerializer.OFFSET_HEADER)));
            assertThat(source).as(id).isEqualTo(sources.get(id));
        }
    }

    /** The scores of a run by id; fails when an item is there twice. */
    private static Map<String, JsonNode> scoresById(String run) {
        List<JsonNode> scores = KAFKA.topics().readCommitted(run + "-scores").stream().map(KafkaFixtures::json)
                .collect(Collectors.toList());
        assertThat(scores).extracting(score -> score.get("id").asText()).as("every item exactly once")
                .doesNotHaveDuplicates().hasSize(ITEMS);
        return scores.stream().collect(Collectors.toMap(score -> score.get("id").asText(), score -> score));
    }

    private static void assertAggregatesMatch(String run, Map<String, JsonNode> scores) {
        List<JsonNode> aggregates = KAFKA.topics().readCommitted(run + "-aggregates").stream()
                .map(KafkaFixtures::json).collect(Collectors.toList());
        List<JsonNode> all = List.copyOf(scores.values());
        assertThat(sum(aggregates, a -> a.get("count").asLong())).isEqualTo(ITEMS);
        assertThat(sum(aggregates, a -> a.get("correct").asLong())).isEqualTo(sum(all, s -> s.get("correct")
                .asBoolean() ? 1 : 0));
        assertThat(sum(aggregates, a -> a.get("generatedTokens").asLong()))
                .isEqualTo(sum(all, s -> s.get("generatedTokens").asLong()));
        assertThat(sum(aggregates, a -> a.get("meanScore").asDouble() * a.get("count").asLong()))
                .isCloseTo(sum(all, s -> s.get("score").asDouble()), within(1e-6));
    }

    private static JobClient start(String input, String run) throws Exception {
        StreamExecutionEnvironment env = KafkaFixtures.env(2);
        KafkaEvalPipeline.build(env, KafkaFixtures.settings(KAFKA.bootstrap(), input, run, Map.of()),
                KafkaFixtures.arbor(), KafkaFixtures.scorer(), Duration.ofSeconds(1));
        return env.executeAsync("kafka-eval-" + run);
    }

    /** What Ctrl-C does to `arbor eval`: a savepoint, so the last transactions are committed, then the stop. */
    private static void stop(JobClient job) throws Exception {
        job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);
    }

    private static void awaitScores(String run, int count) throws InterruptedException {
        KAFKA.topics().awaitCommitted(run + "-scores", records -> records.size() >= count, PATIENCE);
    }

    /** Until every score and an aggregate of every item are committed (windows close each second). */
    private static void awaitAll(String run) throws InterruptedException {
        awaitScores(run, ITEMS);
        KAFKA.topics().awaitCommitted(run + "-aggregates", records -> sum(records.stream().map(KafkaFixtures::json)
                .collect(Collectors.toList()), a -> a.get("count").asLong()) >= ITEMS, PATIENCE);
    }

    private static double sum(List<JsonNode> nodes, ToDoubleFunction<JsonNode> value) {
        return nodes.stream().mapToDouble(value).sum();
    }
}
