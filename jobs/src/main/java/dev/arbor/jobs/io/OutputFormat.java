package dev.arbor.jobs.io;

/** Formats of the result files. */
public enum OutputFormat {
    AVRO,
    JSONL
}
