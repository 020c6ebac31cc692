package dev.arbor.jobs.kafka;

import dev.arbor.annotation.Internal;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Apache Kafka's jars, in a folder of their own (the build copies them to jobs/target/kafka-broker),
 * and the command line of a JVM that runs one of Kafka's programs from them: the broker and its
 * storage tool run on Kafka's class path only, never on Arbor's, and Arbor's never sees theirs.
 *
 * <p>Invariant: a {@code BrokerJars} names a folder that holds Kafka's server jar.
 */
@Internal
public final class BrokerJars {
    /** System property and environment variable naming the folder (default: next to Arbor's code). */
    public static final String PROPERTY = "arbor.kafka.broker.dir";
    public static final String ENV = "ARBOR_KAFKA_BROKER_DIR";

    private static final String SERVER_JAR = "kafka_2.13-";

    /**
     * The JVM options of Kafka's programs: a small heap, and the fastest start (a serial collector
     * and the client compiler only), which is what a one-node broker of a test or a laptop needs.
     */
    private static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");

    private final Path folder;

    private BrokerJars(Path folder) {
        this.folder = folder.toAbsolutePath();
    }

    /**
     * The jars in {@value #PROPERTY} or {@value #ENV} if set, else in {@code kafka-broker/} next to
     * Arbor's jar or classes (jobs/target/, where the build puts both).
     *
     * @throws IllegalStateException when that folder holds no Kafka server jar, saying how to build it
     */
    public static BrokerJars find() {
        String configured = System.getProperty(PROPERTY, System.getenv(ENV));
        return in(configured != null ? Path.of(configured) : besideCode().resolve("kafka-broker"));
    }

    /** The jars in {@code folder}. */
    public static BrokerJars in(Path folder) {
        if (serverJar(folder).isEmpty()) {
            throw new IllegalStateException("Kafka's broker jars are not in " + folder + ": build them with `mvn -pl "
                    + "jobs -am package -DskipTests` (they go to jobs/target/kafka-broker), or set " + ENV);
        }
        return new BrokerJars(folder);
    }

    public Path folder() {
        return folder;
    }

    /** Kafka's version, as its server jar is named ("4.2.0"). */
    public String version() {
        String name = serverJar(folder).orElseThrow().getFileName().toString();
        return name.substring(SERVER_JAR.length(), name.length() - ".jar".length());
    }

    /**
     * A process that runs {@code mainClass} from these jars in {@code workDir}, logging with the
     * Log4j 2 configuration {@code logConfig}, its output and errors together.
     */
    ProcessBuilder java(Path workDir, Path logConfig, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-Dlog4j2.configurationFile=" + logConfig);
        command.add("-cp");
        command.add(folder + File.separator + "*");
        command.add(mainClass);
        command.addAll(args);
        return new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    }

    private static Optional<Path> serverJar(Path folder) {
        try (Stream<Path> jars = Files.list(folder)) {
            return jars.filter(jar -> jar.getFileName().toString().startsWith(SERVER_JAR)
                    && jar.getFileName().toString().endsWith(".jar")).findFirst();
        } catch (IOException missing) {
            return Optional.empty();
        }
    }

    /** The directory of the jar (or the class folder's parent) this class was loaded from. */
    private static Path besideCode() {
        try {
            File location = new File(BrokerJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.toPath().toAbsolutePath().getParent();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Path.of("").toAbsolutePath();
        }
    }
}
