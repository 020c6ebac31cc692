package dev.arbor.jobs.io;

import dev.arbor.annotation.Internal;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads one JSONL file as {@link InputRecord}s with their line numbers (blank lines skipped, see
 * {@link LineSplitter}). Not splittable: after a restore Flink re-reads the file from its start and
 * skips the records already emitted, so the line numbers stay right.
 *
 * <p>Unlike Flink's SimpleStreamFormat it does not insist that the file still has the length it had
 * when it was discovered: a file that grows while a watching job reads it (one not moved into the
 * directory atomically) is read as far as it is there, and a cut-off last line is rejected like any
 * malformed line, instead of failing the job on every restart.
 */
@Internal
public final class JsonLineFormat implements StreamFormat<InputRecord> {
    private static final long serialVersionUID = 1L;
    private final String file;

    public JsonLineFormat(String file) {
        this.file = file;
    }

    @Override
    public StreamFormat.Reader<InputRecord> createReader(Configuration config, FSDataInputStream stream,
            long fileLen, long splitEnd) {
        LineSplitter lines = new LineSplitter(stream);
        return new StreamFormat.Reader<>() {
            @Override
            public InputRecord read() throws IOException {
                LineSplitter.Line line = lines.next();
                return line == null ? null
                        : InputRecord.ofText(Origin.file(file, line.number()), line.text(), line.problem());
            }

            @Override
            public void close() throws IOException {
                stream.close();
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
