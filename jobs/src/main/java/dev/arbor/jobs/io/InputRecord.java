package dev.arbor.jobs.io;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.PromptRequest;
import java.util.Arrays;
import java.util.Objects;

/**
 * One input record before it is parsed, from any source (a JSONL or Avro file, a Kafka topic, ...):
 * where it came from ({@link #origin}) and either its text, its Avro record, or what the reader
 * already knows makes it unusable. Readers never throw for what a record holds; the admission gate
 * ({@code RequestAdmission}) turns every record into a request or a {@link RejectedRecord}. A Flink
 * POJO.
 *
 * <p>Invariant: exactly one of {@link #text}, {@link #request} and {@link #code} decides what the
 * record is, except that a record rejected by its reader may keep the text it could read (a line
 * that is not valid UTF-8, as read with replacement characters) for its rejection. {@link #bytes}
 * and {@link #size} are only set by readers of messages, which keep what a dead letter needs.
 */
@Internal
public class InputRecord {
    /** Where the record came from. */
    public Origin origin;
    /** The record's text (a JSONL line without its terminator, a message): what the parser reads. */
    public String text;
    /** The Avro record. */
    public PromptRequest request;
    /**
     * Set by the reader when the record cannot become a request whatever it holds: the rejection's
     * code ({@link RejectedRecord#INVALID}, {@link RejectedRecord#DAMAGED}, {@link RejectedRecord#EMPTY},
     * {@link RejectedRecord#TOO_LARGE}, {@link RejectedRecord#NOT_UTF8}); null for a readable record.
     */
    public String code;
    /** Why, when {@link #code} is set. */
    public String problem;
    /** The bytes of a record that is not text (or the first bytes of one too large), for its rejection. */
    public byte[] bytes;
    /** The record's length in bytes as it was sent, when a reader of messages knows it; -1 otherwise. */
    public int size = -1;

    public InputRecord() {}

    /** A record as text; {@code problem} (e.g. invalid UTF-8) makes it an invalid record that keeps its text. */
    public static InputRecord ofText(Origin origin, String text, String problem) {
        InputRecord record = of(origin);
        record.text = text;
        if (problem != null) {
            record.code = RejectedRecord.INVALID;
            record.problem = problem;
        }
        return record;
    }

    public static InputRecord ofAvro(Origin origin, PromptRequest request) {
        InputRecord record = of(origin);
        record.request = request;
        return record;
    }

    /** A stretch of a file that holds no readable record at all (a damaged or cut-off file), at {@code origin}. */
    public static InputRecord lost(Origin origin, String problem) {
        return unreadable(origin, RejectedRecord.DAMAGED, problem, null, -1);
    }

    /**
     * A record its reader cannot use, with the rejection's code and reason, and the bytes (or the
     * first bytes) of it that its rejection keeps.
     *
     * @param size the record's length as sent, -1 when unknown
     */
    public static InputRecord unreadable(Origin origin, String code, String problem, byte[] bytes, int size) {
        InputRecord record = of(origin);
        record.code = Objects.requireNonNull(code, "code");
        record.problem = problem;
        record.bytes = bytes;
        record.size = size;
        return record;
    }

    private static InputRecord of(Origin origin) {
        InputRecord record = new InputRecord();
        record.origin = Objects.requireNonNull(origin, "origin");
        return record;
    }

    /** Whether the reader already rejected this record ({@link #code}). */
    public boolean isRejected() {
        return code != null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InputRecord that && size == that.size && Objects.equals(origin, that.origin)
                && Objects.equals(text, that.text) && Objects.equals(request, that.request)
                && Objects.equals(code, that.code) && Objects.equals(problem, that.problem)
                && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, text, request, code, problem, Arrays.hashCode(bytes), size);
    }

    @Override
    public String toString() {
        return String.valueOf(origin);
    }
}
