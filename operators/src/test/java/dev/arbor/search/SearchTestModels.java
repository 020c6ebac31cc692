package dev.arbor.search;

import dev.arbor.llama.gguf.SyntheticArchitecture;
import dev.arbor.llama.gguf.SyntheticModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/** The tiny synthetic model for the operators' tests, written once per test JVM into a temporary directory. */
public final class SearchTestModels {
    public static final long SEED = 42;
    private static Path tiny;
    private static final Map<SyntheticArchitecture, Path> FAMILIES = new EnumMap<>(SyntheticArchitecture.class);

    private SearchTestModels() {}

    public static synchronized Path tiny() {
        if (tiny == null) {
            try {
                Path dir = Files.createTempDirectory("arbor-search-models-");
                dir.toFile().deleteOnExit();
                tiny = dir.resolve("tiny.gguf");
                SyntheticModel.write(tiny, SyntheticModel.Size.TINY, SEED);
                tiny.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tiny;
    }

    /** The tiny model of one architecture (every memory kind llama.cpp has), written once per test JVM. */
    public static synchronized Path tiny(SyntheticArchitecture architecture) {
        return FAMILIES.computeIfAbsent(architecture, arch -> {
            try {
                Path dir = Files.createTempDirectory("arbor-search-" + arch.ggufName() + "-");
                dir.toFile().deleteOnExit();
                Path file = dir.resolve(arch.ggufName() + "-tiny.gguf");
                arch.write(file, SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, SEED);
                file.toFile().deleteOnExit();
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
