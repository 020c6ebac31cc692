package dev.arbor.jobs.io;

import dev.arbor.annotation.PublicApi;

/** Formats of the result files. */
@PublicApi
public enum OutputFormat {
    AVRO,
    JSONL
}
