package dev.arbor.jobs.io;

import dev.arbor.flink.records.PromptRequest;
import java.util.Objects;

/**
 * One input record before it is parsed, from whatever source: where it came from ({@link #source}
 * and {@link #position} in it) and either the raw JSON text or the Avro record. A Flink POJO.
 *
 * <p>Invariant: exactly one of {@link #text} and {@link #request} is set, unless {@link #lost}; {@link
 * #problem} is set when the bytes could not even be read as text (then the record is rejected with it).
 * A lost record stands for a stretch of the source that holds no readable record at all (a damaged or
 * cut-off file): it has neither text nor request, and {@link #problem} says which bytes and why.
 */
public class InputRecord {
    /** Where the record came from: a file (a path for local files, a URI otherwise), a topic partition, ... */
    public String source;
    /** Where in {@link #source}: the 1-based line (JSONL) or record number (Avro) of a file, an offset, ... */
    public long position;
    /** The JSONL line, without its line terminator. */
    public String text;
    /** Why the line cannot be used as text (e.g. invalid UTF-8); null when fine. */
    public String problem;
    /** The Avro record. */
    public PromptRequest request;
    /** Whether this stands for unreadable input (see above) rather than a record. */
    public boolean lost;

    public InputRecord() {}

    public static InputRecord ofText(String source, long position, String text, String problem) {
        InputRecord record = new InputRecord();
        record.source = source;
        record.position = position;
        record.text = text;
        record.problem = problem;
        return record;
    }

    public static InputRecord ofAvro(String source, long position, PromptRequest request) {
        InputRecord record = new InputRecord();
        record.source = source;
        record.position = position;
        record.request = request;
        return record;
    }

    /** A stretch of {@code source} that could not be read at all, at {@code position} in reading order. */
    public static InputRecord lost(String source, long position, String problem) {
        InputRecord record = new InputRecord();
        record.source = source;
        record.position = position;
        record.problem = problem;
        record.lost = true;
        return record;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InputRecord that && position == that.position && lost == that.lost
                && Objects.equals(source, that.source)
                && Objects.equals(text, that.text) && Objects.equals(problem, that.problem)
                && Objects.equals(request, that.request);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, position, text, problem, request, lost);
    }

    @Override
    public String toString() {
        return source + ":" + position;
    }
}
