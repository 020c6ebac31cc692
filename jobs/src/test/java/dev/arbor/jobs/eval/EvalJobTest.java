package dev.arbor.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.jobs.JobFixtures;
import dev.arbor.jobs.run.JobRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.FileUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue test 2: {@code eval} on a watched directory where files appear while the job runs; the
 * per-item scores are consistent with the generated text and reference, and the windowed aggregates
 * add up to exactly the per-item scores.
 */
class EvalJobTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = JobFixtures.miniCluster();

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void scoresItemsOfFilesThatAppearAndAggregatesMatchThem() throws Exception {
        Path incoming = dir.resolve("incoming");
        Path output = dir.resolve("out");
        Map<String, String> overrides = JobFixtures.small(incoming, output);
        overrides.put("job.checkpoint-interval", "300 ms");
        overrides.put("input.monitor-interval", "200 ms");
        overrides.put("eval.window", "1 s");
        overrides.put("eval.regex", "[a-z]");
        JobClient job = EvalJob.start(JobFixtures.config(overrides));
        try {
            JobFixtures.writeAtomically(incoming, "first.jsonl",
                    "{\"id\": \"q1\", \"prompt\": \"Question: capital of France?\\nAnswer:\", \"reference\": \"Paris\"}",
                    "{\"id\": \"q2\", \"prompt\": \"Question: 2 plus 2?\\nAnswer:\", \"reference\": \"4\", "
                            + "\"regex\": \"\\\\d\", \"metadata\": {\"topic\": \"math\"}}",
                    "{\"id\": \"q3\", \"prompt\": \"The sky is\", \"reference\": \" blue \", \"width\": 3}");
            waitFor(() -> scores(output).size() == 3);

            JobFixtures.writeAtomically(incoming, "second.jsonl",
                    "{\"id\": \"q4\", \"prompt\": \"Bees make\", \"reference\": \"honey\"}",
                    "",
                    "{\"id\": \"q5-no-reference\", \"prompt\": \"Ice is\"}",
                    "{\"id\": \"q5\", \"prompt\": \"Ice is\", \"reference\": \"cold\", \"maxNewTokens\": 3}");
            waitFor(() -> scores(output).size() == 5 && rejected(output).size() == 1
                    && sum(aggregates(output), a -> a.get("count").asLong()) == 5);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }

        List<JsonNode> scores = scores(output);
        assertThat(scores).extracting(s -> s.get("id").asText()).containsExactlyInAnyOrder("q1", "q2", "q3", "q4", "q5");
        for (JsonNode score : scores) {
            String generated = score.get("generated").asText();
            String reference = score.get("reference").asText();
            assertThat(score.get("exactMatch").asBoolean()).isEqualTo(generated.trim().equals(reference.trim()));
            assertThat(score.get("contains").asBoolean()).isEqualTo(generated.contains(reference.trim()));
            assertThat(score.get("correct").asBoolean()).as("metric EXACT").isEqualTo(score.get("exactMatch").asBoolean());
            String regex = score.get("id").asText().equals("q2") ? "\\d" : "[a-z]";
            assertThat(score.get("regexMatch").asBoolean()).isEqualTo(java.util.regex.Pattern.compile(regex)
                    .matcher(generated).find());
            assertThat(score.get("referenceLogprob").asDouble()).isNegative();
            assertThat(score.get("referencePerplexity").asDouble()).isGreaterThanOrEqualTo(1.0);
            assertThat(score.get("generatedTokens").asInt()).isPositive();
            assertThat(score.get("metadata").fieldNames()).toIterable().noneMatch(k -> k.startsWith("arbor."));
        }
        assertThat(scores.stream().filter(s -> s.get("id").asText().equals("q2")).findFirst().orElseThrow()
                .get("metadata").get("topic").asText()).isEqualTo("math");

        JsonNode rejected = rejected(output).get(0);
        assertThat(rejected.get("file").asText()).isEqualTo(incoming.resolve("second.jsonl").toString());
        assertThat(rejected.get("line").asLong()).isEqualTo(3);
        assertThat(rejected.get("reason").asText()).contains("missing field 'reference'");

        List<JsonNode> aggregates = aggregates(output);
        assertThat(sum(aggregates, a -> a.get("count").asLong())).isEqualTo(5);
        assertThat(sum(aggregates, a -> a.get("correct").asLong())).isEqualTo(count(scores, "correct"));
        assertThat(sum(aggregates, a -> a.get("exactMatches").asLong())).isEqualTo(count(scores, "exactMatch"));
        assertThat(sum(aggregates, a -> a.get("containsMatches").asLong())).isEqualTo(count(scores, "contains"));
        assertThat(sum(aggregates, a -> a.get("regexItems").asLong())).isEqualTo(5);
        assertThat(sum(aggregates, a -> a.get("regexMatches").asLong())).isEqualTo(count(scores, "regexMatch"));
        assertThat(sum(aggregates, a -> a.get("generatedTokens").asLong()))
                .isEqualTo(sum(scores, s -> s.get("generatedTokens").asLong()));
        assertThat(sum(aggregates, a -> a.get("meanScore").asDouble() * a.get("count").asLong()))
                .isCloseTo(sum(scores, s -> s.get("score").asDouble()), within(1e-9));
        assertThat(sum(aggregates, a -> a.get("meanReferenceLogprob").asDouble() * a.get("referenceItems").asLong()))
                .isCloseTo(sum(scores, s -> s.get("referenceLogprob").asDouble()), within(1e-9));
        for (JsonNode aggregate : aggregates) {
            assertThat(aggregate.get("complete").asBoolean()).isTrue();
            assertThat(aggregate.get("accuracy").asDouble()).isCloseTo(
                    aggregate.get("correct").asDouble() / aggregate.get("count").asLong(), within(1e-12));
            assertThat(aggregate.get("tokensPerSecond").asDouble()).isCloseTo(
                    aggregate.get("generatedTokens").asDouble() / 1.0, within(1e-9));
        }
    }

    /** What Ctrl-C does to `arbor eval`: in-flight items finish, and the unfinished window is written too. */
    @Test
    void aDrainingStopCommitsEverythingIncludingTheUnfinishedWindow() throws Exception {
        Path incoming = dir.resolve("incoming");
        Path output = dir.resolve("out");
        Map<String, String> overrides = JobFixtures.small(incoming, output);
        overrides.put("job.checkpoint-interval", "300 ms");
        overrides.put("input.monitor-interval", "200 ms");
        overrides.put("eval.window", "1 h");
        JobClient job = EvalJob.start(JobFixtures.config(overrides));
        try {
            JobFixtures.writeAtomically(incoming, "items.jsonl",
                    "{\"id\": \"d1\", \"prompt\": \"One\", \"reference\": \"1\"}",
                    "{\"id\": \"d2\", \"prompt\": \"Two\", \"reference\": \"2\"}");
            waitFor(() -> scores(output).size() == 2);
            assertThat(aggregates(output)).as("the hour-long window has not ended").isEmpty();
        } finally {
            drain(job);
        }
        List<JsonNode> aggregates = aggregates(output);
        assertThat(aggregates).hasSize(1);
        assertThat(aggregates.get(0).get("count").asLong()).isEqualTo(2);
        assertThat(aggregates.get(0).get("complete").asBoolean()).isFalse();
        assertThat(aggregates.get(0).get("generatedTokens").asDouble())
                .isEqualTo(sum(scores(output), s -> s.get("generatedTokens").asLong()));
    }

    /**
     * Issue 10, defect 2: Ctrl-C while a file is being scored, then the same command again: every
     * item is scored exactly once, none is lost, and the scores of the first run stay.
     */
    @Test
    void aStopMidFileAndARestartScoreEveryItemExactlyOnce() throws Exception {
        Path incoming = dir.resolve("incoming");
        Path output = dir.resolve("out");
        Map<String, String> overrides = JobFixtures.small(incoming, output);
        overrides.put("job.checkpoint-interval", "300 ms");
        overrides.put("input.monitor-interval", "200 ms");
        overrides.put("input.settle-time", "0 ms");
        overrides.put("eval.window", "1 h");
        overrides.put("search.max-new-tokens", "48");
        overrides.put("search.stop-at-eog", "false");
        overrides.put("async.capacity", "2");
        String[] items = new String[120];
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < items.length; i++) {
            items[i] = i == 60 ? "{\"id\": \"no-reference\", \"prompt\": \"x\"}"
                    : "{\"id\": \"item-" + i + "\", \"prompt\": \"Question " + i + "?\", \"reference\": \"" + i + "\"}";
            if (i != 60) {
                expected.add("item-" + i);
            }
        }
        JobClient first = EvalJob.start(JobFixtures.config(overrides));
        List<String> firstRunFiles;
        try {
            JobFixtures.writeAtomically(incoming, "items.jsonl", items);
            waitFor(() -> scores(output).size() >= 3);
        } finally {
            JobRunner.suspend(first); // what Ctrl-C does
        }
        int scoredBeforeStop = scores(output).size();
        assertThat(scoredBeforeStop).as("the first run stopped in the middle of the file").isLessThan(expected.size());
        firstRunFiles = scoreFiles(output);

        JobClient second = EvalJob.start(JobFixtures.config(overrides)); // the same command again
        try {
            waitFor(() -> scores(output).size() >= expected.size() && rejected(output).size() == 1);
        } finally {
            second.cancel().get(30, TimeUnit.SECONDS);
        }
        List<String> ids = scores(output).stream().map(s -> s.get("id").asText()).toList();
        assertThat(ids).as("every item scored exactly once").hasSize(expected.size()).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(ids)).isEqualTo(expected);
        assertThat(rejected(output)).singleElement().satisfies(r -> assertThat(r.get("line").asLong()).isEqualTo(61));
        assertThat(scoreFiles(output)).as("the first run's scores are kept").containsAll(firstRunFiles);
    }

    /** Issue 10, defect 2: a file written into the watched directory in two parts is read whole. */
    @Test
    void aFileWrittenInTwoPartsIsReadWhole() throws Exception {
        Path incoming = dir.resolve("incoming");
        Path output = dir.resolve("out");
        Map<String, String> overrides = JobFixtures.small(incoming, output);
        overrides.put("job.checkpoint-interval", "300 ms");
        overrides.put("input.monitor-interval", "100 ms");
        overrides.put("input.settle-time", "2 s");
        JobClient job = EvalJob.start(JobFixtures.config(overrides));
        try {
            Path file = incoming.resolve("growing.jsonl");
            JobFixtures.write(file, "{\"id\": \"a1\", \"prompt\": \"One\", \"reference\": \"1\"}",
                    "{\"id\": \"a2\", \"prompt\": \"Two\", \"reference\": \"2\"}");
            Thread.sleep(500); // several listings of the directory see the first part alone
            Files.writeString(file, "{\"id\": \"a3\", \"prompt\": \"Three\", \"reference\": \"3\"}\n",
                    StandardOpenOption.APPEND);
            waitFor(() -> scores(output).size() == 3);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        assertThat(scores(output)).extracting(s -> s.get("id").asText()).containsExactlyInAnyOrder("a1", "a2", "a3");
        assertThat(rejected(output)).isEmpty();
    }

    /**
     * Issue 22, defect 3: a daily drop. A file that arrives under a name already read is read again
     * when its content differs (also when it arrived while the job was stopped), and not when it is
     * the same; every item is scored exactly once.
     */
    @Test
    void aFileDroppedAgainUnderTheSameNameIsReadOncePerContentAcrossARestart() throws Exception {
        Path incoming = dir.resolve("incoming");
        Path output = dir.resolve("out");
        Map<String, String> overrides = JobFixtures.small(incoming, output);
        overrides.put("job.checkpoint-interval", "300 ms");
        overrides.put("input.monitor-interval", "200 ms");
        overrides.put("input.settle-time", "300 ms");
        overrides.put("eval.window", "1 h");
        JobClient first = EvalJob.start(JobFixtures.config(overrides));
        try {
            JobFixtures.writeAtomically(incoming, "items.jsonl", day(1, 3));
            JobFixtures.writeAtomically(incoming, "other.jsonl", day(9, 1)); // stays: read once, restart or not
            waitFor(() -> scores(output).size() == 4);
            JobFixtures.writeAtomically(incoming, "items.jsonl", day(2, 2));
            waitFor(() -> scores(output).size() == 6);
            JobFixtures.writeAtomically(incoming, "items.jsonl", day(2, 2)); // the same content again
            Thread.sleep(2000); // several listings, settle time included
            assertThat(scores(output)).as("the same content is not read again").hasSize(6);
        } finally {
            JobRunner.suspend(first); // what Ctrl-C does
        }
        JobFixtures.writeAtomically(incoming, "items.jsonl", day(3, 2)); // arrives while the job is stopped

        JobClient second = EvalJob.start(JobFixtures.config(overrides)); // the same command again
        try {
            waitFor(() -> scores(output).size() >= 8);
            Thread.sleep(2000); // several listings: other.jsonl, read before the stop, is not read again
        } finally {
            second.cancel().get(30, TimeUnit.SECONDS);
        }
        List<String> ids = scores(output).stream().map(s -> s.get("id").asText()).toList();
        assertThat(ids).containsExactlyInAnyOrder("day1-0", "day1-1", "day1-2", "day2-0", "day2-1", "day3-0", "day3-1",
                "day9-0");
        assertThat(rejected(output)).isEmpty();
    }

    private static String[] day(int day, int items) {
        String[] lines = new String[items];
        for (int i = 0; i < items; i++) {
            lines[i] = "{\"id\": \"day" + day + "-" + i + "\", \"prompt\": \"Question " + i + " of day " + day
                    + "?\", \"reference\": \"" + i + "\"}";
        }
        return lines;
    }

    private static List<String> scoreFiles(Path output) throws Exception {
        try (var files = Files.list(output.resolve(EvalJob.SCORES))) {
            return files.map(f -> f.getFileName().toString()).filter(name -> !name.startsWith(".")).toList();
        }
    }

    private static List<JsonNode> scores(Path output) throws Exception {
        return JobFixtures.readJsonLines(output.resolve(EvalJob.SCORES));
    }

    private static List<JsonNode> rejected(Path output) throws Exception {
        return JobFixtures.readJsonLines(output.resolve(EvalJob.REJECTED));
    }

    private static List<JsonNode> aggregates(Path output) throws Exception {
        return JobFixtures.readJsonLines(output.resolve(EvalJob.AGGREGATES));
    }

    private static double sum(List<JsonNode> nodes, ToDoubleFunction<JsonNode> value) {
        return nodes.stream().mapToDouble(value).sum();
    }

    private static long count(List<JsonNode> nodes, String flag) {
        return nodes.stream().filter(node -> node.get(flag).asBoolean()).count();
    }

    private static void waitFor(Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for the eval job's outputs");
            }
            Thread.sleep(200);
        }
    }

    /**
     * Stops an unbounded job for good: a drain lets the records in flight finish and the last
     * windows fire, then a savepoint commits every output file. The savepoint is not kept, and
     * what the sources had not read yet is not read: to go on later, JobRunner.suspend instead.
     */
    static void drain(JobClient client) throws Exception {
        Path dir = Files.createTempDirectory("arbor-savepoint");
        try {
            client.stopWithSavepoint(true, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(120, TimeUnit.SECONDS);
        } finally {
            FileUtils.deleteDirectoryQuietly(dir.toFile());
        }
    }

}
