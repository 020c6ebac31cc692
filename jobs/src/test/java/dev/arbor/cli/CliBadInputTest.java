package dev.arbor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.flink.ModelRegistry;
import dev.arbor.jobs.JobFixtures;
import dev.arbor.llama.gguf.SyntheticModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 10: configuration mistakes of the command line are configuration errors (exit 2, one line
 * naming the key or file), found before any work or after one attempt, never after retries.
 */
class CliBadInputTest {
    @TempDir
    Path dir;

    private record Run(int code, String err) {}

    private static Run run(String... args) {
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

    private Path input() throws Exception {
        Path input = dir.resolve("in.jsonl");
        Files.writeString(input, "{\"id\": \"a\", \"prompt\": \"Once upon a time\"}\n");
        return input;
    }

    private Path model() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(model, SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, 3);
        return model;
    }

    @Test
    void aMaxNewTokensThatCanNeverFitIsAConfigurationError() throws Exception {
        Run run = run("generate", "--model", model().toString(), "--input", input().toString(), "--output",
                dir.resolve("out").toString(), "--max-new-tokens", "600000000");
        assertThat(run.code()).isEqualTo(ExitCode.BAD_USAGE.code());
        assertThat(run.err()).contains("search.max-new-tokens x search.width (600000000 x 4 = 2400000000")
                .doesNotContain("arbor.search")
                .contains("the command line").doesNotContain("\tat ");
    }

    @Test
    void aBadValueOfAFlinkKeyIsAConfigurationError() throws Exception {
        Run run = run("generate", "--model", model().toString(), "--input", input().toString(), "--output",
                dir.resolve("out").toString(), "--set", "flink.taskmanager.memory.process.size=abc");
        assertThat(run.code()).isEqualTo(ExitCode.BAD_USAGE.code());
        assertThat(run.err()).contains("invalid value 'abc' for flink.taskmanager.memory.process.size")
                .contains("the command line");
    }

    /** Issue 22, defect 8: an output the input would read back is refused before anything runs. */
    @Test
    void anOutputInsideTheInputDirectoryIsRefused() throws Exception {
        Path inputs = Files.createDirectories(dir.resolve("inputs"));
        Files.copy(input(), inputs.resolve("prompts.jsonl"));
        Run generate = run("generate", "--model", model().toString(), "--input", inputs.toString(), "--output",
                inputs.resolve("out").toString());
        assertThat(generate.code()).as(generate.err()).isEqualTo(ExitCode.BAD_USAGE.code());
        assertThat(generate.err()).contains("is inside the input directory " + inputs).contains("--output")
                .hasLineCount(1);
        assertThat(inputs.resolve("out")).as("nothing written").doesNotExist();

        Run eval = run("eval", "--model", model().toString(), "--input", inputs.toString(), "--output",
                inputs.resolve("scores").toString());
        assertThat(eval.code()).as(eval.err()).isEqualTo(ExitCode.BAD_USAGE.code());
        assertThat(eval.err()).contains("is inside the input directory");

        Run hidden = run("generate", "--model", model().toString(), "--input", inputs.toString(), "--output",
                inputs.resolve(".out").toString(), "--max-new-tokens", "4", "--set", "context.threads=1");
        assertThat(hidden.code()).as("a hidden output is never read as input: " + hidden.err()).isZero();
    }

    /** Issue 22, defect 9: a missing file says so once, naming the flag. */
    @Test
    void aMissingFlagFileIsNamedOnceWithTheFlag() throws Exception {
        Path missing = dir.resolve("schema.json");
        Run run = run("generate", "--model", model().toString(), "--input", input().toString(), "--output",
                dir.resolve("out").toString(), "--json-schema", missing.toString());
        assertThat(run.code()).isEqualTo(ExitCode.BAD_USAGE.code());
        assertThat(run.err()).contains("cannot read " + missing + " (--json-schema): no such file or directory")
                .hasLineCount(1);
    }

    /**
     * Issue 22, defect 5: a job-wide chat template, grammar or JSON Schema that can never work stops
     * the command before anything runs, with exit code 2 and one line naming the key.
     */
    @Test
    void jobWideSettingsThatCanNeverWorkAreRefusedUpFront() throws Exception {
        Map<String[], String> cases = new LinkedHashMap<>();
        cases.put(new String[] {"--chat-template", "nope"}, "chat.template (--chat-template) 'nope' is not one of "
                + "llama.cpp's built-in chat templates (");
        cases.put(new String[] {"--grammar", file("empty-class.gbnf", "root ::= \"a\" [z-a]")},
                "search.grammar (--grammar) accepts no text: rule 'root' can never be completed");
        cases.put(new String[] {"--grammar", file("circular.gbnf", "root ::= a\na ::= \"x\" root")},
                "accepts no text");
        cases.put(new String[] {"--grammar", file("unclosed.gbnf", "root ::= \"a")},
                "invalid grammar in search.grammar (--grammar): line 1, column 10");
        cases.put(new String[] {"--grammar", file("left.gbnf", "root ::= root \"a\" | \"b\"")},
                "invalid grammar in search.grammar (--grammar)");
        cases.put(new String[] {"--json-schema", file("cut.json", "{\"type\": ")},
                "invalid search.json-schema (--json-schema)");
        cases.put(new String[] {"--json-schema", file("pattern.json", "{\"type\": \"string\", \"pattern\": \"a+\"}")},
                "pattern");
        cases.put(new String[] {"--json-schema", file("impossible.json",
            "{\"type\": \"integer\", \"minimum\": 5, \"maximum\": 3}")}, "invalid search.json-schema (--json-schema)");
        cases.put(new String[] {"--json-schema", file("schema.json", "{\"type\": \"string\"}"), "--grammar",
            file("g.gbnf", "root ::= \"x\"")}, "search.grammar and search.json-schema exclude each other");
        for (Map.Entry<String[], String> c : cases.entrySet()) {
            List<String> args = new ArrayList<>(List.of("generate", "--model", model().toString(), "--input",
                    input().toString(), "--output", dir.resolve("out").toString()));
            args.addAll(List.of(c.getKey()));
            Run run = run(args.toArray(String[]::new));
            assertThat(run.code()).as(String.join(" ", c.getKey()) + ": " + run.err()).isEqualTo(ExitCode.BAD_USAGE.code());
            assertThat(run.err()).as(String.join(" ", c.getKey())).contains(c.getValue()).hasLineCount(1);
            assertThat(dir.resolve("out")).as("nothing written").doesNotExist();
        }
    }

    /** Issue 22, defect 9: llama.cpp's own error about a grammar is in the message, not an extra ERROR line. */
    @Test
    void aLeftRecursiveGrammarPrintsOneLineAndNoNativeErrorLine() throws Exception {
        ChildCli child = ChildCli.start(dir, List.of("generate", "--model", model().toString(), "--input",
                input().toString(), "--output", dir.resolve("out").toString(), "--grammar",
                file("left.gbnf", "root ::= root \"a\" | \"b\"")));
        assertThat(child.await(2)).isEqualTo(ExitCode.BAD_USAGE.code());
        assertThat(child.err()).contains("invalid grammar in search.grammar").doesNotContain("ERROR")
                .doesNotContain("native").hasLineCount(1);
    }

    /** Issue 22, defect 9: a broker that does not answer is one line, not Kafka's warnings before it. */
    @Test
    void anUnreachableKafkaBrokerIsOneLine() throws Exception {
        int nobody;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            nobody = socket.getLocalPort();
        }
        ChildCli child = ChildCli.start(dir, List.of("eval", "--model", model().toString(), "--output",
                dir.resolve("out").toString(), "--kafka-bootstrap", "127.0.0.1:" + nobody, "--set",
                "kafka.connect-timeout=2 s"));
        assertThat(child.await(2)).isEqualTo(ExitCode.BAD_USAGE.code());
        assertThat(child.err()).contains("cannot reach a Kafka broker at 127.0.0.1:" + nobody).hasLineCount(1);
    }

    private String file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content).toString();
    }

    /** Issue 22, defect 4: input lost to a cut-off file is not a success. */
    @Test
    void aCutOffAvroInputEndsWithExitCode4() throws Exception {
        Path avro = dir.resolve("requests.avro");
        JobFixtures.writeAvroRequests(avro, 30);
        try (RandomAccessFile file = new RandomAccessFile(avro.toFile(), "rw")) {
            file.setLength(file.length() - 10);
        }
        Run run = run("generate", "--model", model().toString(), "--input", avro.toString(), "--output",
                dir.resolve("out").toString(), "--max-new-tokens", "2", "--set", "context.threads=1");
        assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.INCOMPLETE.code());
    }

    /** Issue 22, defect 5: a run in which not one record became a result is not a success. */
    @Test
    void aRunInWhichEveryRecordWasRejectedEndsWithExitCode4() throws Exception {
        Path input = dir.resolve("wide.jsonl");
        Files.writeString(input, "{\"id\": \"a\", \"prompt\": \"x\", \"width\": 64}\n"
                + "{\"id\": \"b\", \"prompt\": \"y\", \"width\": 64}\n");
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = ArborCli.commandLine().execute("generate", "--model", model().toString(), "--input",
                    input.toString(), "--output", dir.resolve("out").toString(), "--set", "context.threads=1");
        } finally {
            System.setOut(original);
        }
        assertThat(code).isEqualTo(ExitCode.INCOMPLETE.code());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("NO RESULTS: every record was rejected, 2 of 2 with "
                + "WIDTH_TOO_LARGE");
    }

    @Test
    void aModelThatCannotLoadFailsOnceWithExitCode2() throws Exception {
        Path model = model();
        try (RandomAccessFile file = new RandomAccessFile(model.toFile(), "rw")) {
            file.setLength(file.length() * 6 / 10); // tensor data cut off
        }
        ModelRegistry.Key key = new ModelRegistry.Key(model, 0);
        int failedBefore = ModelRegistry.shared().failedLoads(key);
        Run run = run("generate", "--model", model.toString(), "--input", input().toString(), "--output",
                dir.resolve("out").toString(), "--set", "context.threads=1", "--set", "job.restart-attempts=3");
        assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.BAD_USAGE.code());
        assertThat(run.err()).contains("the model " + model + " cannot be loaded").contains("(model.path)");
        assertThat(ModelRegistry.shared().failedLoads(key) - failedBefore).as("loaded once, not after each restart")
                .isEqualTo(1);
    }
}
