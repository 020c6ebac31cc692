package dev.arbor.jobs.run;

import dev.arbor.flink.ArborConfig;
import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.config.JobOptions;
import dev.arbor.jobs.config.ModelChoice;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.Path;

/**
 * The preparation every Arbor job shares before it builds its pipeline: where its outputs go, which
 * model it runs, and the operator's configuration, each validated up front so that a bad setting is
 * a {@link ConfigException} naming it (exit code 2), never a failure inside a running job.
 */
public final class JobSetup {
    private JobSetup() {}

    /** The output directory ({@code output.path}). */
    public static Path outputRoot(Configuration config) {
        String outputPath = config.get(JobOptions.OUTPUT_PATH);
        if (outputPath == null || outputPath.isBlank()) {
            throw new ConfigException("no output directory: set output.path in the configuration file or pass --output");
        }
        return new Path(outputPath);
    }

    /**
     * The model the job runs and the operator's configuration for it: every {@code arbor.*} option
     * of {@code config}, the model path resolved, then whatever {@code adjust} sets on top.
     */
    public static Operator operator(Configuration config, boolean local, UnaryOperator<ArborConfig.Builder> adjust) {
        ModelChoice model = ModelChoice.resolve(config, local);
        String prm = ModelChoice.resolvePrm(config, local);
        try {
            ArborConfig.Builder builder = ArborConfig.builder().setAll(config).modelPath(model.path());
            if (prm != null) {
                builder.set(dev.arbor.flink.ArborOptions.PRM_MODEL, prm);
            }
            return new Operator(model, adjust.apply(builder).build());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid configuration: " + e.getMessage(), e);
        }
    }

    /** The job's name: {@code job.name}, else {@code fallback}. */
    public static String jobName(Configuration config, String fallback) {
        String name = config.get(JobOptions.NAME);
        return name == null ? fallback : name;
    }

    /** The model a job runs and the operator configuration made for it. */
    public record Operator(ModelChoice model, ArborConfig arbor) {}
}
