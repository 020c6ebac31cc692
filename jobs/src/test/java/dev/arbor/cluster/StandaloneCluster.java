package dev.arbor.cluster;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A Flink standalone session cluster for tests: a JobManager and TaskManagers, each its own JVM
 * started from Flink's entrypoint classes with Flink's jars from the test class path (Arbor's own
 * classes left out, so that jobs must bring them in their jar), listening on loopback only.
 *
 * <p>{@link #close()} stops every process it started, and a shutdown hook does so too if the test
 * JVM dies first.
 */
final class StandaloneCluster implements AutoCloseable {
    /** The module openings Flink's start scripts give every Flink JVM on Java 17. */
    static final List<String> JVM_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final Path dir;
    private final Path confDir;
    private final int restPort;
    private final String classPath;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> taskManagers = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::destroyAll, "stop-test-cluster");

    StandaloneCluster(Path dir, int slotsPerTaskManager) throws IOException {
        this.dir = dir;
        this.confDir = Files.createDirectories(dir.resolve("conf"));
        this.restPort = freePort();
        this.classPath = flinkOnlyClassPath();
        String yaml = String.join("\n",
                "jobmanager.rpc.address: localhost",
                "jobmanager.rpc.port: " + freePort(),
                "jobmanager.bind-host: localhost",
                "jobmanager.memory.process.size: 768m",
                "taskmanager.host: localhost",
                "taskmanager.bind-host: localhost",
                "taskmanager.numberOfTaskSlots: " + slotsPerTaskManager,
                "taskmanager.memory.process.size: 1024m",
                "taskmanager.memory.managed.size: 32m",
                "rest.address: localhost",
                "rest.bind-address: localhost",
                "rest.port: " + restPort,
                // A killed TaskManager must be noticed in seconds, not the default 50.
                "heartbeat.interval: 500 ms",
                "heartbeat.timeout: 4 s",
                // Spread subtasks over the TaskManagers (the test still checks where they landed).
                "taskmanager.load-balance.mode: SLOTS",
                "restart-strategy.type: fixed-delay",
                "restart-strategy.fixed-delay.attempts: 10",
                "restart-strategy.fixed-delay.delay: 500 ms",
                "execution.checkpointing.dir: " + dir.resolve("checkpoints").toUri(),
                "");
        Files.writeString(confDir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    void startJobManager() throws IOException {
        processes.add(java("jobmanager", List.of("-Xmx512m"), StandaloneSessionClusterEntrypoint.class.getName(),
                List.of("--configDir", confDir.toString())));
    }

    /** Starts a TaskManager with its memory fully resolved, as Flink's start script does. */
    Process startTaskManager() throws IOException {
        Configuration config = GlobalConfiguration.loadConfiguration(confDir.toString());
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(config);
        List<String> jvm = Arrays.asList(ProcessMemoryUtils.generateJvmParametersStr(spec).trim().split(" "));
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        args.addAll(Arrays.asList(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec).trim().split(" ")));
        Process taskManager = java("taskmanager-" + (taskManagers.size() + 1), jvm, TaskManagerRunner.class.getName(),
                args);
        processes.add(taskManager);
        taskManagers.add(taskManager);
        return taskManager;
    }

    /** A REST client of this cluster, once its endpoint answers. */
    RestClusterClient<StandaloneClusterId> client(Duration timeout) throws Exception {
        Configuration config = GlobalConfiguration.loadConfiguration(confDir.toString());
        RestClusterClient<StandaloneClusterId> client = new RestClusterClient<>(config,
                StandaloneClusterId.getInstance());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                client.listJobs().get(2, TimeUnit.SECONDS);
                return client;
            } catch (Exception notYet) {
                if (System.nanoTime() > deadline) {
                    client.close();
                    throw new IllegalStateException("the JobManager's REST endpoint did not come up; log:\n"
                            + logTail("jobmanager"), notYet);
                }
                Thread.sleep(200);
            }
        }
    }

    Configuration clientConfiguration() {
        return GlobalConfiguration.loadConfiguration(confDir.toString());
    }

    int restPort() {
        return restPort;
    }

    Path confDir() {
        return confDir;
    }

    /** The Flink-only class path the cluster's JVMs (and a flink run client) use. */
    String classPath() {
        return classPath;
    }

    Path logFile(String name) {
        return dir.resolve(name + ".log");
    }

    List<Process> taskManagers() {
        return taskManagers;
    }

    /** The last lines of a process's log, for failure messages. */
    String logTail(String name) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        destroyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    private void destroyAll() {
        for (Process process : processes) {
            process.destroyForcibly();
        }
        for (Process process : processes) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Process java(String name, List<String> jvmArgs, String mainClass, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPENS);
        command.addAll(jvmArgs);
        command.add("-Dlog4j.configurationFile=" + writeLogConfig());
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(args);
        File log = dir.resolve(name + ".log").toFile();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    private String writeLogConfig() throws IOException {
        Path file = confDir.resolve("log4j2.properties");
        if (!Files.exists(file)) {
            Files.writeString(file, String.join("\n", "rootLogger.level = INFO",
                    "rootLogger.appenderRef.console.ref = console", "appender.console.type = Console",
                    "appender.console.name = console", "appender.console.layout.type = PatternLayout",
                    "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n", ""));
        }
        return file.toString();
    }

    /**
     * The test class path as a Flink distribution's lib/ would have it: without Arbor's modules and
     * without what the job jar brings itself (flink-avro, Avro, Jackson, picocli). Flink loads
     * org.apache.flink.* parent-first, so a flink-avro on the cluster's class path would serialize
     * the job's Avro records with the cluster's Avro and take them for plain classes.
     */
    private static String flinkOnlyClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("arbor-") && !entry.matches(".*/(native|operators|jobs)/target/.*"))
                .filter(entry -> !entry.matches(".*/(flink-avro|avro|jackson-[a-z]+|picocli|jmh-[a-z]+)-[0-9][^/]*\\.jar"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
