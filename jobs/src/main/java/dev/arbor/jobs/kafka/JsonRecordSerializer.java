package dev.arbor.jobs.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.arbor.jobs.io.JsonLines;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes records of one kind to one topic as JSON: the key is the item's id (so one item's records
 * land in one partition), the headers name the item and the message it came from
 * ({@link SourceRef#addTo}). A record larger than Kafka takes ({@link #RECORD_LIMIT}) would fail
 * the sink and, after each restart, fail it again; it becomes a small {@link DeadLetter} on the
 * dead-letter topic instead, in the same transaction.
 *
 * @param <T> the kind of record; {@link Encoding} says what each is on Kafka
 */
public final class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    /**
     * Most bytes of key and value of one record: Kafka's default limit for a request and a record
     * batch is 1 MiB (max.request.size, message.max.bytes), and headers and framing need some room.
     */
    public static final int RECORD_LIMIT = 1_000_000;

    /**
     * What one record is on Kafka, as three functions of it (lambdas, serializable with the job).
     *
     * @param id the item's id: the key and the {@code arbor-id} header; null for none
     * @param source the message the record came from: headers; null for none
     * @param json what Jackson writes as the value (a POJO or a JsonNode)
     */
    public record Encoding<T>(Part<T, String> id, Part<T, SourceRef> source, Part<T, Object> json)
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
        SourceRef source = encoding.source().of(element);
        byte[] key = id == null ? null : id.getBytes(StandardCharsets.UTF_8);
        byte[] value = json(encoding.json().of(element));
        String to = topic;
        int size = value.length + (key == null ? 0 : key.length);
        if (size > RECORD_LIMIT && deadLetterTopic != null) {
            DeadLetter letter = DeadLetter.ofItem(source, DeadLetter.OUTPUT_TOO_LARGE, "its record for " + topic
                    + " would be " + size + " bytes, more than Kafka's limit of " + RECORD_LIMIT, id);
            to = deadLetterTopic;
            id = letter.id; // bounded
            key = id == null ? null : id.getBytes(StandardCharsets.UTF_8);
            value = json(letter);
        }
        // No timestamp: the producer stamps the current time. The element's would be its input message's, and an
        // old one (a topic read again from the start) would make retention delete the output at once.
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(to, null, null, key, value);
        SourceRef.addTo(record.headers(), id, source);
        return record;
    }

    private static byte[] json(Object value) {
        try {
            return JsonLines.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write a record as JSON (a bug: records are plain data)", e);
        }
    }
}
