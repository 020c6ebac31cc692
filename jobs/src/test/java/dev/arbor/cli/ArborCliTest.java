package dev.arbor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.gguf.SyntheticModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands as users run them. {@code generate} here runs the shipped conf/generate.yaml (found
 * without --config, as {@code ./arbor generate} does) on its own in-process MiniCluster.
 */
class ArborCliTest {
    @TempDir
    Path dir;

    /** Runs the command line, returning its exit code and what it printed on stdout. */
    private static Run run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = ArborCli.commandLine().execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    private record Run(int code, String out) {}

    private Path tinyModel() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(model, SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, 3);
        return model;
    }

    @Test
    void generateWithTheShippedConfigurationOnTheInProcessMiniCluster() throws Exception {
        Path output = dir.resolve("out");
        Run run = run("generate", "--model", tinyModel().toString(), "--output", output.toString(),
                "--max-new-tokens", "4", "--set", "context.threads=1");
        assertThat(run.code()).as(run.out()).isZero();
        assertThat(run.out()).containsPattern("records in +36 ").containsPattern("results +36")
                .contains("pairs/").contains("one result (").contains("\"winner\"");
        assertThat(output.resolve("summary.json")).content().contains("\"recordsIn\" : 36");
        assertThat(dev.arbor.jobs.run.LiveTokens.total()).as("tokens were counted as they were generated").isPositive();
    }

    @Test
    void synthModelWritesAGgufFile() throws Exception {
        Path model = dir.resolve("models/m.gguf");
        Run run = run("synth-model", "--size", "tiny", "--seed", "5", "-o", model.toString());
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains(model.toString()).contains("TINY F32, seed 5");
        byte[] magic = new byte[4];
        System.arraycopy(Files.readAllBytes(model), 0, magic, 0, 4);
        assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("GGUF");
    }

    @Test
    void infoDescribesTheSystemTheModelAndTheOptions() throws Exception {
        Run info = run("info", "--model", tinyModel().toString());
        assertThat(info.code()).isZero();
        // Issue 22: a size llama.cpp cannot name is told from the parameters, never "?B".
        assertThat(info.out()).doesNotContain("?B").containsPattern("llama \\d+K all F32");
        assertThat(info.out()).contains("flink      2.3.0").contains("llama.cpp").contains("parameters")
                .contains("vocabulary");
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(info.out()).contains(String.format("sizing     %d cores, 1 slot(s): %d decode thread(s) per slot",
                cores, cores)).contains("256 bytes per cell");
        Run twoSlots = run("info", "--model", tinyModel().toString(), "--slots", String.valueOf(2 * cores));
        assertThat(twoSlots.out()).as("more slots than cores: one thread each")
                .contains(String.format("%d slot(s): 1 decode thread(s) per slot", 2 * cores));
        assertThat(run("info", "--slots", "0").code()).as("a usage error").isEqualTo(2);
        Run options = run("info", "--options");
        assertThat(options.code()).isZero();
        assertThat(options.out()).contains("search.width").contains("input.path").contains("eval.window")
                .contains("flink.<key>");
    }
}
