package dev.arbor.cli;

import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.config.KafkaOptions;
import dev.arbor.jobs.io.OutputLock;
import dev.arbor.jobs.kafka.LocalKafkaBroker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code arbor kafka-dev}: a local Apache Kafka broker to try Arbor's Kafka mode against, the same
 * one the tests start ({@link LocalKafkaBroker}: KRaft, one node, its own JVM on 127.0.0.1). It
 * creates the topics Arbor's Kafka options name by default, prints the bootstrap address and the
 * commands to feed and read the topics, and runs until Ctrl-C, which stops the broker (and deletes
 * its data unless {@code --data} named a folder to keep).
 */
@Command(name = "kafka-dev", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Start a local Apache Kafka broker (KRaft, one node, on 127.0.0.1) with Arbor's default topics, "
                + "to try Arbor's Kafka mode against; Ctrl-C stops it. Nothing is downloaded: Kafka's jars "
                + "come with the build (jobs/target/kafka-broker).")
final class KafkaDevCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9092", description = "Client port on 127.0.0.1 (0: any free one); "
            + "default ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--topics", split = ",", paramLabel = "TOPIC[,TOPIC...]",
            description = "Topics to create; default: arbor-items, arbor-scores, arbor-aggregates, arbor-dead-letters, "
                    + "arbor-results (the defaults of the kafka.* keys)")
    List<String> topics;

    @Option(names = "--partitions", defaultValue = "2",
            description = "Partitions of each topic; default ${DEFAULT-VALUE}")
    int partitions;

    @Option(names = "--data", paramLabel = "DIR", description = "Keep the broker's data in DIR, to start it again "
            + "with what it held (default: a temporary folder, deleted when it stops)")
    Path data;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Set by Ctrl-C or an interrupt: the broker is to stop. */
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();

    @Override
    public Integer call() throws Exception {
        try (OutputLock held = lockData()) {
            return run();
        }
    }

    /** A kept data folder is one broker's at a time: a second kafka-dev on it is refused, naming the first. */
    private OutputLock lockData() {
        if (data == null) {
            return OutputLock.none();
        }
        try {
            return OutputLock.acquire(data, "arbor kafka-dev", "--data");
        } catch (IOException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    private Integer run() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LocalKafkaBroker broker = start();
        Thread onCtrlC = new Thread(() -> {
            stopRequested.set(true);
            stop(broker, out);
        }, "stop-kafka-dev");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            printHowToUse(out, broker, createTopics(broker));
            awaitStop(broker);
            if (stopRequested.get()) {
                return ExitCode.SUCCESS.code();
            }
            out.println("arbor kafka-dev: the broker exited by itself; the end of its log:");
            out.println(broker.logTail(20));
            out.flush();
            return ExitCode.JOB_FAILED.code();
        } finally {
            removeHook(onCtrlC);
            stop(broker, out);
        }
    }

    /** Until the broker exits, Ctrl-C stops it, or this thread is interrupted (how tests stop it). */
    private void awaitStop(LocalKafkaBroker broker) {
        try {
            while (broker.isRunning() && !stopRequested.get()) {
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            stopRequested.set(true);
        }
    }

    private LocalKafkaBroker start() {
        LocalKafkaBroker.Builder builder = LocalKafkaBroker.builder().port(port);
        if (data != null) {
            builder.directory(data);
        }
        try {
            return builder.start();
        } catch (IOException e) {
            throw new ConfigException("cannot start the Kafka broker: " + e.getMessage().lines().findFirst().orElse("")
                    + (e.getMessage().contains("in use") ? " (another broker? pass --port)" : ""), e);
        } catch (IllegalStateException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    /** Creates the topics that do not exist yet (a kept --data folder may hold them); returns all of them. */
    private List<String> createTopics(LocalKafkaBroker broker) throws IOException {
        List<String> wanted = topics != null ? topics : KafkaOptions.defaultTopics();
        broker.createTopics(partitions, wanted);
        return wanted;
    }

    private void printHowToUse(PrintWriter out, LocalKafkaBroker broker, List<String> created) {
        String bootstrap = broker.bootstrapServers();
        String tools = "java -cp '" + broker.jars().folder() + "/*' org.apache.kafka.tools.";
        out.println("arbor kafka-dev: Apache Kafka " + broker.jars().version() + " (KRaft, one node) at " + bootstrap);
        out.println("  topics   " + String.join(", ", created) + " (" + partitions + " partitions each)");
        out.println("  data in  " + broker.directory() + (data == null ? " (deleted when it stops)" : ""));
        out.println("send items and read scores with Kafka's console tools, in another shell:");
        out.println("  " + tools + "ConsoleProducer --bootstrap-server " + bootstrap + " --topic "
                + KafkaOptions.INPUT_TOPIC.defaultValue() + " < conf/examples/eval/items.jsonl");
        out.println("  " + tools + "consumer.ConsoleConsumer --bootstrap-server " + bootstrap + " --topic "
                + KafkaOptions.DEFAULT_SCORES_TOPIC + " --from-beginning --isolation-level read_committed");
        out.println("Ctrl-C stops the broker");
        out.flush();
    }

    /** Stops the broker once, from Ctrl-C's hook or when the command ends. */
    private void stop(LocalKafkaBroker broker, PrintWriter out) {
        if (stopped.getAndSet(true)) {
            return;
        }
        broker.close();
        out.println("arbor kafka-dev: stopped the broker at " + broker.bootstrapServers());
        out.flush();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
