package dev.arbor.jobs.kafka;

import dev.arbor.annotation.PublicApi;
import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.config.ConfigLoader;
import dev.arbor.jobs.config.KafkaOptions;
import dev.arbor.jobs.config.StartingOffsets;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The checked Kafka settings of one job ({@link KafkaOptions}), read on the client before the job is
 * built. A bad value is a {@link ConfigException} that names its key ({@code kafka.input-topic}),
 * which the CLI reports as bad configuration (exit code 2).
 *
 * <p>Invariants: the bootstrap list is HOST:PORT entries; every topic is a legal Kafka topic name;
 * for eval, the input topic is none of the output topics (a job reading its own output would feed on
 * itself).
 */
@PublicApi
public record KafkaSettings(String bootstrap, String inputTopic, String outputTopic, String aggregatesTopic,
        String deadLetterTopic, String groupId, StartingOffsets startingOffsets, int maxMessageBytes,
        String transactionalIdPrefix, Duration transactionTimeout, Duration connectTimeout, Duration outageTimeout,
        Map<String, String> clientProperties) implements Serializable {
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[^\\s:,\\[\\]]+):([0-9]{1,5})");
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /** Whether the configuration turns Kafka on ({@code kafka.bootstrap} is set). */
    public static boolean enabled(ReadableConfig config) {
        String bootstrap = config.get(KafkaOptions.BOOTSTRAP);
        return bootstrap != null && !bootstrap.isBlank();
    }

    /** The settings of {@code arbor eval} on Kafka: items in; scores, aggregates and dead letters out. */
    public static KafkaSettings forEval(ReadableConfig config) {
        KafkaSettings settings = read(config, KafkaOptions.DEFAULT_SCORES_TOPIC, config.get(KafkaOptions.GROUP_ID));
        settings.checkInputIsNoOutput();
        return settings;
    }

    /** The settings of {@code arbor generate} writing its results to Kafka. */
    public static KafkaSettings forGenerate(ReadableConfig config) {
        return read(config, KafkaOptions.DEFAULT_RESULTS_TOPIC, "arbor-generate");
    }

    private static KafkaSettings read(ReadableConfig config, String defaultOutput, String defaultPrefix) {
        String output = config.getOptional(KafkaOptions.OUTPUT_TOPIC).orElse(defaultOutput);
        return new KafkaSettings(bootstrap(config), topic(config, KafkaOptions.INPUT_TOPIC),
                topic(KafkaOptions.OUTPUT_TOPIC, output), topic(config, KafkaOptions.AGGREGATES_TOPIC),
                topic(config, KafkaOptions.DEAD_LETTER_TOPIC), nonBlank(config, KafkaOptions.GROUP_ID),
                config.get(KafkaOptions.STARTING_OFFSETS), positive(config, KafkaOptions.MAX_MESSAGE_BYTES),
                config.getOptional(KafkaOptions.TRANSACTIONAL_ID_PREFIX).orElse(defaultPrefix),
                within(config, KafkaOptions.TRANSACTION_TIMEOUT, Duration.ofSeconds(1)),
                within(config, KafkaOptions.CONNECT_TIMEOUT, Duration.ofMillis(1)),
                within(config, KafkaOptions.OUTAGE_TIMEOUT, Duration.ofSeconds(1)),
                Map.copyOf(config.get(KafkaOptions.CLIENT_PROPERTIES)));
    }

    /** The outputs of eval: scores, aggregates and dead letters (each once). */
    public List<String> evalOutputs() {
        return List.copyOf(new LinkedHashSet<>(List.of(outputTopic, aggregatesTopic, deadLetterTopic)));
    }

    /** Every topic eval reads or writes: the input, then {@link #evalOutputs()}. */
    public List<String> evalTopics() {
        List<String> topics = new ArrayList<>(List.of(inputTopic));
        topics.addAll(evalOutputs());
        return topics;
    }

    /** Every topic generate writes: the results and the dead letters (each once). */
    public List<String> generateTopics() {
        return List.copyOf(new LinkedHashSet<>(List.of(outputTopic, deadLetterTopic)));
    }

    /** Properties every client of the job starts from: the brokers and {@code kafka.client-properties}. */
    public Properties clientConfig() {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put("bootstrap.servers", bootstrap);
        return properties;
    }

    private void checkInputIsNoOutput() {
        if (evalOutputs().contains(inputTopic)) {
            throw new ConfigException("invalid configuration: " + key(KafkaOptions.INPUT_TOPIC) + " '" + inputTopic
                    + "' is also an output topic: the job would read its own outputs");
        }
    }

    private static String bootstrap(ReadableConfig config) {
        String value = config.get(KafkaOptions.BOOTSTRAP);
        if (value == null || value.isBlank()) {
            throw new ConfigException("invalid configuration: " + key(KafkaOptions.BOOTSTRAP) + " is not set "
                    + "(HOST:PORT of a Kafka broker, e.g. 127.0.0.1:9092)");
        }
        for (String entry : value.split(",")) {
            var matcher = HOST_PORT.matcher(entry.trim());
            int port = matcher.matches() ? Integer.parseInt(matcher.group(2)) : 0;
            if (port < 1 || port > 65535) {
                throw new ConfigException("invalid configuration: " + key(KafkaOptions.BOOTSTRAP) + " must be "
                        + "HOST:PORT[,HOST:PORT...], was '" + value + "'");
            }
        }
        return value.replace(" ", "");
    }

    private static String topic(ReadableConfig config, ConfigOption<String> option) {
        return topic(option, config.get(option));
    }

    private static String topic(ConfigOption<String> option, String value) {
        if (value == null || !TOPIC.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new ConfigException("invalid configuration: " + key(option) + " must be a Kafka topic name "
                    + "(letters, digits, '.', '_', '-'; at most 249), was '" + value + "'");
        }
        return value;
    }

    private static String nonBlank(ReadableConfig config, ConfigOption<String> option) {
        String value = config.get(option);
        if (value == null || value.isBlank()) {
            throw new ConfigException("invalid configuration: " + key(option) + " must not be empty");
        }
        return value;
    }

    private static int positive(ReadableConfig config, ConfigOption<Integer> option) {
        int value = config.get(option);
        if (value < 1) {
            throw new ConfigException("invalid configuration: " + key(option) + " must be >= 1, was " + value);
        }
        return value;
    }

    private static Duration within(ReadableConfig config, ConfigOption<Duration> option, Duration least) {
        Duration value = config.get(option);
        if (value.compareTo(least) < 0 || value.toMillis() > Integer.MAX_VALUE) {
            throw new ConfigException("invalid configuration: " + key(option) + " must be between " + least.toMillis()
                    + " ms and 24 days, was " + value.toMillis() + " ms");
        }
        return value;
    }

    /** The key as users write it (kafka.input-topic). */
    static String key(ConfigOption<?> option) {
        return ConfigLoader.userKey(option.key());
    }
}
