package dev.arbor.jobs.kafka;

import dev.arbor.annotation.Internal;
import dev.arbor.jobs.io.InputRecord;
import dev.arbor.jobs.io.Origin;
import dev.arbor.jobs.io.RejectedRecord;
import dev.arbor.jobs.io.StrictUtf8;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The reader of the input topic: turns each Kafka record's value into an {@link InputRecord} with the
 * message's {@link Origin} (keys are not read: an item's id is in its JSON), the text of a UTF-8
 * message, or the reason a message cannot be an item ({@value RejectedRecord#EMPTY}, {@value
 * RejectedRecord#TOO_LARGE}, {@value RejectedRecord#NOT_UTF8}) with the bytes its dead letter keeps.
 * Nothing a producer can send makes it throw (a throwing deserializer would fail the job and, after
 * the restart, fail it again on the same record for ever). Values longer than {@code maxBytes} are
 * cut to their first {@link #PREVIEW_BYTES} here, so an oversized message is never copied through the
 * job.
 */
@Internal
public final class InputRecordDeserializer implements KafkaRecordDeserializationSchema<InputRecord> {
    private static final long serialVersionUID = 1L;
    /** How much of an oversized value is kept, for its dead letter. */
    public static final int PREVIEW_BYTES = 1024;

    private final int maxBytes;

    public InputRecordDeserializer(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InputRecord> out) {
        out.collect(read(Origin.message(record.topic(), record.partition(), record.offset()), record.value()));
    }

    /** The input record of the message at {@code origin} whose value is {@code value} (null for none). */
    InputRecord read(Origin origin, byte[] value) {
        if (value == null) {
            return InputRecord.unreadable(origin, RejectedRecord.EMPTY, "the message has no value (a tombstone)",
                    null, -1);
        }
        if (value.length > maxBytes) {
            return InputRecord.unreadable(origin, RejectedRecord.TOO_LARGE, "the message is " + value.length
                    + " bytes, more than kafka.max-message-bytes (" + maxBytes + ")",
                    Arrays.copyOf(value, Math.min(value.length, PREVIEW_BYTES)), value.length);
        }
        String text = StrictUtf8.decodeOrNull(value);
        if (text == null) {
            return InputRecord.unreadable(origin, RejectedRecord.NOT_UTF8, "the message is not UTF-8 text: "
                    + StrictUtf8.problem(value), value, value.length);
        }
        return InputRecord.ofText(origin, text, null);
    }

    @Override
    public TypeInformation<InputRecord> getProducedType() {
        return TypeInformation.of(InputRecord.class);
    }
}
