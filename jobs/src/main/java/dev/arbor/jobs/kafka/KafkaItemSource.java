package dev.arbor.jobs.kafka;

import dev.arbor.annotation.Internal;
import dev.arbor.jobs.io.InputRecord;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.KafkaSource;

/**
 * The source of the input topic: a {@link KafkaSource} of {@link InputRecord}s, one per message, read
 * by {@link InputRecordDeserializer} (the admission gate decides what becomes of each). Its offsets are
 * part of Flink's checkpoints (the source never auto-commits; it commits to the consumer group on
 * each completed checkpoint, for monitoring only), and it reads only committed messages of
 * transactional producers, so an upstream exactly-once job is never read half-done.
 */
@Internal
public final class KafkaItemSource {
    private KafkaItemSource() {}

    public static KafkaSource<InputRecord> create(KafkaSettings settings) {
        Properties properties = settings.clientConfig();
        properties.put("isolation.level", "read_committed");
        properties.putIfAbsent("client.id.prefix", "arbor-" + settings.groupId());
        return KafkaSource.<InputRecord>builder()
                .setProperties(properties)
                .setTopics(settings.inputTopic())
                .setGroupId(settings.groupId())
                .setStartingOffsets(settings.startingOffsets().initializer())
                .setDeserializer(new InputRecordDeserializer(settings.maxMessageBytes()))
                .build();
    }
}
