package dev.arbor.jobs.kafka;

import dev.arbor.annotation.Internal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka broker (KRaft mode: broker and controller in one process, no ZooKeeper) for
 * tests and for trying Arbor by hand ({@code arbor kafka-dev}): a separate JVM started from Kafka's
 * own jars in their own folder ({@link BrokerJars}), so none of them joins Arbor's class path,
 * listening on {@value #HOST} only, with its data in a folder of its own, formatted by Kafka's
 * storage tool before the first start. Nothing is downloaded: the jars come with the build.
 *
 * <p>{@link #start()} returns once the broker answers requests and leads all its partitions;
 * {@link #stop()} shuts it down and keeps its data, so a later {@link #start()} is a broker restart
 * on the same ports (clients keep their bootstrap address); {@link #close()} stops it and deletes a
 * data folder it created. If this JVM exits first, a shutdown hook ends the broker's process.
 */
@Internal
public final class LocalKafkaBroker implements AutoCloseable {
    /** The only address the broker listens on. */
    public static final String HOST = "127.0.0.1";
    private final BrokerJars jars;
    private final Path dir;
    private final boolean ownsDir;
    private final int port;
    private final int controllerPort;
    /** How long formatting and starting may take together (a busy 2-core machine), and topic creation. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private final Thread shutdownHook = new Thread(this::destroy, "stop-kafka-broker");
    private Process process;
    private boolean formatted;

    private LocalKafkaBroker(Builder builder) throws IOException {
        this.jars = BrokerJars.find();
        this.ownsDir = builder.dir == null;
        this.dir = ownsDir ? Files.createTempDirectory("arbor-kafka-") : Files.createDirectories(builder.dir);
        this.port = builder.port != 0 ? builder.port : freePort();
        this.controllerPort = freePort();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A broker to configure; {@link Builder#start()} starts it. */
    public static Builder builder() {
        return new Builder();
    }

    /** "127.0.0.1:port": what clients name as {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    /** The folder of the broker's data, configuration and log ({@value #LOG}). */
    public Path directory() {
        return dir;
    }

    /** Kafka's jars, the broker's class path. */
    public BrokerJars jars() {
        return jars;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Starts the broker (formatting its storage the first time) and waits until it answers.
     *
     * @throws IOException when it cannot be started or does not answer within the start timeout;
     *     the message holds the end of its log
     */
    public synchronized void start() throws IOException {
        if (isRunning()) {
            return;
        }
        requireFree(port);
        Path config = writeConfig();
        if (!formatted && !isFormatted()) {
            format(config);
        }
        formatted = true;
        process = java("kafka.Kafka", List.of(config.toString()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(LOG).toFile())).start();
        awaitReady();
    }

    /**
     * Creates those of {@code topics} that do not exist yet ({@code partitions} each, one replica)
     * and returns once every partition has its leader, so that a client can write to them at once.
     *
     * @throws IOException when the broker does not create them in time; the message holds the end of its log
     */
    public void createTopics(int partitions, Collection<String> topics) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(adminProperties(deadline))) {
            Set<String> existing = admin.listTopics().names().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : new LinkedHashSet<>(topics)) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, partitions, (short) 1));
                }
            }
            admin.createTopics(missing).all().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            awaitLeaders(admin, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating " + topics, e);
        } catch (Exception e) {
            throw new IOException("the broker at " + bootstrapServers() + " did not create " + topics + ": " + e
                    + "\n" + logTail(30), e);
        }
    }

    /** Shuts the broker down as Kafka's own stop script does (SIGTERM, a controlled shutdown); data stays. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Stops the broker and deletes the data folder if this broker created it. */
    @Override
    public synchronized void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        if (ownsDir) {
            deleteRecursively(dir);
        }
    }

    /** The last {@code lines} lines of the broker's log, for error messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(dir.resolve(LOG), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no broker log: " + e.getMessage() + ")";
        }
    }

    static final String LOG = "broker.log";

    private Path writeConfig() throws IOException {
        Map<String, String> config = BrokerProperties.singleNode(port, controllerPort, dir.resolve("data"));
        Path file = dir.resolve("server.properties");
        Files.writeString(file, BrokerProperties.render(config), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("log4j2.properties"), LOG_CONFIG, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * Whether the data folder holds a formatted node already (a kept {@code --data} folder): Kafka's
     * storage tool refuses to format it again, and the broker starts on what it holds.
     */
    private boolean isFormatted() {
        return Files.exists(dir.resolve("data").resolve("meta.properties"));
    }

    /** Kafka's storage tool writes the node's identity and the cluster's first metadata into the data folder. */
    private void format(Path config) throws IOException {
        String clusterId = Uuid.randomUuid().toString();
        Process format = java("kafka.tools.StorageTool", List.of("format", "--cluster-id", clusterId, "--config",
                config.toString())).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(LOG).toFile())).start();
        try {
            if (!format.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                format.destroyForcibly();
                throw new IOException("Kafka's storage tool did not format " + dir + " within "
                        + START_TIMEOUT.toSeconds() + " s:\n" + logTail(20));
            }
            if (format.exitValue() != 0) {
                throw new IOException("Kafka's storage tool could not format " + dir + " (exit code "
                        + format.exitValue() + "):\n" + logTail(20));
            }
        } catch (InterruptedException e) {
            format.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while formatting the broker's storage", e);
        }
    }

    /** Ready when the client port accepts connections and the broker describes its cluster. */
    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(port)) {
            if (!process.isAlive()) {
                throw new IOException("the Kafka broker exited with code " + process.exitValue() + " while starting:\n"
                        + logTail(30));
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IOException("the Kafka broker did not start within " + START_TIMEOUT.toSeconds() + " s:\n"
                        + logTail(30));
            }
            sleep(50);
        }
        try (Admin admin = Admin.create(adminProperties(deadline))) {
            admin.describeCluster().nodes().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            awaitLeaders(admin, deadline);
        } catch (Exception e) {
            stop();
            throw new IOException("the Kafka broker at " + bootstrapServers() + " does not answer: " + e + "\n"
                    + logTail(30), e);
        }
    }

    /**
     * A restarted broker answers before it leads its partitions again; a client that writes in that
     * moment gets NOT_LEADER_OR_FOLLOWER, and Kafka's idempotent producer can then lose track of its
     * sequence numbers for good. So the broker is ready once every partition has its leader.
     */
    private void awaitLeaders(Admin admin, long deadline) throws Exception {
        while (true) {
            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                    .get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            boolean led = topics.isEmpty() || admin.describeTopics(topics).allTopicNames()
                    .get(remainingMillis(deadline), TimeUnit.MILLISECONDS).values().stream()
                    .flatMap(topic -> topic.partitions().stream())
                    .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
            if (led) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the broker does not lead all its partitions within " + START_TIMEOUT.toSeconds()
                        + " s");
            }
            sleep(50);
        }
    }

    private static long remainingMillis(long deadline) {
        return Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    }

    private Properties adminProperties(long deadline) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        int timeout = (int) Math.max(1000, (deadline - System.nanoTime()) / 1_000_000);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 5000));
        properties.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        return properties;
    }

    private ProcessBuilder java(String mainClass, List<String> args) {
        return jars.java(dir, dir.resolve("log4j2.properties"), mainClass, args);
    }

    /** Warnings and errors only, plus the broker's "started" and "shut down" lines. */
    private static final String LOG_CONFIG = String.join("\n", "rootLogger.level = WARN",
            "rootLogger.appenderRef.console.ref = console", "appender.console.type = Console",
            "appender.console.name = console", "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
            "logger.server.name = kafka.server.KafkaRaftServer", "logger.server.level = INFO", "");

    private void destroy() {
        Process running = process;
        if (running != null) {
            running.destroyForcibly();
        }
    }

    private static void requireFree(int port) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(HOST, port));
        } catch (IOException e) {
            throw new IOException("port " + port + " on " + HOST + " is in use (" + e.getMessage() + ")", e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the Kafka broker started", e);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp folder left behind is harmless
        }
    }

    /** Settings of a {@link LocalKafkaBroker}; every one has a default. */
    public static final class Builder {
        private Path dir;
        private int port;

        private Builder() {}

        /** The client port; 0 (the default) picks a free one. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** Where data, configuration and log go; default a new temporary folder, deleted on close. */
        public Builder directory(Path value) {
            this.dir = value;
            return this;
        }

        /** Creates the broker and starts it; on failure nothing is left running. */
        public LocalKafkaBroker start() throws IOException {
            LocalKafkaBroker broker = new LocalKafkaBroker(this);
            try {
                broker.start();
                return broker;
            } catch (IOException | RuntimeException e) {
                broker.close();
                throw e;
            }
        }
    }
}
