package dev.arbor.jobs.io;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.SearchResult;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.avro.AvroWriters;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * The jobs' file sinks: Flink {@link FileSink}s, exactly once with checkpoints, files directly in
 * their directory (no date buckets), named {@code <prefix>-<uuid>-<n>.<ext>}. Files roll at each
 * checkpoint and at the end of a bounded job; until then they are hidden in-progress files
 * ({@code .<prefix>-...inprogress...}), which readers skip.
 */
@Internal
public final class Sinks {
    private Sinks() {}

    /** Avro container files of results. */
    public static FileSink<SearchResult> avroResults(Path dir, String prefix) {
        return FileSink.forBulkFormat(dir, AvroWriters.forSpecificRecord(SearchResult.class))
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .withOutputFileConfig(new OutputFileConfig(prefix, ".avro"))
                .build();
    }

    /** JSON Lines files, one record per line as {@code encoder} writes it (see {@link JsonLines}). */
    public static <T> FileSink<T> jsonLines(Path dir, String prefix, Encoder<T> encoder) {
        return FileSink.forRowFormat(dir, encoder)
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(new OutputFileConfig(prefix, ".jsonl"))
                .build();
    }
}
