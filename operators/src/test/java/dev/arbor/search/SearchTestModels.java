package dev.arbor.search;

import dev.arbor.llama.gguf.SyntheticModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tiny synthetic model for the operators' tests, written once per test JVM into a temporary directory. */
public final class SearchTestModels {
    public static final long SEED = 42;
    private static Path tiny;

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
}
