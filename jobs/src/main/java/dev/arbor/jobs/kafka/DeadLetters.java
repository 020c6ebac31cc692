package dev.arbor.jobs.kafka;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbor.annotation.Internal;
import dev.arbor.jobs.io.JsonLines;
import dev.arbor.jobs.io.Origin;
import dev.arbor.jobs.io.RejectedRecord;
import dev.arbor.jobs.io.StrictUtf8;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * What a {@link RejectedRecord} is on the dead-letter topic: a JSON object that names the message
 * for ever (topic, partition, offset) and carries its bytes, as text when they are UTF-8, else as
 * base64, so it can be fixed and sent again. Its fields, in this order: {@code code}, {@code
 * reason}, {@code id}, {@code topic}, {@code partition} and {@code offset} (null and -1 unless the
 * record was a message), {@code
 * size} (the message's length, -1 for none or unknown), {@code text}, {@code base64}, {@code
 * truncated}.
 *
 * <p>Invariant: a dead letter is small whatever the message was: at most {@link #RAW_LIMIT} bytes
 * of the message are kept ({@code truncated} says when fewer than all), and the reason and id are
 * bounded, so writing it can never fail for its size.
 */
@Internal
public final class DeadLetters {
    /** Most bytes of the message a dead letter keeps. */
    public static final int RAW_LIMIT = 64 * 1024;
    private static final int REASON_LIMIT = 2000;
    private static final int ID_LIMIT = 1000;

    private DeadLetters() {}

    /** The dead letter of {@code rejected}. */
    public static ObjectNode of(RejectedRecord rejected) {
        ObjectNode letter = JsonLines.MAPPER.createObjectNode();
        letter.put("code", rejected.code);
        letter.put("reason", bounded(rejected.reason, REASON_LIMIT));
        letter.put("id", id(rejected));
        Origin origin = rejected.origin != null && rejected.origin.isMessage() ? rejected.origin : null;
        letter.put("topic", origin == null ? null : origin.source);
        letter.put("partition", origin == null ? -1 : origin.partition);
        letter.put("offset", origin == null ? -1 : origin.position);
        byte[] bytes = rejected.bytes != null ? rejected.bytes
                : rejected.raw != null ? rejected.raw.getBytes(StandardCharsets.UTF_8) : null;
        int size = rejected.size >= 0 || bytes == null ? rejected.size : bytes.length;
        byte[] kept = bytes == null || bytes.length <= RAW_LIMIT ? bytes : Arrays.copyOf(bytes, RAW_LIMIT);
        String text = kept == null ? null : StrictUtf8.decodeOrNull(kept);
        letter.put("size", size);
        letter.put("text", text);
        letter.put("base64", kept != null && text == null ? Base64.getEncoder().encodeToString(kept) : null);
        letter.put("truncated", kept != null && size > kept.length);
        return letter;
    }

    /** The dead letter's id (the record's key): the record's, cut to a bounded length; null when unknown. */
    public static String id(RejectedRecord rejected) {
        return bounded(rejected.id, ID_LIMIT);
    }

    private static String bounded(String text, int limit) {
        return text == null || text.length() <= limit ? text : text.substring(0, limit) + "...";
    }
}
