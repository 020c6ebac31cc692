package dev.arbor.jobs.run;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.ArborConfig;
import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.config.ConfigLoader;
import dev.arbor.jobs.config.JobOptions;
import dev.arbor.jobs.config.JobWideChecks;
import dev.arbor.jobs.config.ModelChoice;
import dev.arbor.jobs.io.InputFiles;
import dev.arbor.jobs.io.OutputLayout;
import dev.arbor.jobs.io.OutputLock;
import java.io.IOException;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.Path;

/**
 * The preparation every Arbor job shares before it builds its pipeline: where its outputs go, which
 * model it runs, and the operator's configuration, each validated up front so that a bad setting is
 * a {@link ConfigException} naming it (exit code 2), never a failure inside a running job.
 */
@Internal
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
     * of {@code config}, the model path resolved, then whatever {@code adjust} sets on top; and the
     * job-wide settings that no record can put right checked ({@link JobWideChecks}).
     */
    public static Operator operator(Configuration config, boolean local, UnaryOperator<ArborConfig.Builder> adjust) {
        ModelChoice model = ModelChoice.resolve(config, local);
        String prm = ModelChoice.resolvePrm(config, local);
        ArborConfig arbor;
        try {
            ArborConfig.Builder builder = ArborConfig.builder().setAll(config).modelPath(model.path());
            if (prm != null) {
                builder.set(dev.arbor.flink.ArborOptions.PRM_MODEL, prm);
            }
            arbor = adjust.apply(builder).build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid configuration: " + ConfigLoader.inJobTerms(e.getMessage()), e);
        }
        JobWideChecks.check(arbor, model.path().contains("://") ? Optional.empty()
                : Optional.of(java.nio.file.Path.of(model.path())));
        return new Operator(model, arbor);
    }

    /**
     * Refuses an output directory whose files the input would read: they would come back as input,
     * by the next run or, for a watched directory, by this one.
     */
    public static void checkOutputOutsideInput(JobInput input, Path output) {
        if (InputFiles.readsFrom(input.path(), output)) {
            String in = InputFiles.displayName(input.path());
            throw new ConfigException("the output directory " + InputFiles.displayName(output) + " is inside the input "
                    + "directory " + in + ", so its files would be read as input; choose an output outside " + in
                    + " (--output), or a hidden one such as " + in + "/.out");
        }
    }

    /** Locks the job's output for this run ({@link OutputLayout#lock}); a refusal is a {@link ConfigException}. */
    public static OutputLock lock(OutputLayout output, String command) {
        try {
            return output.lock(command);
        } catch (IOException e) {
            throw new ConfigException(e.getMessage(), e);
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
