package dev.arbor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.gguf.GgufReader;
import dev.arbor.llama.gguf.SyntheticArchitecture;
import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticModels;
import dev.arbor.llama.gguf.SyntheticQwen3Model;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code arbor synth-model --arch ...}: the file each architecture's writer makes. */
class SynthModelCommandTest {
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
            cli.setErr(new PrintWriter(err));
            int code = cli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void qwen3WritesTheQwen3ModelByteForByte() throws Exception {
        Path model = dir.resolve("q.gguf");
        Run run = run("synth-model", "--arch", "qwen3", "--size", "tiny", "--seed", "5", "-o", model.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains(model.toString()).contains("qwen3 TINY F32, seed 5");
        Path expected = dir.resolve("expected.gguf");
        SyntheticQwen3Model.write(expected, SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, 5);
        assertThat(Files.readAllBytes(model)).isEqualTo(Files.readAllBytes(expected));
        assertThat(GgufReader.read(model).architecture()).contains("qwen3");
    }

    @Test
    void everyMemoryKindIsOfferedByItsGgufName() throws Exception {
        for (SyntheticArchitecture arch : SyntheticArchitecture.values()) {
            Path model = dir.resolve(arch.ggufName() + ".gguf");
            Run run = run("synth-model", "--arch", arch.ggufName(), "--seed", "5", "-o", model.toString());
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).contains(arch.ggufName() + " TINY F32, seed 5");
            Path expected = dir.resolve(arch.ggufName() + "-expected.gguf");
            arch.write(expected, SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, 5);
            assertThat(Files.readAllBytes(model)).as(arch.name()).isEqualTo(Files.readAllBytes(expected));
            assertThat(GgufReader.read(model).architecture()).contains(arch.ggufName());
        }
        String help = run("synth-model", "--help").out();
        for (SyntheticArchitecture arch : SyntheticArchitecture.values()) {
            assertThat(help).contains(arch.ggufName());
        }
    }

    @Test
    void llamaIsTheDefault() throws Exception {
        Path model = dir.resolve("l.gguf");
        Run run = run("synth-model", "--precision", "f16", "--seed", "5", "-o", model.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("llama TINY F16, seed 5");
        Path expected = dir.resolve("expected.gguf");
        SyntheticModel.write(expected, SyntheticModel.Size.TINY, SyntheticModel.Precision.F16, 5);
        assertThat(Files.readAllBytes(model)).isEqualTo(Files.readAllBytes(expected));
    }

    @Test
    void withoutAnOutputTheCacheKeysOnTheArchitecture() {
        String previous = System.setProperty(SyntheticModels.CACHE_PROPERTY, dir.toString());
        try {
            assertThat(run("synth-model", "--arch", "QWEN3", "--seed", "6").code()).isZero();
            assertThat(run("synth-model", "--arch", "llama", "--seed", "6").code()).isZero();
            assertThat(dir.resolve("synthetic-qwen3-tiny-f32-6.gguf")).isRegularFile();
            assertThat(dir.resolve("synthetic-tiny-f32-6.gguf")).isRegularFile();
        } finally {
            if (previous == null) {
                System.clearProperty(SyntheticModels.CACHE_PROPERTY);
            } else {
                System.setProperty(SyntheticModels.CACHE_PROPERTY, previous);
            }
        }
    }

    @Test
    void anUnknownArchitectureIsAUsageError() {
        Run run = run("synth-model", "--arch", "gpt2", "-o", dir.resolve("x.gguf").toString());
        assertThat(run.code()).isEqualTo(ExitCode.BAD_USAGE.code());
        assertThat(run.err()).contains("--arch").contains("LLAMA").contains("QWEN3").contains("GEMMA3")
                .contains("MAMBA2");
        assertThat(dir.resolve("x.gguf")).doesNotExist();
    }
}
