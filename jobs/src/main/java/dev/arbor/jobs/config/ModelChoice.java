package dev.arbor.jobs.config;

import dev.arbor.annotation.Internal;
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
@Internal
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

    /** The value of {@code prm.model} that names a synthetic process reward model ({@code synthetic[:ARCH]}). */
    public static final String SYNTHETIC_PRM = "synthetic";

    /**
     * The process reward model of {@code config} ({@link ArborOptions#PRM_MODEL}): null when unset;
     * {@code synthetic} or {@code synthetic:ARCH} (default qwen3, another tokenizer than the default
     * model's) is a synthetic tiny model written into the model cache, for trying a PRM scorer with no
     * download (its scores are random); anything else a GGUF file, checked as {@code model.path} is.
     */
    public static String resolvePrm(Configuration config, boolean mustExistHere) {
        String configured = config.get(ArborOptions.PRM_MODEL);
        if (configured == null || configured.isBlank()) {
            return null;
        }
        String value = configured.strip();
        if (value.equals(SYNTHETIC_PRM) || value.startsWith(SYNTHETIC_PRM + ":")) {
            String arch = value.contains(":") ? value.substring(value.indexOf(':') + 1) : "qwen3";
            dev.arbor.llama.gguf.SyntheticArchitecture architecture;
            try {
                architecture = dev.arbor.llama.gguf.SyntheticArchitecture.valueOf(arch.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("prm.model " + value + ": unknown synthetic architecture '" + arch + "'");
            }
            return SyntheticModels.cached(architecture, SyntheticModel.Size.TINY, SyntheticModel.Precision.F32,
                    SYNTHETIC_SEED + 1).toString();
        }
        if (mustExistHere && !value.contains("://")) {
            checkGguf(Path.of(value), "prm.model");
        }
        return value;
    }

    /** Fails fast, here, on what would otherwise fail every task after several restarts. */
    private static void checkGguf(Path file) {
        checkGguf(file, "model.path");
    }

    private static void checkGguf(Path file, String key) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("the model file " + file + " does not exist (" + key + ")");
        }
        byte[] magic = new byte[4];
        try (java.io.InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(magic, 0, 4) < 4 || !"GGUF".equals(new String(magic, StandardCharsets.US_ASCII))) {
                throw new ConfigException("the model file " + file + " is not a GGUF file (" + key + ")");
            }
        } catch (IOException e) {
            throw new ConfigException("cannot read the model file " + file + " (" + key + "): "
                    + dev.arbor.jobs.io.IoProblems.describe(e), e);
        }
    }

    /** One line for the user. */
    public String describe() {
        return synthetic ? path + " (synthetic tiny model: random weights, random text; set model.path or --model "
                + "for a real one)" : path;
    }
}
