package dev.arbor.jobs.config;

import dev.arbor.annotation.PublicApi;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The settings of Kafka in and out ({@code arbor.kafka.<name>}; the section {@code kafka:} of a job's
 * YAML file): where the broker is, which topics, how the input is read, and how outputs are
 * committed. Jobs read them through {@code dev.arbor.jobs.kafka.KafkaSettings}, which checks them
 * (the Kafka package reads this one, never the other way). Setting {@link #BOOTSTRAP} is what turns
 * Kafka on.
 */
@PublicApi
public final class KafkaOptions {
    private KafkaOptions() {}

    /** The output topic's default for eval's scores and for generate's results. */
    public static final String DEFAULT_SCORES_TOPIC = "arbor-scores";
    public static final String DEFAULT_RESULTS_TOPIC = "arbor-results";

    public static final ConfigOption<String> BOOTSTRAP = ConfigOptions.key("arbor.kafka.bootstrap").stringType()
            .noDefaultValue().withDescription("HOST:PORT of one or more Kafka brokers (comma-separated). Set, eval "
                    + "reads its items from a topic and writes its outputs to topics instead of files, and generate "
                    + "also sends its results to the output topic.");

    public static final ConfigOption<String> INPUT_TOPIC = ConfigOptions.key("arbor.kafka.input-topic").stringType()
            .defaultValue("arbor-items").withDescription("Topic of the input items, one JSON object per message "
                    + "(the fields of a line of an input file).");

    public static final ConfigOption<String> OUTPUT_TOPIC = ConfigOptions.key("arbor.kafka.output-topic")
            .stringType().noDefaultValue().withDescription("Topic of the per-item outputs: eval's scores "
                    + "(default arbor-scores), generate's results (default arbor-results).");

    public static final ConfigOption<String> AGGREGATES_TOPIC = ConfigOptions.key("arbor.kafka.aggregates-topic")
            .stringType().defaultValue("arbor-aggregates").withDescription("eval: topic of the windowed aggregates.");

    public static final ConfigOption<String> DEAD_LETTER_TOPIC = ConfigOptions.key("arbor.kafka.dead-letter-topic")
            .stringType().defaultValue("arbor-dead-letters").withDescription("Topic of the messages that gave no "
                    + "output (not JSON, not UTF-8, too large, invalid, or a search error), with the reason and "
                    + "their topic, partition and offset.");

    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("arbor.kafka.group-id").stringType()
            .defaultValue("arbor-eval").withDescription("Consumer group of the input; the job's read offsets "
                    + "live in its checkpoints, and are committed to this group only for monitoring.");

    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS = ConfigOptions
            .key("arbor.kafka.starting-offsets").enumType(StartingOffsets.class)
            .defaultValue(StartingOffsets.COMMITTED).withDescription("Where a fresh start reads from: COMMITTED "
                    + "(where the group stopped, else the beginning), EARLIEST or LATEST. A resumed job continues "
                    + "at the offsets of its checkpoint.");

    public static final ConfigOption<Integer> MAX_MESSAGE_BYTES = ConfigOptions.key("arbor.kafka.max-message-bytes")
            .intType().defaultValue(1 << 20).withDescription("Input messages longer than this go to the "
                    + "dead-letter topic (code TOO_LARGE) with their first bytes.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions
            .key("arbor.kafka.transactional-id-prefix").stringType().noDefaultValue()
            .withDescription("Prefix of the output transactions' ids; it must differ between jobs that write to "
                    + "the same Kafka cluster. Default: the group id (eval), arbor-generate (generate).");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = ConfigOptions
            .key("arbor.kafka.transaction-timeout").durationType().defaultValue(Duration.ofMinutes(15))
            .withDescription("How long the broker keeps an output transaction open: more than a checkpoint "
                    + "interval plus a restart, at most the broker's transaction.max.timeout.ms (15 min by default).");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT = ConfigOptions.key("arbor.kafka.connect-timeout")
            .durationType().defaultValue(Duration.ofSeconds(15)).withDescription("How long the client tries to "
                    + "reach the brokers and find the topics before the job is submitted.");

    public static final ConfigOption<Duration> OUTAGE_TIMEOUT = ConfigOptions.key("arbor.kafka.outage-timeout")
            .durationType().defaultValue(Duration.ofMinutes(5)).withDescription("eval: how long a running job waits "
                    + "for a Kafka broker that stopped answering (it says so once, then retries) before it stops with "
                    + "exit code 2; what was committed is kept, and the same command resumes once the broker is back.");

    public static final ConfigOption<Map<String, String>> CLIENT_PROPERTIES = ConfigOptions
            .key("arbor.kafka.client-properties").mapType().defaultValue(Map.of())
            .withDescription("Settings passed to every Kafka client of the job: a YAML mapping in the job "
                    + "file; on the command line KEY:VALUE,... or, for values that hold ':' or ',', a YAML flow "
                    + "mapping such as {sasl.mechanism: PLAIN, sasl.jaas.config: '...'}.");

    /** Every topic the options name by default: what {@code arbor kafka-dev} creates. */
    public static List<String> defaultTopics() {
        return List.of(INPUT_TOPIC.defaultValue(), DEFAULT_SCORES_TOPIC, AGGREGATES_TOPIC.defaultValue(),
                DEAD_LETTER_TOPIC.defaultValue(), DEFAULT_RESULTS_TOPIC);
    }

    /** Every option, for validation of configuration files and for documentation. */
    public static List<ConfigOption<?>> all() {
        return List.of(BOOTSTRAP, INPUT_TOPIC, OUTPUT_TOPIC, AGGREGATES_TOPIC, DEAD_LETTER_TOPIC, GROUP_ID,
                STARTING_OFFSETS, MAX_MESSAGE_BYTES, TRANSACTIONAL_ID_PREFIX, TRANSACTION_TIMEOUT, CONNECT_TIMEOUT,
                OUTAGE_TIMEOUT, CLIENT_PROPERTIES);
    }
}
