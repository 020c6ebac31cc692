package dev.arbor.jobs.io;

import dev.arbor.flink.records.PromptRequest;
import java.util.Objects;

/**
 * One record as read from an input file, before it is parsed: where it came from (file and line,
 * or record number for Avro) and either the raw JSONL text or the Avro record. A Flink POJO.
 *
 * <p>Invariant: exactly one of {@link #text} and {@link #request} is set; {@link #problem} is set
 * when the bytes could not even be read as text (then the record is rejected with it).
 */
public class InputRecord {
    /** The file, as a path for local files or a URI otherwise. */
    public String file;
    /** 1-based line number (JSONL) or record number (Avro) within {@link #file}. */
    public long line;
    /** The JSONL line, without its line terminator. */
    public String text;
    /** Why the line cannot be used as text (e.g. invalid UTF-8); null when fine. */
    public String problem;
    /** The Avro record. */
    public PromptRequest request;

    public InputRecord() {}

    public static InputRecord ofText(String file, long line, String text, String problem) {
        InputRecord record = new InputRecord();
        record.file = file;
        record.line = line;
        record.text = text;
        record.problem = problem;
        return record;
    }

    public static InputRecord ofAvro(String file, long line, PromptRequest request) {
        InputRecord record = new InputRecord();
        record.file = file;
        record.line = line;
        record.request = request;
        return record;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InputRecord that && line == that.line && Objects.equals(file, that.file)
                && Objects.equals(text, that.text) && Objects.equals(problem, that.problem)
                && Objects.equals(request, that.request);
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, line, text, problem, request);
    }

    @Override
    public String toString() {
        return file + ":" + line;
    }
}
