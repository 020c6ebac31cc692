package dev.arbor.jobs.kafka;

import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns each Kafka record's value into a {@link KafkaMessage} without looking inside (keys are not
 * read: an item's id is in its JSON): nothing a producer
 * can send makes it throw (a throwing deserializer would fail the job and, after the restart, fail
 * it again on the same record for ever). Values longer than {@code maxBytes} are cut to a preview
 * here, so an oversized message is never copied through the job.
 */
public final class RawMessageDeserializer implements KafkaRecordDeserializationSchema<KafkaMessage> {
    private static final long serialVersionUID = 1L;
    private final int maxBytes;

    public RawMessageDeserializer(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaMessage> out) {
        KafkaMessage message = new KafkaMessage();
        message.topic = record.topic();
        message.partition = record.partition();
        message.offset = record.offset();
        byte[] value = record.value();
        message.size = value == null ? -1 : value.length;
        message.value = value == null || value.length <= maxBytes ? value
                : Arrays.copyOf(value, Math.min(value.length, KafkaMessage.PREVIEW_BYTES));
        out.collect(message);
    }

    @Override
    public TypeInformation<KafkaMessage> getProducedType() {
        return TypeInformation.of(KafkaMessage.class);
    }
}
