package dev.arbor.jobs.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.arbor.annotation.Internal;
import dev.arbor.jobs.io.JsonLines;
import dev.arbor.jobs.io.Origin;
import dev.arbor.jobs.io.RejectedRecord;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Writes records of one kind to one topic as JSON: the key is the item's id (so one item's records
 * land in one partition), the headers name the item and the message it came from ({@link
 * #ID_HEADER}, {@link #TOPIC_HEADER}, {@link #PARTITION_HEADER}, {@link #OFFSET_HEADER}). A record
 * larger than Kafka takes ({@link #RECORD_LIMIT}) would fail the sink and, after each restart, fail
 * it again; it becomes a small dead letter ({@link DeadLetters}) on the dead-letter topic instead, in
 * the same transaction.
 *
 * @param <T> the kind of record; {@link Encoding} says what each is on Kafka
 */
@Internal
public final class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    /**
     * Most bytes of key and value of one record: Kafka's default limit for a request and a record
     * batch is 1 MiB (max.request.size, message.max.bytes), and headers and framing need some room.
     */
    public static final int RECORD_LIMIT = 1_000_000;

    /** Header names of output records: the item's id, and the message it came from. */
    public static final String ID_HEADER = "arbor-id";
    public static final String TOPIC_HEADER = "arbor-source-topic";
    public static final String PARTITION_HEADER = "arbor-source-partition";
    public static final String OFFSET_HEADER = "arbor-source-offset";

    /**
     * What one record is on Kafka, as three functions of it (lambdas, serializable with the job).
     *
     * @param id the item's id: the key and the {@code arbor-id} header; null for none
     * @param origin where the record's item came from: headers when it was a message; null for none
     * @param json what Jackson writes as the value (a POJO or a JsonNode)
     */
    public record Encoding<T>(Part<T, String> id, Part<T, Origin> origin, Part<T, Object> json)
            implements Serializable {}

    /** One part of a record's encoding; serializable, so that a lambda can be shipped with the job. */
    @FunctionalInterface
    public interface Part<T, R> extends Serializable {
        R of(T record);
    }

    private final String topic;
    private final String deadLetterTopic;
    private final Encoding<T> encoding;

    /** @param deadLetterTopic where records too large go; null when the records are dead letters themselves */
    public JsonRecordSerializer(String topic, String deadLetterTopic, Encoding<T> encoding) {
        this.topic = topic;
        this.deadLetterTopic = deadLetterTopic;
        this.encoding = encoding;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        String id = encoding.id().of(element);
        Origin origin = encoding.origin().of(element);
        byte[] key = id == null ? null : id.getBytes(StandardCharsets.UTF_8);
        byte[] value = json(encoding.json().of(element));
        String to = topic;
        int size = value.length + (key == null ? 0 : key.length);
        if (size > RECORD_LIMIT && deadLetterTopic != null) {
            RejectedRecord letter = RejectedRecord.of(origin, id, RejectedRecord.OUTPUT_TOO_LARGE, "its record for "
                    + topic + " would be " + size + " bytes, more than Kafka's limit of " + RECORD_LIMIT, null);
            to = deadLetterTopic;
            id = DeadLetters.id(letter); // bounded
            key = id == null ? null : id.getBytes(StandardCharsets.UTF_8);
            value = json(DeadLetters.of(letter));
        }
        // No timestamp: the producer stamps the current time. The element's would be its input message's, and an
        // old one (a topic read again from the start) would make retention delete the output at once.
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(to, null, null, key, value);
        addHeaders(record.headers(), id, origin);
        return record;
    }

    /** The item's id (when known) and the message it came from (when it was one) as headers. */
    private static void addHeaders(Headers headers, String id, Origin origin) {
        if (id != null) {
            headers.add(ID_HEADER, id.getBytes(StandardCharsets.UTF_8));
        }
        if (origin != null && origin.isMessage()) {
            headers.add(TOPIC_HEADER, origin.source.getBytes(StandardCharsets.UTF_8));
            headers.add(PARTITION_HEADER, Integer.toString(origin.partition).getBytes(StandardCharsets.UTF_8));
            headers.add(OFFSET_HEADER, Long.toString(origin.position).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static byte[] json(Object value) {
        try {
            return JsonLines.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write a record as JSON (a bug: records are plain data)", e);
        }
    }
}
