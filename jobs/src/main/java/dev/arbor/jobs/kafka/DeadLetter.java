package dev.arbor.jobs.kafka;

import dev.arbor.jobs.io.StrictUtf8;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A message that produced no score or result, and why: one record of the dead-letter topic (a Flink
 * POJO, written as JSON with these field names). It names the message for ever (topic, partition,
 * offset) and carries its bytes, as text when they are UTF-8, else as base64, so it can be fixed and
 * sent again.
 *
 * <p>Invariant: a dead letter is small whatever the message was: at most {@link #RAW_LIMIT} bytes
 * of the message are kept ({@link #truncated} says when fewer than all), and the reason and id are
 * bounded,
 * so writing it can never fail for its size.
 */
public class DeadLetter {
    /** Most bytes of the message a dead letter keeps. */
    public static final int RAW_LIMIT = 64 * 1024;
    private static final int REASON_LIMIT = 2000;
    private static final int ID_LIMIT = 1000;

    /** The message has no value (a tombstone). */
    public static final String EMPTY = "EMPTY_MESSAGE";
    /** The value is longer than the reader's cap (kafka.max-message-bytes). */
    public static final String TOO_LARGE = "TOO_LARGE";
    /** The value is not UTF-8 text. */
    public static final String NOT_UTF8 = "NOT_UTF8";
    /** Not one JSON object, or a field is missing, unknown or wrong (the same code as a file's rejected line). */
    public static final String INVALID = dev.arbor.jobs.records.RejectedRecord.INVALID;
    /** The item's score or result would be larger than a Kafka record may be. */
    public static final String OUTPUT_TOO_LARGE = "OUTPUT_TOO_LARGE";

    /** One of the codes above, or the search's error code (PROMPT_TOO_LONG, TIMEOUT, ...). */
    public String code;
    /** In words, naming the field at fault for invalid items. */
    public String reason;
    /** The item's id, when it could be read. */
    public String id;
    /** Where the message is; partition and offset are -1 when unknown. */
    public String topic;
    public int partition = -1;
    public long offset = -1;
    /** The message's length in bytes (-1 for none or unknown). */
    public int size = -1;
    /** The message as text, when it is UTF-8; else null. */
    public String text;
    /** The message's bytes in base64, when they are not UTF-8; else null. */
    public String base64;
    /** Whether {@link #text} or {@link #base64} hold only the first bytes of the message. */
    public boolean truncated;

    public DeadLetter() {}

    /** A message that could not become an item. */
    public static DeadLetter ofMessage(KafkaMessage message, String code, String reason, String id) {
        DeadLetter letter = at(message.source(), code, reason, id);
        letter.size = message.size;
        if (message.value != null) {
            byte[] kept = message.value.length > RAW_LIMIT ? Arrays.copyOf(message.value, RAW_LIMIT) : message.value;
            letter.truncated = message.size > kept.length;
            letter.text = StrictUtf8.decodeOrNull(kept);
            letter.base64 = letter.text == null ? Base64.getEncoder().encodeToString(kept) : null;
        }
        return letter;
    }

    /** An item whose search ended in an error, or whose output could not be written. */
    public static DeadLetter ofItem(SourceRef source, String code, String reason, String id) {
        return at(source, code, reason, id);
    }

    /** An item whose search ended in an error, with the message's text ({@code raw}, when known). */
    public static DeadLetter ofItem(SourceRef source, String code, String reason, String id, String raw) {
        DeadLetter letter = at(source, code, reason, id);
        if (raw != null) {
            byte[] bytes = raw.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            letter.size = bytes.length;
            letter.truncated = bytes.length > RAW_LIMIT;
            letter.text = letter.truncated ? StrictUtf8.decodeOrNull(Arrays.copyOf(bytes, RAW_LIMIT)) : raw;
            if (letter.text == null) { // cut inside a character: keep the bytes
                letter.base64 = Base64.getEncoder().encodeToString(Arrays.copyOf(bytes, RAW_LIMIT));
            }
        }
        return letter;
    }

    private static DeadLetter at(SourceRef source, String code, String reason, String id) {
        DeadLetter letter = new DeadLetter();
        letter.code = code;
        letter.reason = reason == null || reason.length() <= REASON_LIMIT ? reason
                : reason.substring(0, REASON_LIMIT) + "...";
        letter.id = id == null || id.length() <= ID_LIMIT ? id : id.substring(0, ID_LIMIT) + "...";
        if (source != null) {
            letter.topic = source.topic;
            letter.partition = source.partition;
            letter.offset = source.offset;
        }
        return letter;
    }

    /** Where the message was, when known. */
    public SourceRef source() {
        return topic == null ? null : SourceRef.of(topic, partition, offset);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeadLetter that && partition == that.partition && offset == that.offset
                && Objects.equals(topic, that.topic) && Objects.equals(code, that.code)
                && Objects.equals(reason, that.reason) && Objects.equals(id, that.id);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, code, reason, id);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset + " " + code + ": " + reason;
    }
}
