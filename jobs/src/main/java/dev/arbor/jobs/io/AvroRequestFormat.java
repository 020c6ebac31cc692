package dev.arbor.jobs.io;

import dev.arbor.flink.records.PromptRequest;
import java.io.IOException;
import java.io.InputStream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads one Avro container file of {@link PromptRequest}s as {@link InputRecord}s numbered from 1.
 * The file's writer schema is resolved against the current PromptRequest schema, so files written
 * by older versions (fewer optional fields) read fine. Not splittable (see {@link JsonLineFormat}).
 */
public final class AvroRequestFormat extends SimpleStreamFormat<InputRecord> {
    private static final long serialVersionUID = 1L;
    private final String file;

    public AvroRequestFormat(String file) {
        this.file = file;
    }

    /** Opens a container file of PromptRequests; a file that is not one fails here, naming it. */
    public static DataFileStream<PromptRequest> open(InputStream in, String file) throws IOException {
        try {
            return new DataFileStream<>(in, new SpecificDatumReader<>(PromptRequest.class));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw new IOException("cannot read " + file + " as an Avro file of PromptRequest records: " + e.getMessage(),
                    e);
        }
    }

    @Override
    public StreamFormat.Reader<InputRecord> createReader(Configuration config, FSDataInputStream stream)
            throws IOException {
        DataFileStream<PromptRequest> records = open(stream, file);
        return new StreamFormat.Reader<>() {
            private long number;

            @Override
            public InputRecord read() throws IOException {
                try {
                    if (!records.hasNext()) {
                        return null;
                    }
                    return InputRecord.ofAvro(file, ++number, records.next());
                } catch (RuntimeException e) { // Avro reports corrupt blocks and schema mismatches unchecked
                    throw new IOException("cannot read record " + (number + 1) + " of " + file + ": " + e.getMessage(),
                            e);
                }
            }

            @Override
            public void close() throws IOException {
                records.close();
            }
        };
    }

    @Override
    public TypeInformation<InputRecord> getProducedType() {
        return TypeInformation.of(InputRecord.class);
    }
}
