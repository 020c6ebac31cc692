package dev.arbor.jobs.records;

import java.util.Objects;

/**
 * An input record that produced no result, and why: one line of the rejected-records output. A
 * Flink POJO, written as JSON with these field names.
 *
 * <p>{@link #code} is {@value #INVALID} for a record that could not be parsed or validated (then
 * {@link #raw} holds its text), {@value #DAMAGED} for a stretch of an input file that could not be
 * read at all (the reason names its bytes; the records in it are lost), or the search's error code
 * (PROMPT_TOO_LONG, TIMEOUT, ...) for a record the search answered with an error.
 */
public class RejectedRecord {
    /** Code of records rejected before the search (parse or validation). */
    public static final String INVALID = "INVALID_RECORD";
    /** Code of input that could not be read at all (a damaged or cut-off file). */
    public static final String DAMAGED = "DAMAGED_INPUT";

    /** The input file. */
    public String file;
    /** 1-based line (JSONL) or record number (Avro) in {@link #file}; 0 when unknown. */
    public long line;
    /** The record's id, when it could be read. */
    public String id;
    /** {@value #INVALID} or the search's error code. */
    public String code;
    /** Human-readable reason, naming the field for invalid records. */
    public String reason;
    /** The record as read (the line, or an Avro record as JSON), so it can be fixed and run again; null for damaged input. */
    public String raw;

    public RejectedRecord() {}

    public static RejectedRecord invalid(String file, long line, String id, String reason, String raw) {
        return of(file, line, id, INVALID, reason, raw);
    }

    /** A stretch of {@code file} that holds no readable record; {@code line} is its place in reading order. */
    public static RejectedRecord damaged(String file, long line, String reason) {
        return of(file, line, null, DAMAGED, reason, null);
    }

    public static RejectedRecord searchError(String file, long line, String id, String code, String reason,
            String raw) {
        return of(file, line, id, code, reason, raw);
    }

    private static RejectedRecord of(String file, long line, String id, String code, String reason, String raw) {
        RejectedRecord record = new RejectedRecord();
        record.file = file;
        record.line = line;
        record.id = id;
        record.code = code;
        record.reason = reason;
        record.raw = raw;
        return record;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RejectedRecord that && line == that.line && Objects.equals(file, that.file)
                && Objects.equals(id, that.id) && Objects.equals(code, that.code)
                && Objects.equals(reason, that.reason) && Objects.equals(raw, that.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, line, id, code, reason, raw);
    }

    @Override
    public String toString() {
        return file + ":" + line + " " + code + " " + reason;
    }
}
