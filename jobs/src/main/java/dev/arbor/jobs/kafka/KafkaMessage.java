package dev.arbor.jobs.kafka;

/**
 * One message as read from the input topic, before anything is made of its bytes: reading can
 * therefore never fail, and {@link ItemAdmission} decides what the bytes are. A Flink POJO.
 *
 * <p>Invariant: {@link #value} is null only for a message without a value (a tombstone, then
 * {@link #size} is -1); a value longer than the reader's cap is cut to {@link #PREVIEW_BYTES} bytes
 * (then {@link #size}, the original length, is larger than {@code value.length}), so an oversized
 * message costs no more than a small one from there on.
 */
public class KafkaMessage {
    /** How much of an oversized value is kept, for its dead letter. */
    public static final int PREVIEW_BYTES = 1024;

    public String topic;
    public int partition;
    public long offset;
    public byte[] value;
    /** The length of the value as sent, in bytes; -1 when it has none. */
    public int size;

    public KafkaMessage() {}

    /** Where the message is. */
    public SourceRef source() {
        return SourceRef.of(topic, partition, offset);
    }

    @Override
    public String toString() {
        return source() + " (" + size + " bytes)";
    }
}
