package dev.arbor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.jobs.config.ConfigLoader;
import dev.arbor.jobs.config.JobOptions;
import dev.arbor.llama.gguf.SyntheticModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 10, defect 3: earlier results are never deleted without being asked. A second run into the
 * same output is refused (exit 2) unless --overwrite is given, and even then only the files Arbor
 * wrote are deleted; the shipped configurations do not overwrite.
 */
class OutputSafetyTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            CommandLine cli = ArborCli.commandLine();
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void aSecondRunIsRefusedUnlessOverwriteAndThenOnlyArborsOwnFilesGo() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(model, SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, 3);
        Path input = dir.resolve("in.jsonl");
        Files.writeString(input, "{\"id\": \"a\", \"prompt\": \"Once upon a time\"}\n"
                + "{\"id\": \"b\", \"prompt\": \"The sea\"}\n{\"id\": \"c\", \"prompt\": \"\"}\n");
        Path output = dir.resolve("out");
        String[] args = {"generate", "--model", model.toString(), "--input", input.toString(), "--output",
            output.toString(), "--max-new-tokens", "4", "--set", "context.threads=1"};

        Run first = run(args);
        assertThat(first.code()).as(first.err()).isZero();
        List<Path> firstResults = files(output.resolve("jsonl"));
        assertThat(firstResults).isNotEmpty();
        Map<Path, String> userFiles = Map.of(output.resolve("notes.txt"), "mine", output.resolve("jsonl/my-notes.txt"),
                "mine too", output.resolve("avro/keep.avro"), "not Arbor's", output.resolve("rejected/README"), "x");
        for (Map.Entry<Path, String> file : userFiles.entrySet()) {
            Files.writeString(file.getKey(), file.getValue());
        }

        Run refused = run(args);
        assertThat(refused.code()).as("bad usage: exit 2").isEqualTo(ExitCode.BAD_USAGE.code());
        assertThat(refused.err()).contains("already holds the outputs of an earlier run").contains("--overwrite")
                .containsPattern("\\(\\d+ files in (avro/|jsonl/|rejected/|pairs/|summary.json)")
                .doesNotContain(" in /").doesNotContain("Exception");
        assertThat(files(output.resolve("jsonl"))).as("nothing deleted").containsAll(firstResults);

        String[] overwrite = Stream.concat(Stream.of(args), Stream.of("--overwrite")).toArray(String[]::new);
        Run replaced = run(overwrite);
        assertThat(replaced.code()).as(replaced.err()).isZero();
        assertThat(replaced.out()).containsPattern("records in +3 ").containsPattern("results +2")
                .containsPattern("rejected +1 ");
        for (Map.Entry<Path, String> file : userFiles.entrySet()) {
            assertThat(file.getKey()).as("a file Arbor did not write stays").hasContent(file.getValue());
        }
        assertThat(files(output.resolve("jsonl"))).doesNotContainAnyElementsOf(firstResults)
                .contains(output.resolve("jsonl/my-notes.txt"));
    }

    @Test
    void theShippedConfigurationsDoNotOverwrite() {
        for (String file : List.of("generate.yaml", "eval.yaml")) {
            assertThat(new ConfigLoader().load(Path.of("..", "conf", file), Map.of()).get(JobOptions.OUTPUT_OVERWRITE))
                    .as(file).isFalse();
        }
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }
}
