package dev.arbor.jobs.io;

import dev.arbor.jobs.JobOptions.RecordFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.enumerate.FileEnumerator;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.Path;

/**
 * Enumerates the files of an input as one split per file, with {@link InputFiles}'s rules (so the
 * job reads exactly the files the client counted). In a continuously monitored source Flink calls
 * this at every interval and drops the paths it has already read.
 */
public final class InputFileEnumerator implements FileEnumerator {
    private final RecordFormat format;
    private long nextId;

    public InputFileEnumerator(RecordFormat format) {
        this.format = format;
    }

    @Override
    public Collection<FileSourceSplit> enumerateSplits(Path[] paths, int minDesiredSplits) throws IOException {
        List<FileSourceSplit> splits = new ArrayList<>();
        for (Path root : paths) {
            for (FileStatus file : InputFiles.list(root, format)) {
                splits.add(new FileSourceSplit(String.valueOf(nextId++), file.getPath(), 0, file.getLen(),
                        file.getModificationTime(), file.getLen()));
            }
        }
        return splits;
    }
}
