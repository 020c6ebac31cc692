package dev.arbor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.jobs.JobFixtures;
import dev.arbor.jobs.io.OutputLock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 22, defects 1 and 2: an output directory belongs to one job at a time. Two jobs started on
 * one output (each its own process, as from two terminals): the second is refused with exit code 2
 * and a line naming the first, and the first writes every record once. The lock goes with the job,
 * however it ends: SIGTERM releases it after the job's stop; a job killed with SIGKILL leaves a stale
 * lock that the next run takes over.
 */
class OneJobPerOutputTest {
    @TempDir
    Path dir;

    private record Run(int code, String err) {}

    private static Run runHere(String... args) {
        PrintStream original = System.out;
        StringWriter err = new StringWriter();
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            CommandLine cli = ArborCli.commandLine();
            cli.setErr(new PrintWriter(err, true));
            return new Run(cli.execute(args), err.toString());
        } finally {
            System.setOut(original);
        }
    }

    private List<String> common(Path output) {
        return List.of("--model", JobFixtures.model().toString(), "--output", output.toString(), "--set",
                "context.threads=1", "--set", "context.n-ctx=512", "--width", "2");
    }

    @Test
    void aSecondGenerateOnTheSameOutputIsRefusedAndTheFirstWritesEveryRecordOnce() throws Exception {
        Path input = dir.resolve("in.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            lines.add("{\"id\": \"r" + i + "\", \"prompt\": \"Once upon a time " + i + "\"}");
        }
        Files.write(input, lines);
        Path output = dir.resolve("out");
        List<String> args = new ArrayList<>(List.of("generate", "--input", input.toString(), "--max-new-tokens", "32"));
        args.addAll(common(output));

        ChildCli first = ChildCli.start(dir, args);
        awaitLock(output, first);
        Run second = runHere(args.toArray(String[]::new));
        assertThat(second.code()).as(second.err()).isEqualTo(ExitCode.BAD_USAGE.code());
        assertThat(second.err()).contains("is in use by another Arbor job: arbor generate (pid " + first.pid())
                .contains("--output").hasLineCount(1);

        assertThat(first.await(5)).as(first.err()).isZero();
        assertThat(first.out()).containsPattern("records in +120 ").containsPattern("results +120\\b")
                .doesNotContain("duplicate ids");
        List<JsonNode> results = JobFixtures.readJsonLines(output.resolve("jsonl"));
        assertThat(results.stream().map(r -> r.get("id").asText()).collect(Collectors.toSet())).hasSize(120);
        assertThat(results).hasSize(120);
        assertThat(output.resolve(OutputLock.FILE)).as("released at the end").doesNotExist();
    }

    @Test
    void aSecondEvalIsRefusedAndSigtermReleasesTheOutputAfterTheSavepoint() throws Exception {
        Path output = dir.resolve("eval-out");
        List<String> args = new ArrayList<>(List.of("eval", "--input", dir.resolve("incoming").toString(),
                "--set", "job.checkpoint-interval=1 s"));
        args.addAll(common(output));
        ChildCli first = ChildCli.start(dir, args);
        awaitLock(output, first);

        Run second = runHere(args.toArray(String[]::new));
        assertThat(second.code()).as(second.err()).isEqualTo(ExitCode.BAD_USAGE.code());
        assertThat(second.err()).contains("arbor eval (pid " + first.pid()).hasLineCount(1);

        awaitCheckpoint(output, first);
        first.terminate();
        assertThat(first.await(3)).as(first.err()).isEqualTo(ExitCode.TERMINATED.code());
        assertThat(first.err()).contains("job stopped with a savepoint");
        assertThat(output.resolve(OutputLock.FILE)).as("released once the job stopped").doesNotExist();
    }

    @Test
    void aJobKilledWithSigkillLeavesAStaleLockThatTheNextRunTakesOver() throws Exception {
        Path input = dir.resolve("in.jsonl");
        Files.writeString(input, "{\"id\": \"a\", \"prompt\": \"Once upon a time\"}\n");
        Path output = dir.resolve("out");
        List<String> eval = new ArrayList<>(List.of("eval", "--input", dir.resolve("incoming").toString()));
        eval.addAll(common(output));
        ChildCli killed = ChildCli.start(dir, eval);
        awaitLock(output, killed);
        killed.kill();
        killed.await(1);
        assertThat(output.resolve(OutputLock.FILE)).as("no hook ran").exists();

        List<String> generate = new ArrayList<>(List.of("generate", "--input", input.toString(), "--max-new-tokens",
                "4"));
        generate.addAll(common(output));
        Run next = runHere(generate.toArray(String[]::new));
        assertThat(next.code()).as(next.err()).isZero();
        assertThat(output.resolve(OutputLock.FILE)).doesNotExist();
    }

    private static void awaitLock(Path output, ChildCli child) throws Exception {
        for (int i = 0; i < 600 && !Files.exists(output.resolve(OutputLock.FILE)); i++) {
            if (!child.isAlive()) {
                throw new AssertionError("the first job ended before it locked its output:\n" + child.err());
            }
            Thread.sleep(100);
        }
        assertThat(output.resolve(OutputLock.FILE)).exists();
    }

    /** Until the eval job has completed a checkpoint: it runs, so a stop takes a savepoint. */
    private static void awaitCheckpoint(Path output, ChildCli child) throws Exception {
        Path checkpoints = output.resolve(".arbor-state").resolve("checkpoints");
        for (int i = 0; i < 1200; i++) {
            if (Files.isDirectory(checkpoints)) {
                try (var found = Files.find(checkpoints, 3, (path, attributes) -> path.getFileName().toString()
                        .equals("_metadata"))) {
                    if (found.findAny().isPresent()) {
                        return;
                    }
                }
            }
            if (!child.isAlive()) {
                throw new AssertionError("the eval job ended:\n" + child.err());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the eval job completed no checkpoint:\n" + child.err());
    }
}
