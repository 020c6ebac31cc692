package dev.arbor.jobs.io;

import dev.arbor.annotation.Internal;
import java.time.Duration;
import org.apache.flink.connector.file.src.AbstractFileSource;
import org.apache.flink.connector.file.src.ContinuousEnumerationSettings;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.FileSourceSplitSerializer;
import org.apache.flink.connector.file.src.PendingSplitsCheckpoint;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The source of a watched directory: Flink's continuous file source, whose enumerator reads each
 * file once per content ({@link InputFileEnumerator} names a file's split by its content), with a
 * checkpoint that keeps those names ({@link ContentNamedCheckpointSerializer}). Flink's own
 * checkpoint of the files read keeps a path's text only, which drops the content's name: a restored
 * job would then read every file again.
 */
@Internal
public final class WatchedFileSource extends AbstractFileSource<InputRecord, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    /**
     * @param settle a file is read once it has not changed for this long
     * @param interval how often the directory is listed
     */
    public WatchedFileSource(Path root, RecordFormat format, PerFileFormat reader, Duration settle, Duration interval) {
        super(new Path[] {root}, () -> new InputFileEnumerator(format, settle), FileSource.DEFAULT_SPLIT_ASSIGNER,
                reader, new ContinuousEnumerationSettings(interval));
    }

    @Override
    public SimpleVersionedSerializer<FileSourceSplit> getSplitSerializer() {
        return FileSourceSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<PendingSplitsCheckpoint<FileSourceSplit>> getEnumeratorCheckpointSerializer() {
        return new ContentNamedCheckpointSerializer();
    }
}
