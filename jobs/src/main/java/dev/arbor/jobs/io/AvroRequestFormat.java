package dev.arbor.jobs.io;

import dev.arbor.annotation.Internal;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads one Avro container file of {@code PromptRequest}s as {@link InputRecord}s numbered from 1
 * ({@link AvroRequestFile}): a stretch of the file that cannot be read becomes one record marked
 * {@link InputRecord#lost} that names its bytes (items are numbered in reading order, damage included),
 * and reading goes on after it. Not splittable: after a restore Flink re-reads the file from its start
 * and skips the records already emitted (see {@link JsonLineFormat}).
 */
@Internal
public final class AvroRequestFormat implements StreamFormat<InputRecord> {
    private static final long serialVersionUID = 1L;
    private final String file;

    public AvroRequestFormat(String file) {
        this.file = file;
    }

    @Override
    public StreamFormat.Reader<InputRecord> createReader(Configuration config, FSDataInputStream stream,
            long fileLen, long splitEnd) throws IOException {
        AvroRequestFile records = AvroRequestFile.open(stream, fileLen, file);
        return new StreamFormat.Reader<>() {
            private long number;

            @Override
            public InputRecord read() throws IOException {
                AvroRequestFile.Item item = records.next();
                if (item == null) {
                    return null;
                }
                number++;
                Origin origin = Origin.file(file, number);
                return item instanceof AvroRequestFile.Record record ? InputRecord.ofAvro(origin, record.request())
                        : InputRecord.lost(origin, ((AvroRequestFile.Damaged) item).describe());
            }

            @Override
            public void close() throws IOException {
                records.close();
            }
        };
    }

    /** Never called with an offset (the reader reports none); Flink then re-creates and skips. */
    @Override
    public StreamFormat.Reader<InputRecord> restoreReader(Configuration config, FSDataInputStream stream,
            long restoredOffset, long fileLen, long splitEnd) throws IOException {
        stream.seek(0);
        return createReader(config, stream, fileLen, splitEnd);
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
