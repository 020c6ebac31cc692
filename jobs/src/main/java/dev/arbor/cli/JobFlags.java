package dev.arbor.cli;

import dev.arbor.jobs.config.ConfigLoader;
import dev.arbor.jobs.io.IoProblems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/**
 * The options every job command shares: a YAML file, {@code --set key=value} overrides, and friendly
 * flags for the common keys. Flags override the file; they all go through {@link ConfigLoader}, so
 * a bad flag value is reported like a bad file value, naming the key.
 */
final class JobFlags {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML job configuration (default: conf/<command>.yaml of the Arbor checkout)")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one key, e.g. --set search.width=8 (flink.<key> for Flink's own keys)")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = {"-m", "--model"}, paramLabel = "GGUF", description = "model.path (default: the synthetic model)")
    String model;

    @Option(names = {"-i", "--input"}, paramLabel = "PATH", description = "input.path")
    String input;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "output.path")
    String output;

    @Option(names = "--chat-template", paramLabel = "NAME",
            description = "chat.template: a built-in llama.cpp chat template for records with messages")
    String chatTemplate;

    @Option(names = "--json-schema", paramLabel = "FILE",
            description = "search.json-schema: every completion must be valid JSON of this schema (a file)")
    java.nio.file.Path jsonSchema;

    @Option(names = "--grammar", paramLabel = "FILE", description = "search.grammar: a GBNF file every completion follows")
    java.nio.file.Path grammar;

    @Option(names = "--strategy", paramLabel = "NAME",
            description = "search.strategy: beam, best_of_n, step_beam, dvts or self_consistency")
    String strategy;

    @Option(names = "--scorer", paramLabel = "NAME",
            description = "search.scorer: logprob, logprob_sum, prm, judge or a Scorer class name")
    String scorer;

    @Option(names = "--prm-model", paramLabel = "GGUF", description = "prm.model: the process reward model (scorer prm)")
    String prmModel;

    @Option(names = {"-n", "--width"}, paramLabel = "N", description = "search.width: beams or samples")
    String width;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "search.max-new-tokens")
    String maxNewTokens;

    @Option(names = "--temperature", paramLabel = "T", description = "sampler.temperature")
    String temperature;

    @Option(names = "--seed", paramLabel = "N", description = "search.seed")
    String seed;

    @Option(names = {"-p", "--parallelism"}, paramLabel = "N", description = "job.parallelism")
    String parallelism;

    @Option(names = "--cluster", paramLabel = "HOST:PORT",
            description = "job.cluster: run on this Flink cluster (REST endpoint) instead of in-process")
    String cluster;

    @Option(names = "--kafka-bootstrap", paramLabel = "HOST:PORT",
            description = "kafka.bootstrap: a Kafka broker; eval reads and writes topics, generate also sends its "
                    + "results to one")
    String kafkaBootstrap;

    @Option(names = "--output-topic", paramLabel = "TOPIC",
            description = "kafka.output-topic: eval's scores (arbor-scores), generate's results (arbor-results)")
    String outputTopic;

    @Option(names = "--overwrite", description = "output.overwrite: replace the outputs of an earlier run")
    boolean overwrite;

    /** The overrides in the order they apply: friendly flags, then --set. */
    Map<String, String> overrides() {
        Map<String, String> overrides = new LinkedHashMap<>();
        put(overrides, "model.path", model);
        put(overrides, "input.path", input);
        put(overrides, "output.path", output);
        put(overrides, "chat.template", chatTemplate);
        put(overrides, "search.json-schema", read(jsonSchema, "--json-schema"));
        put(overrides, "search.grammar", read(grammar, "--grammar"));
        put(overrides, "search.strategy", strategy);
        put(overrides, "search.scorer", scorer);
        put(overrides, "prm.model", prmModel);
        put(overrides, "search.width", width);
        put(overrides, "search.max-new-tokens", maxNewTokens);
        put(overrides, "sampler.temperature", temperature);
        put(overrides, "search.seed", seed);
        put(overrides, "job.parallelism", parallelism);
        put(overrides, "job.cluster", cluster);
        put(overrides, "kafka.bootstrap", kafkaBootstrap);
        put(overrides, "kafka.output-topic", outputTopic);
        if (overwrite) {
            overrides.put("output.overwrite", "true");
        }
        overrides.putAll(set);
        return overrides;
    }

    /** A flag's file as text (the option holds the text, so that the cluster needs no copy of the file). */
    private static String read(java.nio.file.Path file, String flag) {
        if (file == null) {
            return null;
        }
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new dev.arbor.jobs.config.ConfigException("cannot read " + file + " (" + flag + "): "
                    + IoProblems.describe(e), e);
        }
    }

    private static void put(Map<String, String> overrides, String key, String value) {
        if (value != null) {
            overrides.put(key, value);
        }
    }

    /** A command's own flag as a key (unless --set names it too, which wins); null: not given. */
    void setIfGiven(String key, String value) {
        if (value != null) {
            set.putIfAbsent(key, value);
        }
    }

    /** The loaded, validated configuration; {@code defaultFile} is used when no --config is given. */
    Configuration load(String defaultFile) {
        Path file = config != null ? config : ArborHome.conf(defaultFile);
        return new ConfigLoader().load(file, overrides());
    }

    /** Where the Arbor checkout (or installation) is: the conf/ directory holds the default job files. */
    static final class ArborHome {
        private ArborHome() {}

        /** {@code conf/<name>} of the Arbor home, or null when there is none. */
        static Path conf(String name) {
            Path home = home();
            Path file = home == null ? null : home.resolve("conf").resolve(name);
            return file != null && Files.isRegularFile(file) ? file : null;
        }

        /** System property arbor.home, else two levels above the jar (jobs/target/arbor-jobs.jar). */
        static Path home() {
            String configured = System.getProperty("arbor.home");
            if (configured != null) {
                return Path.of(configured);
            }
            try {
                Path code = Path.of(JobFlags.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                Path candidate = code.toAbsolutePath().getParent().getParent().getParent();
                return candidate != null && Files.isDirectory(candidate.resolve("conf")) ? candidate : null;
            } catch (Exception e) {
                return null;
            }
        }
    }
}
