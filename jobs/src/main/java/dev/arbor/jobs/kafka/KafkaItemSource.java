package dev.arbor.jobs.kafka;

import java.util.Properties;
import org.apache.flink.connector.kafka.source.KafkaSource;

/**
 * The reader of the input topic: a {@link KafkaSource} of raw {@link KafkaMessage}s. Its offsets are
 * part of Flink's checkpoints (the source never auto-commits; it commits to the consumer group on
 * each completed checkpoint, for monitoring only), and it reads only committed messages of
 * transactional producers, so an upstream exactly-once job is never read half-done.
 */
public final class KafkaItemSource {
    private KafkaItemSource() {}

    public static KafkaSource<KafkaMessage> create(KafkaSettings settings) {
        Properties properties = settings.clientConfig();
        properties.put("isolation.level", "read_committed");
        properties.putIfAbsent("client.id.prefix", "arbor-" + settings.groupId());
        return KafkaSource.<KafkaMessage>builder()
                .setProperties(properties)
                .setTopics(settings.inputTopic())
                .setGroupId(settings.groupId())
                .setStartingOffsets(settings.startingOffsets().initializer())
                .setDeserializer(new RawMessageDeserializer(settings.maxMessageBytes()))
                .build();
    }
}
