package dev.arbor.jobs.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.flink.ArborConfig;
import dev.arbor.jobs.config.JobOptions;
import dev.arbor.jobs.config.KafkaOptions;
import dev.arbor.jobs.config.StartingOffsets;
import dev.arbor.jobs.eval.EvalScorer;
import dev.arbor.jobs.io.JsonLines;
import dev.arbor.llama.gguf.SyntheticModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Shared by the Kafka job tests: a MiniCluster, the TINY synthetic model (written once per test
 * JVM), a small fast search on it, evaluation items, job environments that checkpoint often and
 * restart quickly, and readers of what the jobs wrote.
 */
final class KafkaFixtures {
    private static Path model;

    private KafkaFixtures() {}

    /** A MiniCluster for one test class: one TaskManager with two slots. */
    static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());
    }

    /** Beam search of width 2 and 4 new tokens on the TINY model: deterministic, so runs can be compared. */
    static ArborConfig arbor() {
        Configuration config = new Configuration();
        config.setString("arbor.context.n-ctx", "512");
        config.setString("arbor.context.n-seq-max", "8");
        config.setString("arbor.context.threads", "1");
        config.setString("arbor.search.width", "2");
        config.setString("arbor.search.max-new-tokens", "4");
        return ArborConfig.builder().setAll(config).modelPath(model().toString()).build();
    }

    static EvalScorer scorer() {
        return new EvalScorer(JobOptions.Metric.EXACT, null);
    }

    /** Kafka settings of an eval run against {@code bootstrap}; its topics and group are named after {@code run}. */
    static KafkaSettings settings(String bootstrap, String input, String run, Map<String, String> more) {
        Configuration config = new Configuration();
        config.set(KafkaOptions.BOOTSTRAP, bootstrap);
        config.set(KafkaOptions.INPUT_TOPIC, input);
        config.set(KafkaOptions.OUTPUT_TOPIC, run + "-scores");
        config.set(KafkaOptions.AGGREGATES_TOPIC, run + "-aggregates");
        config.set(KafkaOptions.DEAD_LETTER_TOPIC, run + "-dead-letters");
        config.set(KafkaOptions.GROUP_ID, run);
        config.set(KafkaOptions.STARTING_OFFSETS, StartingOffsets.EARLIEST);
        more.forEach(config::setString);
        return KafkaSettings.forEval(config);
    }

    /** A streaming environment on the test's MiniCluster: checkpoints every 300 ms, quick restarts. */
    static StreamExecutionEnvironment env(int parallelism) {
        Configuration config = new Configuration();
        config.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 50);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.enableCheckpointing(300);
        return env;
    }

    /** Evaluation items item-0 .. item-(n-1), one JSON object each. */
    static List<String> items(int from, int to) {
        List<String> items = new ArrayList<>();
        for (int i = from; i < to; i++) {
            items.add("{\"id\": \"item-" + i + "\", \"prompt\": \"Question " + i + ": what comes next?\", "
                    + "\"reference\": \"" + (i % 7) + "\", \"metadata\": {\"n\": " + i + "}}");
        }
        return items;
    }

    static JsonNode json(ConsumerRecord<byte[], byte[]> record) {
        try {
            return JsonLines.MAPPER.readTree(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    /** The header's text, or null when the record has none of that name. */
    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The TINY synthetic model, written by the first test that asks for it. */
    static synchronized Path model() {
        if (model == null) {
            try {
                Path dir = Files.createTempDirectory("arbor-kafka-test-model");
                Path file = dir.resolve("tiny.gguf");
                SyntheticModel.write(file, SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, 7);
                dir.toFile().deleteOnExit(); // deleted last: deleteOnExit goes in reverse order
                file.toFile().deleteOnExit();
                model = file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model;
    }
}
