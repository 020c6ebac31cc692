package dev.arbor.jobs.config;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/** Range checks of {@link JobOptions}; messages name the key (as users write it) and where it was set. */
final class JobOptionsValidator {
    private JobOptionsValidator() {}

    /** @param originOf full key -> " (where it was set)" or "" */
    static void validate(Configuration config, UnaryOperator<String> originOf) {
        Checker check = new Checker(config, originOf);
        check.atLeast(JobOptions.PARALLELISM, 1);
        check.atLeast(JobOptions.RESTART_ATTEMPTS, 0);
        check.notNegative(JobOptions.CHECKPOINT_INTERVAL);
        check.positive(JobOptions.INPUT_MONITOR_INTERVAL);
        check.notNegative(JobOptions.INPUT_SETTLE_TIME);
        check.positive(JobOptions.PROGRESS_INTERVAL);
        check.positive(JobOptions.EVAL_WINDOW);
        if (config.get(JobOptions.OUTPUT_FORMATS).isEmpty()) {
            check.fail(JobOptions.OUTPUT_FORMATS, "must name at least one of AVRO, JSONL");
        }
        config.getOptional(JobOptions.CLUSTER).ifPresent(cluster -> {
            if (!cluster.matches("[^:\\s]+:\\d{1,5}")) {
                check.fail(JobOptions.CLUSTER, "must be host:port (the cluster's REST endpoint), was '" + cluster + "'");
            }
        });
        config.getOptional(JobOptions.EVAL_REGEX).ifPresent(regex -> {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                check.fail(JobOptions.EVAL_REGEX, "is not a valid regular expression: " + e.getDescription());
            }
        });
    }

    private record Checker(Configuration config, UnaryOperator<String> originOf) {
        void atLeast(ConfigOption<Integer> option, int min) {
            int value = config.get(option);
            if (value < min) {
                fail(option, "must be >= " + min + ", was " + value);
            }
        }

        void positive(ConfigOption<Duration> option) {
            Duration value = config.get(option);
            if (value.isZero() || value.isNegative()) {
                fail(option, "must be positive, was " + value);
            }
        }

        void notNegative(ConfigOption<Duration> option) {
            if (config.get(option).isNegative()) {
                fail(option, "must not be negative, was " + config.get(option));
            }
        }

        void fail(ConfigOption<?> option, String problem) {
            throw new ConfigException("invalid configuration: " + ConfigLoader.userKey(option.key()) + " " + problem
                    + originOf.apply(option.key()));
        }
    }
}
