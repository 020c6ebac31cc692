package dev.arbor.jobs.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbor.annotation.Internal;
import java.util.Arrays;
import java.util.Objects;

/**
 * An input record that produced no result, and why, from any source: the one rejection of the jobs.
 * A file job writes it as a line of its {@code rejected/} files ({@link #fileRow}); on Kafka it is a
 * dead letter ({@code dev.arbor.jobs.kafka.DeadLetters}). A Flink POJO.
 *
 * <p>{@link #code} is {@value #INVALID} for a record that could not be parsed or validated,
 * {@value #DAMAGED} for a stretch of an input file that could not be read at all (the reason names
 * its bytes; the records in it are lost), one of the codes of unusable messages ({@value #EMPTY},
 * {@value #TOO_LARGE}, {@value #NOT_UTF8}), {@value #OUTPUT_TOO_LARGE} for a result too large to
 * send, or the search's error code (PROMPT_TOO_LONG, TIMEOUT, ...) for a record the search answered
 * with an error.
 *
 * <p>Invariant: at most one of {@link #raw} (the record as text) and {@link #bytes} (a record that
 * is not text, or the first bytes of one too large) is set; damaged input has neither.
 */
@Internal
public class RejectedRecord {
    /** Code of records rejected before the search (parse or validation). */
    public static final String INVALID = "INVALID_RECORD";
    /** Code of input that could not be read at all (a damaged or cut-off file). */
    public static final String DAMAGED = "DAMAGED_INPUT";
    /** The message has no value (a tombstone). */
    public static final String EMPTY = "EMPTY_MESSAGE";
    /** The message is longer than its reader takes (kafka.max-message-bytes). */
    public static final String TOO_LARGE = "TOO_LARGE";
    /** The message is not UTF-8 text. */
    public static final String NOT_UTF8 = "NOT_UTF8";
    /** The record's output (a score, a result) would be larger than its sink takes. */
    public static final String OUTPUT_TOO_LARGE = "OUTPUT_TOO_LARGE";

    /** Where the record came from; null when unknown. */
    public Origin origin;
    /** The record's id, when it could be read. */
    public String id;
    /** One of the codes above, or the search's error code. */
    public String code;
    /** Human-readable reason, naming the field for invalid records. */
    public String reason;
    /** The record as read (the line, the message, or an Avro record as JSON), so it can be fixed and sent again. */
    public String raw;
    /** The bytes of a record that is not text, or the first bytes of one too large; null otherwise. */
    public byte[] bytes;
    /** The record's length in bytes as it was sent when known and not the length of {@link #raw}; else -1. */
    public int size = -1;

    public RejectedRecord() {}

    /** A record rejected with {@code code}; {@code raw} is its text, null when there is none. */
    public static RejectedRecord of(Origin origin, String id, String code, String reason, String raw) {
        RejectedRecord record = new RejectedRecord();
        record.origin = origin;
        record.id = id;
        record.code = code;
        record.reason = reason;
        record.raw = raw;
        return record;
    }

    public static RejectedRecord invalid(Origin origin, String id, String reason, String raw) {
        return of(origin, id, INVALID, reason, raw);
    }

    /** A stretch of a file that holds no readable record; {@code origin} is its place in reading order. */
    public static RejectedRecord damaged(Origin origin, String reason) {
        return of(origin, null, DAMAGED, reason, null);
    }

    /** The rejection a reader decided for {@code record} ({@link InputRecord#code}), keeping what it read. */
    public static RejectedRecord byReader(InputRecord record, String id) {
        RejectedRecord rejected = of(record.origin, id, record.code, record.problem, record.text);
        rejected.bytes = record.bytes;
        rejected.size = record.size;
        return rejected;
    }

    /**
     * The line of a {@code rejected/} file: {@code file}, {@code line} (0 when unknown), {@code id},
     * {@code code}, {@code reason}, {@code raw}, in this order.
     */
    public ObjectNode fileRow() {
        ObjectNode row = JsonLines.MAPPER.createObjectNode();
        row.put("file", origin == null ? null : origin.source);
        row.put("line", origin == null ? 0 : origin.position);
        row.put("id", id);
        row.put("code", code);
        row.put("reason", reason);
        row.put("raw", raw);
        return row;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RejectedRecord that && size == that.size && Objects.equals(origin, that.origin)
                && Objects.equals(id, that.id) && Objects.equals(code, that.code)
                && Objects.equals(reason, that.reason) && Objects.equals(raw, that.raw)
                && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, id, code, reason, raw, Arrays.hashCode(bytes), size);
    }

    @Override
    public String toString() {
        return origin + " " + code + " " + reason;
    }
}
