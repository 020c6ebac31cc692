package dev.arbor.jobs.config;

import dev.arbor.flink.ArborOptions;
import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;

/**
 * The model a job runs with: {@link ArborOptions#MODEL_PATH} when set, else the synthetic tiny model
 * (written once into the model cache), so that a fresh checkout runs end to end with no download.
 *
 * @param path the GGUF file
 * @param synthetic whether it is the synthetic model (its text is random)
 */
public record ModelChoice(String path, boolean synthetic) {
    /** Seed of the default synthetic model (the one `arbor demo` uses too). */
    public static final long SYNTHETIC_SEED = 42;

    /**
     * Resolves the model of {@code config}; a local model file that does not exist is an error
     * when {@code mustExistHere} (the job runs in this JVM), otherwise the cluster will tell.
     */
    public static ModelChoice resolve(Configuration config, boolean mustExistHere) {
        String configured = config.get(ArborOptions.MODEL_PATH);
        if (configured == null || configured.isBlank()) {
            Path file = SyntheticModels.cached(config.get(JobOptions.SYNTHETIC_MODEL), SyntheticModel.Size.TINY,
                    SyntheticModel.Precision.F32, SYNTHETIC_SEED);
            return new ModelChoice(file.toString(), true);
        }
        if (mustExistHere && !configured.contains("://")) {
            checkGguf(Path.of(configured));
        }
        return new ModelChoice(configured, false);
    }

    /** Fails fast, here, on what would otherwise fail every task after several restarts. */
    private static void checkGguf(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("the model file " + file + " does not exist (model.path)");
        }
        byte[] magic = new byte[4];
        try (java.io.InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(magic, 0, 4) < 4 || !"GGUF".equals(new String(magic, StandardCharsets.US_ASCII))) {
                throw new ConfigException("the model file " + file + " is not a GGUF file (model.path)");
            }
        } catch (IOException e) {
            throw new ConfigException("cannot read the model file " + file + " (model.path): " + dev.arbor.jobs.io.IoProblems.describe(e), e);
        }
    }

    /** One line for the user. */
    public String describe() {
        return synthetic ? path + " (synthetic tiny model: random weights, random text; set model.path or --model "
                + "for a real one)" : path;
    }
}
