package dev.arbor.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arbor.llama.gguf.SyntheticModel;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.client.cli.CliFrontend;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jar on a real Flink cluster: a standalone session cluster (a JobManager and two
 * TaskManagers, each its own JVM, plain Flink on loopback), the jar submitted with Flink's own
 * client ({@code flink run}, in its own process), one TaskManager killed while the job runs. The
 * job must finish with every input id exactly once, each result equal to a failure-free run's.
 */
class ClusterFailoverIT {
    // Enough work (several seconds per subtask) that both subtasks are still running when one is killed.
    private static final int RECORDS = 300;
    private static final Pattern COMPLETED_CHECKPOINT = Pattern.compile("Completed checkpoint \\d+ for job");
    private static final Pattern RECEIVED_TASK = Pattern.compile("Received task ");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Under target/, not a temporary directory, so that the processes' logs outlive a failure. */
    private final Path dir = Path.of("target", "cluster-it").toAbsolutePath();

    @Test
    void aJobSurvivesLosingATaskManagerWithEveryRecordExactlyOnce() throws Exception {
        deleteRecursively(dir);
        Files.createDirectories(dir);
        Path jar = Path.of(System.getProperty("arbor.jobJar", "target/arbor-jobs-flink.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded job jar (built by mvn package)").isRegularFile();
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(model, SyntheticModel.Size.TINY, 42);
        // Two files, so that both subtasks (one per TaskManager) read and search: either one's loss interrupts the job.
        Path input = writePrompts(Files.createDirectories(dir.resolve("prompts")));

        try (StandaloneCluster cluster = new StandaloneCluster(dir.resolve("cluster"), 2)) {
            cluster.startJobManager();
            cluster.startTaskManager();
            cluster.startTaskManager();
            cluster.client(Duration.ofSeconds(90)).close();

            Path reference = dir.resolve("reference");
            Process clean = flinkRun(cluster, jar, config(model, input, reference), "reference-run");
            assertThat(clean.waitFor(180, TimeUnit.SECONDS)).as("failure-free run finished").isTrue();
            assertThat(clean.exitValue()).as("failure-free run:\n" + log("reference-run")).isZero();

            Path output = dir.resolve("output");
            int checkpointsBefore = count(cluster, "jobmanager", COMPLETED_CHECKPOINT);
            int[] tasksBefore = {count(cluster, "taskmanager-1", RECEIVED_TASK),
                count(cluster, "taskmanager-2", RECEIVED_TASK)};
            Process run = flinkRun(cluster, jar, config(model, input, output), "failover-run");
            awaitLog(cluster, COMPLETED_CHECKPOINT, checkpointsBefore + 1, run);
            // Kill a TaskManager that runs part of this job (the scheduler decides where tasks land).
            int busy = count(cluster, "taskmanager-2", RECEIVED_TASK) > tasksBefore[1] ? 1 : 0;
            assertThat(count(cluster, "taskmanager-" + (busy + 1), RECEIVED_TASK)).isGreaterThan(tasksBefore[busy]);
            Process victim = cluster.taskManagers().get(busy);
            victim.destroyForcibly();
            victim.waitFor(10, TimeUnit.SECONDS);
            assertThat(run.waitFor(240, TimeUnit.SECONDS)).as("run with a failure finished").isTrue();
            assertThat(run.exitValue()).as("run with a failure:\n" + log("failover-run") + "\njobmanager:\n"
                    + cluster.logTail("jobmanager")).isZero();
            assertThat(count(cluster, "jobmanager", Pattern.compile("from state RUNNING to RESTARTING")))
                    .as("the job really restarted").isPositive();

            Map<String, JsonNode> expected = results(reference);
            Map<String, JsonNode> actual = results(output);
            assertThat(expected).hasSize(RECORDS);
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            for (Map.Entry<String, JsonNode> entry : expected.entrySet()) {
                JsonNode want = entry.getValue().get("winner");
                JsonNode got = actual.get(entry.getKey()).get("winner");
                assertThat(got.get("text")).as(entry.getKey()).isEqualTo(want.get("text"));
                assertThat(got.get("tokens")).as(entry.getKey()).isEqualTo(want.get("tokens"));
            }
        }
    }

    /** Runs {@code flink run} (Flink's CliFrontend) against the cluster, in its own process. */
    private Process flinkRun(StandaloneCluster cluster, Path jar, Path config, String name) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(StandaloneCluster.JVM_OPENS);
        command.addAll(List.of("-Xmx512m", "-cp", cluster.classPath(), CliFrontend.class.getName(), "run", "-m",
                "localhost:" + cluster.restPort(), jar.toString(), "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().put("FLINK_CONF_DIR", cluster.confDir().toString());
        return builder.start();
    }

    private Path config(Path model, Path input, Path output) throws IOException {
        Path file = dir.resolve(output.getFileName() + ".yaml");
        Files.writeString(file, String.join("\n",
                "model:", "  path: " + model,
                "context:", "  n-ctx: 2048", "  n-seq-max: 8", "  threads: 1",
                "search:", "  strategy: beam", "  width: 2", "  max-new-tokens: 24",
                "input:", "  path: " + input,
                "output:", "  path: " + output, "  formats: [jsonl]",
                "job:", "  parallelism: 2", "  checkpoint-interval: 200 ms", "  restart-attempts: 5", ""));
        return file;
    }

    private static Path writePrompts(Path directory) throws IOException {
        String[] subjects = {"the king", "a dog", "the old man", "my home", "the sea", "a big tree"};
        List<List<String>> files = List.of(new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < RECORDS; i++) {
            files.get(i % 2).add(String.format("{\"id\": \"p-%03d\", \"prompt\": \"once upon a time %s number %d\"}",
                    i, subjects[i % subjects.length], i));
        }
        Files.write(directory.resolve("part-a.jsonl"), files.get(0), StandardCharsets.UTF_8);
        Files.write(directory.resolve("part-b.jsonl"), files.get(1), StandardCharsets.UTF_8);
        return directory;
    }

    /** Results by id from the committed JSONL files; an id seen twice fails the test. */
    private static Map<String, JsonNode> results(Path output) throws IOException {
        Map<String, JsonNode> byId = new HashMap<>();
        try (Stream<Path> files = Files.walk(output.resolve("jsonl"))) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith("."))::iterator) {
                for (String line : Files.readAllLines(file)) {
                    JsonNode result = JSON.readTree(line);
                    String id = result.get("id").asText();
                    assertThat(byId.put(id, result)).as("id %s written once", id).isNull();
                }
            }
        }
        return byId;
    }

    private static int count(StandaloneCluster cluster, String process, Pattern pattern) throws IOException {
        Matcher matcher = pattern.matcher(Files.readString(cluster.logFile(process)));
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }

    private static void awaitLog(StandaloneCluster cluster, Pattern pattern, int atLeast, Process job)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (count(cluster, "jobmanager", pattern) < atLeast) {
            if (!job.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no checkpoint completed while the job ran; jobmanager log:\n"
                        + cluster.logTail("jobmanager"));
            }
            Thread.sleep(20);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }

    private String log(String name) throws IOException {
        File file = dir.resolve(name + ".log").toFile();
        return file.exists() ? Files.readString(file.toPath()) : "(no log)";
    }
}
