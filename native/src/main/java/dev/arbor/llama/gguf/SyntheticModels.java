package dev.arbor.llama.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * A shared on-disk cache of synthetic models, so that demos, benchmarks and jobs write each
 * (architecture, size, precision, seed) once per machine and every later process reuses the file.
 * The file name carries all four, so models of different architectures never collide; llama files
 * keep the name they had before other architectures existed.
 *
 * <p>The directory is the system property {@value #CACHE_PROPERTY}, else
 * {@code ~/.cache/arbor/models}. Files are written under a temporary name and renamed into
 * place, so a reader never sees half a model even when several processes race to write it.
 */
@dev.arbor.annotation.PublicApi
public final class SyntheticModels {
    /** System property naming the cache directory. */
    public static final String CACHE_PROPERTY = "arbor.model.cache";

    private SyntheticModels() {}

    /** The cached llama model for these arguments, written first if it is not there yet. */
    public static Path cached(SyntheticModel.Size size, SyntheticModel.Precision precision, long seed) {
        return cached(SyntheticArchitecture.LLAMA, size, precision, seed);
    }

    /** The cached model file for these arguments, written first if it is not there yet. */
    public static Path cached(SyntheticArchitecture architecture, SyntheticModel.Size size,
            SyntheticModel.Precision precision, long seed) {
        return cached(fileName(architecture, size, precision, seed),
                file -> architecture.write(file, size, precision, seed));
    }

    /** Writes a model file into the cache. */
    private interface Writer {
        void write(Path file) throws IOException;
    }

    private static Path cached(String fileName, Writer writer) {
        Path dir = cacheDirectory();
        Path file = dir.resolve(fileName);
        if (Files.isRegularFile(file)) {
            return file;
        }
        try {
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, ".writing-", ".gguf");
            try {
                writer.write(partial);
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the synthetic model into " + dir, e);
        }
    }

    /**
     * The cached qwen3 model of {@code shape} with a byte-level vocabulary of {@code nVocab} tokens
     * ({@link VocabScaleModel}), written first if it is not there yet: a real vocabulary size for
     * measuring per-token costs, e.g. "synthetic-qwen3-e512-l8-v151936-f32-7.gguf".
     */
    @dev.arbor.annotation.Internal
    public static Path cachedQwen3(SyntheticQwen3Model.Shape shape, int nVocab, SyntheticModel.Precision precision,
            long seed) {
        String name = String.format(Locale.ROOT, "synthetic-qwen3-e%d-l%d-v%d-%s-%d.gguf", shape.nEmbd(),
                shape.nLayer(), nVocab, precision.name().toLowerCase(Locale.ROOT), seed);
        return cached(name, file -> VocabScaleModel.write(file, shape, nVocab, precision, seed));
    }

    /** The cache's file name for these arguments, e.g. "synthetic-qwen3-tiny-f32-42.gguf". */
    static String fileName(SyntheticArchitecture architecture, SyntheticModel.Size size,
            SyntheticModel.Precision precision, long seed) {
        String arch = architecture == SyntheticArchitecture.LLAMA ? "" : architecture.ggufName() + "-";
        return String.format(Locale.ROOT, "synthetic-%s%s-%s-%d.gguf", arch,
                size.name().toLowerCase(Locale.ROOT), precision.name().toLowerCase(Locale.ROOT), seed);
    }

    /** The directory models are cached in. */
    public static Path cacheDirectory() {
        String configured = System.getProperty(CACHE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "arbor", "models");
    }
}
