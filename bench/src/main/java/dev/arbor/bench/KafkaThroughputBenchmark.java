package dev.arbor.bench;

import dev.arbor.annotation.Internal;
import dev.arbor.jobs.config.ConfigLoader;
import dev.arbor.jobs.eval.EvalJob;
import dev.arbor.jobs.kafka.BrokerJars;
import dev.arbor.jobs.kafka.LocalKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The eval job on Kafka against the same job on files: the same {@value #ITEMS} items, the same
 * model and search, each operation one run of {@link EvalJob} from its start until every score is
 * committed (read back as a reader of the outputs sees them: {@code read_committed} from the scores
 * topic, or the committed part files of {@code scores/}). Both runs commit at the same checkpoint
 * interval, so both pay the same wait for the last commit; the broker is a local one
 * ({@link LocalKafkaBroker}, its own JVM on the same two cores, which is why the job decodes with
 * one thread here: see {@link #DECODE_THREADS}).
 */
@Internal
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class KafkaThroughputBenchmark {
    static final int ITEMS = 240;
    /**
     * One decode thread ({@code -Darbor.bench.kafka.threads} to change it): the broker runs on the same
     * two cores, and with two decode threads the figure measures how llama.cpp's threads suffer beside
     * a busy process (0.77x on 2026-12-01) rather than what Kafka costs the job.
     */
    static final int DECODE_THREADS = Integer.getInteger("arbor.bench.kafka.threads", 1);
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    private LocalKafkaBroker broker;
    private Path work;
    private List<String> items;
    private int run;
    private Map<String, String> overrides;
    private String scoresTopic;

    @Setup(Level.Trial)
    public void startBroker() throws IOException {
        if (System.getProperty(BrokerJars.PROPERTY) == null && System.getenv(BrokerJars.ENV) == null) {
            System.setProperty(BrokerJars.PROPERTY, checkout().resolve("jobs/target/kafka-broker").toString());
        }
        broker = LocalKafkaBroker.builder().port(0).start();
        work = Files.createTempDirectory("arbor-bench-kafka");
        items = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            items.add("{\"id\": \"item-" + i + "\", \"prompt\": \"Question " + i + ": once upon a time the king\", "
                    + "\"reference\": \"" + (i % 7) + "\"}");
        }
    }

    @Setup(Level.Invocation)
    public void prepareRun() throws Exception {
        run++;
        Path dir = work.resolve("run-" + run);
        overrides = new LinkedHashMap<>();
        overrides.put("model.path", BenchModels.file("SMALL").toString());
        overrides.put("context.n-ctx", "4096");
        overrides.put("context.n-seq-max", "16");
        overrides.put("context.threads", Integer.toString(DECODE_THREADS));
        overrides.put("search.width", "2");
        overrides.put("search.max-new-tokens", "16");
        overrides.put("search.stop-at-eog", "false");
        overrides.put("eval.window", "1 h");
        overrides.put("job.checkpoint-interval", "1 s");
        overrides.put("job.progress-interval", "1 h");
        overrides.put("input.monitor-interval", "200 ms");
        overrides.put("input.settle-time", "0 ms");
        overrides.put("input.path", dir.resolve("incoming").toString());
        overrides.put("output.path", dir.resolve("out").toString());
        // Both inputs are in place before the job starts: the file for files(), the topic for kafka().
        Files.createDirectories(dir.resolve("incoming"));
        Files.write(dir.resolve("incoming/items.jsonl"), items, StandardCharsets.UTF_8);
        String prefix = "run-" + run + "-";
        scoresTopic = prefix + "scores";
        createTopics(prefix + "items", scoresTopic, prefix + "aggregates", prefix + "dead-letters");
        produce(prefix + "items");
        overrides.put("kafka.input-topic", prefix + "items");
        overrides.put("kafka.output-topic", scoresTopic);
        overrides.put("kafka.aggregates-topic", prefix + "aggregates");
        overrides.put("kafka.dead-letter-topic", prefix + "dead-letters");
        overrides.put("kafka.group-id", prefix + "group");
        overrides.put("kafka.starting-offsets", "EARLIEST");
    }

    @Benchmark
    public long kafka() throws Exception {
        Map<String, String> kafka = new LinkedHashMap<>(overrides);
        kafka.put("kafka.bootstrap", broker.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> reader = scoresReader()) {
            long[] seen = {0};
            return runUntilScored(kafka, () -> seen[0] += reader.poll(Duration.ZERO).count());
        }
    }

    @Benchmark
    public long files() throws Exception {
        Map<String, String> files = new LinkedHashMap<>(overrides);
        files.keySet().removeIf(key -> key.startsWith("kafka."));
        Path scores = Path.of(overrides.get("output.path")).resolve(EvalJob.SCORES);
        return runUntilScored(files, () -> committedLines(scores));
    }

    @TearDown(Level.Trial)
    public void stopBroker() throws IOException {
        broker.close();
        try (Stream<Path> paths = Files.walk(work)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private long runUntilScored(Map<String, String> settings, LongSupplier scored) throws Exception {
        JobClient job = EvalJob.start(new ConfigLoader().load(null, settings));
        try {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            long count;
            while ((count = scored.getAsLong()) < ITEMS) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + count + " of " + ITEMS + " items scored in " + PATIENCE);
                }
                Thread.sleep(250);
            }
            return count;
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    private void createTopics(String... names) throws IOException {
        broker.createTopics(1, List.of(names));
    }

    private void produce(String topic) throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(items.size());
            for (String item : items) {
                sent.add(producer.send(new ProducerRecord<>(topic, item)));
            }
            producer.flush();
            for (Future<RecordMetadata> future : sent) {
                future.get(); // a failed send fails the run here, not as a wait for scores that never come
            }
        }
    }

    /** A read_committed reader of the scores topic from its beginning. */
    private KafkaConsumer<byte[], byte[]> scoresReader() {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties);
        TopicPartition partition = new TopicPartition(scoresTopic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }

    private static long committedLines(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            long lines = 0;
            for (Path file : files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                try (Stream<String> text = Files.lines(file)) {
                    lines += text.filter(line -> !line.isBlank()).count();
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The source checkout this benchmark runs from (bench/target/arbor-bench.jar or bench/target/classes). */
    private static Path checkout() {
        try {
            Path code = Path.of(KafkaThroughputBenchmark.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI());
            return code.toAbsolutePath().getParent().getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
