package dev.arbor.jobs.io;

import dev.arbor.annotation.Internal;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The jobs' file sources: input files as {@link InputRecord}s, bounded or watching a directory. */
@Internal
public final class Sources {
    private Sources() {}

    /** Reads the files of {@code root} present now, in {@code format} (JSONL or AVRO, not AUTO). */
    public static DataStream<InputRecord> files(StreamExecutionEnvironment env, Path root, RecordFormat format) {
        return files(env, root, format, null, Duration.ZERO);
    }

    /**
     * Reads {@code root} in {@code format} (JSONL or AVRO, not AUTO).
     *
     * @param monitorInterval null for a bounded source that reads the files present now; otherwise
     *     the source never ends and picks up new files at this interval
     * @param settle a watched file is read once it has not changed for this long, and once per
     *     content (see {@link InputFileEnumerator})
     */
    public static DataStream<InputRecord> files(StreamExecutionEnvironment env, Path root, RecordFormat format,
            Duration monitorInterval, Duration settle) {
        PerFileFormat.Factory factory = format == RecordFormat.AVRO ? AvroRequestFormat::new : JsonLineFormat::new;
        String name = "Read " + format + " " + root.getName();
        if (monitorInterval != null) {
            // Watched: each file once per content, once it has settled.
            return env.fromSource(new WatchedFileSource(root, format, new PerFileFormat(factory), settle, monitorInterval),
                    WatermarkStrategy.noWatermarks(), name);
        }
        FileSource<InputRecord> files = FileSource.forBulkFileFormat(new PerFileFormat(factory), root)
                .setFileEnumerator(() -> new InputFileEnumerator(format)).build();
        return env.fromSource(files, WatermarkStrategy.noWatermarks(), name);
    }
}
