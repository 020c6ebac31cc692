package dev.arbor.jobs.io;

import dev.arbor.annotation.Internal;
import java.io.IOException;
import java.io.Serializable;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.impl.StreamFormatAdapter;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;

/**
 * A {@link BulkFormat} whose stream format is made for each file, so that every record can say
 * which file it came from (Flink's {@link StreamFormat} is never told the path). Reading, restoring
 * and decompression are Flink's own {@link StreamFormatAdapter}.
 */
@Internal
public final class PerFileFormat implements BulkFormat<InputRecord, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    /** Makes the stream format of one file, given its display name. */
    @FunctionalInterface
    public interface Factory extends Serializable {
        StreamFormat<InputRecord> forFile(String file);
    }

    private final Factory factory;

    public PerFileFormat(Factory factory) {
        this.factory = factory;
    }

    @Override
    public BulkFormat.Reader<InputRecord> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return adapter(split).createReader(config, split);
    }

    @Override
    public BulkFormat.Reader<InputRecord> restoreReader(Configuration config, FileSourceSplit split)
            throws IOException {
        return adapter(split).restoreReader(config, split);
    }

    private StreamFormatAdapter<InputRecord> adapter(FileSourceSplit split) {
        return new StreamFormatAdapter<>(factory.forFile(InputFiles.displayName(split.path())));
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<InputRecord> getProducedType() {
        return TypeInformation.of(InputRecord.class);
    }
}
