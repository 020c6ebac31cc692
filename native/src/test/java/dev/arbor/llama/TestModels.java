package dev.arbor.llama;

import dev.arbor.llama.gguf.SyntheticModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/** Synthetic GGUF files for tests, written once per test JVM into a temporary directory. */
public final class TestModels {
    public static final long SEED = 42;
    private static final Map<String, Path> WRITTEN = new ConcurrentHashMap<>();

    private TestModels() {}

    /** The tiny F32 model every unit test uses. */
    public static Path tiny() {
        return file(SyntheticModel.Size.TINY, SyntheticModel.Precision.F32);
    }

    public static Path file(SyntheticModel.Size size, SyntheticModel.Precision precision) {
        return WRITTEN.computeIfAbsent(size + "-" + precision, key -> write(size, precision));
    }

    private static Path write(SyntheticModel.Size size, SyntheticModel.Precision precision) {
        try {
            Path dir = Files.createTempDirectory("arbor-test-models-");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(size.name().toLowerCase() + "-" + precision.name().toLowerCase() + ".gguf");
            SyntheticModel.write(file, size, precision, SEED);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A context with room for {@code nSeqMax} sequences, sized for small tests. */
    public static ContextParams smallContext(int nSeqMax) {
        return ContextParams.builder().nCtx(1024).nBatch(256).nSeqMax(nSeqMax).threads(2).build();
    }
}
