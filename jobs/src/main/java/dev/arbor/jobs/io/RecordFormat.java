package dev.arbor.jobs.io;

import dev.arbor.annotation.PublicApi;

/** Format of input files. */
@PublicApi
public enum RecordFormat {
    /** By file extension: {@code .avro} is Avro, anything else JSONL. */
    AUTO,
    /** One JSON object per line. */
    JSONL,
    /** Avro container files of {@code PromptRequest} records. */
    AVRO
}
