package dev.arbor.jobs.run;

import dev.arbor.annotation.Internal;
import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.config.JobOptions;
import dev.arbor.jobs.io.InputFiles;
import dev.arbor.jobs.io.IoProblems;
import dev.arbor.jobs.io.RecordFormat;
import java.io.IOException;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's input as checked on the client before submission: the path, its concrete format, and
 * (for bounded jobs) its record count. A missing or unreadable local input is a {@link
 * ConfigException} here, not a job failure later; an input on a file system this client cannot
 * reach (hdfs://, s3://, ...) is left to the cluster, with an unknown total.
 *
 * @param total records in the input, or -1 when unknown
 * @param damage damaged stretches of the input files ({@link InputFiles.Count#damage}); the job
 *     rejects each, so the user is told before it runs
 */
@Internal
public record JobInput(Path path, RecordFormat format, long total, List<String> damage) {
    private static final Logger LOG = LoggerFactory.getLogger(JobInput.class);

    /** The input of a bounded job: files must exist and are counted. */
    public static JobInput bounded(Configuration config) {
        Path path = path(config);
        String shown = InputFiles.displayName(path);
        try {
            if (!path.getFileSystem().exists(path)) {
                throw new ConfigException("the input " + shown + " does not exist (input.path)");
            }
            RecordFormat format = InputFiles.resolve(path, config.get(JobOptions.INPUT_FORMAT));
            List<FileStatus> files = InputFiles.list(path, format);
            if (files.isEmpty()) {
                throw new ConfigException("the input directory " + shown + " holds no " + format + " files ("
                        + (format == RecordFormat.AVRO ? "*.avro" : "*.jsonl, *.json, *.ndjson") + ")");
            }
            InputFiles.Count count = InputFiles.count(files, format);
            return new JobInput(path, format, count.records(), count.damage());
        } catch (IOException e) {
            if (isLocal(path)) {
                throw new ConfigException("unreadable input: " + e.getMessage(), e);
            }
            LOG.warn("Cannot read {} from this client ({}); the cluster will read it", shown, e.toString());
            RecordFormat configured = config.get(JobOptions.INPUT_FORMAT);
            return new JobInput(path, configured == RecordFormat.AUTO ? RecordFormat.JSONL : configured, -1, List.of());
        }
    }

    /** The watched directory of an unbounded job (created when missing); JSONL only. */
    public static JobInput watched(Configuration config) {
        Path path = path(config);
        String shown = InputFiles.displayName(path);
        RecordFormat format = config.get(JobOptions.INPUT_FORMAT);
        if (format == RecordFormat.AVRO) {
            throw new ConfigException("eval reads JSONL items; input.format AVRO is not supported");
        }
        try {
            if (isLocal(path)) {
                path.getFileSystem().mkdirs(path);
                if (!path.getFileSystem().getFileStatus(path).isDir()) {
                    throw new ConfigException("the watched input " + shown + " must be a directory (input.path)");
                }
            }
        } catch (IOException e) {
            throw new ConfigException("cannot use the watched directory " + shown + ": " + IoProblems.describe(e), e);
        }
        return new JobInput(path, RecordFormat.JSONL, -1, List.of());
    }

    private static Path path(Configuration config) {
        String value = config.get(JobOptions.INPUT_PATH);
        if (value == null || value.isBlank()) {
            throw new ConfigException("no input: set input.path in the configuration file or pass --input");
        }
        return new Path(value);
    }

    static boolean isLocal(Path path) {
        String scheme = path.toUri().getScheme();
        return scheme == null || scheme.equals("file");
    }
}
