package dev.arbor.jobs.kafka;

import dev.arbor.annotation.Internal;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;

/**
 * Exactly-once {@link KafkaSink}s: each subtask writes into a Kafka transaction that is committed
 * when the checkpoint that covers its records completes, and aborted when the job fails over, so a
 * reader with {@code isolation.level=read_committed} sees every output once. A sink's transactional
 * ids are the job's prefix plus the sink's own name: two sinks (or two jobs) sharing ids would fence
 * each other.
 */
@Internal
public final class KafkaSinks {
    private KafkaSinks() {}

    /** @param name this sink's part of the transactional ids ("scores"); unique within the job */
    public static <T> KafkaSink<T> exactlyOnce(KafkaSettings settings, String name,
            JsonRecordSerializer<T> serializer) {
        KafkaSinkBuilder<T> builder = KafkaSink.<T>builder()
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(settings.transactionalIdPrefix() + "-" + name);
        settings.clientConfig().forEach((key, value) -> builder.setProperty((String) key,
                value.toString()));
        // The connector's default (1 h) is more than a broker allows by default (15 min): every commit would fail.
        builder.setProperty("transaction.timeout.ms", Long.toString(settings.transactionTimeout().toMillis()));
        return builder.build();
    }
}
