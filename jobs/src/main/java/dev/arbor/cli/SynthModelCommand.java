package dev.arbor.cli;

import dev.arbor.llama.gguf.SyntheticArchitecture;
import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code arbor synth-model}: writes a synthetic GGUF model (random weights, real llama.cpp format) of
 * one of the {@link SyntheticArchitecture}s.
 */
@Command(name = "synth-model", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a synthetic GGUF model (random weights, small vocabulary): it runs through the real "
                + "llama.cpp code paths, but its text is random. One architecture per memory kind llama.cpp has. "
                + "Dense: llama (SentencePiece vocabulary), qwen3 (q/k norms, grouped-query attention, byte-level "
                + "BPE, a ChatML template), qwen3moe (qwen3 with experts). Sliding window: gemma3 (a 16-token window "
                + "TINY, 128 SMALL, and global layers). Hybrid: qwen35 (Qwen3.5's gated delta net and attention), "
                + "lfm2 (short convolutions and attention). Recurrent: mamba2.")
final class SynthModelCommand implements Callable<Integer> {
    @Option(names = "--arch", defaultValue = "LLAMA", paramLabel = "llama|qwen3|qwen3moe|gemma3|qwen35|lfm2|mamba2",
            description = "Architecture and tokenizer; default ${DEFAULT-VALUE}")
    SyntheticArchitecture architecture;

    @Option(names = "--size", defaultValue = "TINY", paramLabel = "TINY|SMALL",
            description = "TINY (0.13-0.23 M parameters, for tests) or SMALL (14-16 M, for benchmarks); "
                    + "default ${DEFAULT-VALUE}")
    SyntheticModel.Size size;

    @Option(names = "--precision", defaultValue = "F32", paramLabel = "F32|F16",
            description = "Weight matrix type; default ${DEFAULT-VALUE}")
    SyntheticModel.Precision precision;

    @Option(names = "--seed", defaultValue = "42", description = "Weights seed; default ${DEFAULT-VALUE}")
    long seed;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where to write it (default: the model cache, reused when already there)")
    Path output;

    @Override
    public Integer call() throws Exception {
        Path file;
        if (output == null) {
            file = SyntheticModels.cached(architecture, size, precision, seed);
        } else {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            architecture.write(output, size, precision, seed);
            file = output;
        }
        System.out.printf("%s%n  %s %s %s, seed %d, %,d bytes%n  use it with --model %s (or model.path in a job file)%n",
                file.toAbsolutePath(), architecture.ggufName(), size, precision, seed, Files.size(file),
                file.toAbsolutePath());
        return ExitCode.SUCCESS.code();
    }
}
