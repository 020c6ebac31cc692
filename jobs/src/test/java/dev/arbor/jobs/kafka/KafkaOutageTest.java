package dev.arbor.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.cli.ChildCli;
import dev.arbor.cli.ExitCode;
import dev.arbor.jobs.JobFixtures;
import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.eval.EvalJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, defect 7: losing the Kafka broker. The eval says so once (not Kafka's warnings several
 * times a second), stops with exit code 2 naming Kafka once the outage outlasts {@code
 * kafka.outage-timeout}, and the same command resumes once the broker is back, every item scored
 * exactly once; Ctrl-C during an outage stops at once and says how to go on; a broker that lost its
 * transactional state (a fresh one) is refused up front, with the choice in words.
 */
class KafkaOutageTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaFixtures.miniCluster();

    private static final Duration PATIENCE = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    private static Map<String, String> overrides(LocalKafkaBroker broker, String run, Path output) {
        Map<String, String> overrides = new LinkedHashMap<>(JobFixtures.small(output.resolveSibling("unused"), output));
        overrides.put("job.checkpoint-interval", "500 ms");
        overrides.put("kafka.bootstrap", broker.bootstrapServers());
        overrides.put("kafka.input-topic", run + "-items");
        overrides.put("kafka.output-topic", run + "-scores");
        overrides.put("kafka.aggregates-topic", run + "-aggregates");
        overrides.put("kafka.dead-letter-topic", run + "-dead-letters");
        overrides.put("kafka.group-id", run);
        overrides.put("kafka.starting-offsets", "EARLIEST");
        overrides.put("kafka.connect-timeout", "3 s");
        overrides.put("kafka.outage-timeout", "12 s");
        return overrides;
    }

    private static KafkaTestTopics topics(LocalKafkaBroker broker, String run) throws Exception {
        KafkaTestTopics topics = new KafkaTestTopics(broker);
        topics.create(1, run + "-items", run + "-scores", run + "-aggregates", run + "-dead-letters");
        return topics;
    }

    @Test
    void anOutagePastItsTimeoutStopsWithOneLineAndExit2AndTheSameCommandResumes() throws Exception {
        Path output = dir.resolve("out");
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().directory(dir.resolve("kafka")).start()) {
            KafkaTestTopics topics = topics(broker, "outage");
            topics.produceText("outage-items", KafkaFixtures.items(0, 20));
            Map<String, String> overrides = overrides(broker, "outage", output);
            ByteArrayOutputStream progress = new ByteArrayOutputStream();
            CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
                try {
                    EvalJob.run(JobFixtures.config(overrides), new PrintStream(progress, true, StandardCharsets.UTF_8));
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            topics.awaitCommitted("outage-scores", records -> records.size() >= 20, PATIENCE);

            broker.stop(); // the broker goes away, its data stays
            assertThatThrownBy(() -> run.get(2, TimeUnit.MINUTES)).hasCauseInstanceOf(ConfigException.class)
                    .hasMessageContaining("the Kafka broker at " + broker.bootstrapServers() + " has not answered for")
                    .hasMessageContaining("kafka.outage-timeout").hasMessageContaining("run the same command");
            String printed = progress.toString(StandardCharsets.UTF_8);
            assertThat(printed.split("does not answer", -1)).as("told once:\n" + printed).hasSize(2);

            broker.start(); // back, on the same port with the same data
            topics.produceText("outage-items", KafkaFixtures.items(20, 30));
            JobClient resumed = EvalJob.start(JobFixtures.config(overrides)); // the same command again
            try {
                topics.awaitCommitted("outage-scores", records -> records.size() >= 30, PATIENCE);
            } finally {
                resumed.cancel().get(60, TimeUnit.SECONDS);
            }
            List<String> ids = topics.readCommitted("outage-scores").stream().map(KafkaFixtures::key).toList();
            assertThat(ids).as("every item scored exactly once across the outage").hasSize(30).doesNotHaveDuplicates();
        }
    }

    @Test
    void ctrlCDuringAnOutageStopsAtOnceAndTellsHowToGoOn() throws Exception {
        Path output = dir.resolve("out");
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().directory(dir.resolve("kafka")).start()) {
            KafkaTestTopics topics = topics(broker, "interrupted");
            topics.produceText("interrupted-items", KafkaFixtures.items(0, 10));
            List<String> args = new ArrayList<>(List.of("eval"));
            overrides(broker, "interrupted", output).forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
            args.addAll(List.of("--set", "kafka.outage-timeout=5 min"));
            ChildCli eval = ChildCli.start(Files.createDirectories(dir.resolve("work")), args);
            topics.awaitCommitted("interrupted-scores", records -> records.size() >= 10, PATIENCE);

            broker.stop();
            for (int i = 0; i < 300 && !eval.err().contains("does not answer"); i++) {
                Thread.sleep(100);
            }
            long stopping = System.nanoTime();
            eval.interrupt();
            assertThat(eval.await(2)).as(eval.err()).isEqualTo(ExitCode.INTERRUPTED.code());
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("no wait for a savepoint that cannot be taken")
                    .isLessThan(Duration.ofSeconds(60));
            assertThat(eval.err()).contains("no savepoint could be taken: the job was cancelled instead")
                    .contains("run the same command once the broker is back");

            broker.start();
            topics.produceText("interrupted-items", KafkaFixtures.items(10, 15));
            JobClient resumed = EvalJob.start(JobFixtures.config(overrides(broker, "interrupted", output)));
            try {
                topics.awaitCommitted("interrupted-scores", records -> records.size() >= 15, PATIENCE);
            } finally {
                resumed.cancel().get(60, TimeUnit.SECONDS);
            }
            assertThat(topics.readCommitted("interrupted-scores").stream().map(KafkaFixtures::key).toList())
                    .hasSize(15).doesNotHaveDuplicates();
        }
    }

    @Test
    void aFreshBrokerCannotResumeAStateAndTheRefusalSaysWhatToDo() throws Exception {
        Path output = dir.resolve("out");
        Map<String, String> before;
        try (LocalKafkaBroker first = LocalKafkaBroker.builder().start()) {
            KafkaTestTopics topics = topics(first, "fresh");
            topics.produceText("fresh-items", KafkaFixtures.items(0, 5));
            before = overrides(first, "fresh", output);
            JobClient job = EvalJob.start(JobFixtures.config(before));
            try {
                topics.awaitCommitted("fresh-scores", records -> records.size() >= 5, PATIENCE);
            } finally {
                dev.arbor.jobs.run.JobRunner.suspend(job); // what Ctrl-C does: a savepoint to resume from
            }
        }
        try (LocalKafkaBroker fresh = LocalKafkaBroker.builder().start()) { // all data gone
            topics(fresh, "fresh");
            Map<String, String> after = overrides(fresh, "fresh", output);
            assertThatThrownBy(() -> EvalJob.prepare(JobFixtures.config(after), true))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("cannot be resumed at "
                            + fresh.bootstrapServers()).hasMessageContaining("--overwrite")
                    .hasMessageContaining("another --output");
            assertThat(output.resolve(".arbor-state")).as("nothing deleted").isDirectory();
            after.put("output.overwrite", "true");
            EvalJob.prepare(JobFixtures.config(after), true).lock().close(); // the first way on works
        }
    }
}
