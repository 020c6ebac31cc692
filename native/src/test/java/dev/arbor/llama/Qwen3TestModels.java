package dev.arbor.llama;

import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticQwen3Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Synthetic qwen3 GGUF files for tests, written once per test JVM into a temporary directory. */
public final class Qwen3TestModels {
    public static final long SEED = 42;
    private static final Map<String, Path> WRITTEN = new ConcurrentHashMap<>();

    private Qwen3TestModels() {}

    /** The tiny F32 qwen3 model. */
    public static Path tiny() {
        return file(SyntheticModel.Size.TINY, SyntheticModel.Precision.F32);
    }

    public static Path file(SyntheticModel.Size size, SyntheticModel.Precision precision) {
        return WRITTEN.computeIfAbsent(size + "-" + precision, key -> write(size, precision));
    }

    private static Path write(SyntheticModel.Size size, SyntheticModel.Precision precision) {
        try {
            Path dir = Files.createTempDirectory("arbor-test-qwen3-");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve("qwen3-" + size.name().toLowerCase() + "-" + precision.name().toLowerCase()
                    + ".gguf");
            SyntheticQwen3Model.write(file, size, precision, SEED);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
