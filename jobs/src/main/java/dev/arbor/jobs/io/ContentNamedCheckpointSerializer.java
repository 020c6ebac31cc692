package dev.arbor.jobs.io;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.FileSourceSplitSerializer;
import org.apache.flink.connector.file.src.PendingSplitsCheckpoint;
import org.apache.flink.connector.file.src.PendingSplitsCheckpointSerializer;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The watched source's enumerator checkpoint (the splits not yet read, and the files read) with each
 * file named by its whole URI, the content's name in its fragment included ({@link
 * InputFileEnumerator}); Flink's own serializer (version 1) writes a path's text, which drops it.
 *
 * <p>Version 2 is this format. A version-1 checkpoint (an eval stopped before its files were named by
 * content) is still read: each file it read is taken to be the content that file has now, which is
 * what the earlier version would have assumed (it never read a file twice).
 */
final class ContentNamedCheckpointSerializer implements SimpleVersionedSerializer<PendingSplitsCheckpoint<FileSourceSplit>> {
    private static final int VERSION = 2;
    private static final int MAGIC = 0xA7B0C0DE;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(PendingSplitsCheckpoint<FileSourceSplit> checkpoint) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeInt(MAGIC);
        out.writeInt(FileSourceSplitSerializer.INSTANCE.getVersion());
        out.writeInt(checkpoint.getSplits().size());
        for (FileSourceSplit split : checkpoint.getSplits()) {
            byte[] bytes = FileSourceSplitSerializer.INSTANCE.serialize(split);
            out.writeInt(bytes.length);
            out.write(bytes);
        }
        out.writeInt(checkpoint.getAlreadyProcessedPaths().size());
        for (Path path : checkpoint.getAlreadyProcessedPaths()) {
            out.writeUTF(path.toUri().toString());
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public PendingSplitsCheckpoint<FileSourceSplit> deserialize(int version, byte[] serialized) throws IOException {
        if (version == 1) {
            PendingSplitsCheckpoint<FileSourceSplit> plain = new PendingSplitsCheckpointSerializer<>(
                    FileSourceSplitSerializer.INSTANCE).deserialize(version, serialized);
            List<Path> named = new ArrayList<>();
            for (Path path : plain.getAlreadyProcessedPaths()) {
                named.add(InputFileEnumerator.namedByContentNow(path));
            }
            return PendingSplitsCheckpoint.fromCollectionSnapshot(plain.getSplits(), named);
        }
        if (version != VERSION) {
            throw new IOException("unknown version " + version + " of a watched source's checkpoint");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        if (in.readInt() != MAGIC) {
            throw new IOException("not a watched source's checkpoint (wrong magic number)");
        }
        int splitVersion = in.readInt();
        Collection<FileSourceSplit> splits = new ArrayList<>();
        for (int n = in.readInt(); n > 0; n--) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            splits.add(FileSourceSplitSerializer.INSTANCE.deserialize(splitVersion, bytes));
        }
        Collection<Path> read = new ArrayList<>();
        for (int n = in.readInt(); n > 0; n--) {
            read.add(new Path(URI.create(in.readUTF())));
        }
        return PendingSplitsCheckpoint.fromCollectionSnapshot(splits, read);
    }
}
