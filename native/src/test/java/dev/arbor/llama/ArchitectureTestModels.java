package dev.arbor.llama;

import dev.arbor.llama.gguf.SyntheticArchitecture;
import dev.arbor.llama.gguf.SyntheticModel.Precision;
import dev.arbor.llama.gguf.SyntheticModel.Size;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Synthetic models of every {@link SyntheticArchitecture} for tests, written once per test JVM into
 * a temporary directory (seed {@value #SEED}, like {@link TestModels} and {@link Qwen3TestModels}).
 */
public final class ArchitectureTestModels {
    public static final long SEED = 42;
    private static final Map<String, Path> WRITTEN = new ConcurrentHashMap<>();

    private ArchitectureTestModels() {}

    /** The TINY F32 model of an architecture. */
    public static Path tiny(SyntheticArchitecture architecture) {
        return file(architecture, Size.TINY, Precision.F32);
    }

    public static Path file(SyntheticArchitecture architecture, Size size, Precision precision) {
        return WRITTEN.computeIfAbsent(architecture + "-" + size + "-" + precision,
                key -> write(architecture, size, precision));
    }

    private static Path write(SyntheticArchitecture architecture, Size size, Precision precision) {
        try {
            Path dir = Files.createTempDirectory("arbor-test-" + architecture.ggufName() + "-");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(String.format(Locale.ROOT, "%s-%s-%s.gguf", architecture.ggufName(),
                    size.name().toLowerCase(Locale.ROOT), precision.name().toLowerCase(Locale.ROOT)));
            architecture.write(file, size, precision, SEED);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
