package dev.arbor.jobs.io;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.PromptRequest;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableInput;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * One Avro container file of {@link PromptRequest}s read record by record, with every byte accounted
 * for: a stretch that cannot be read (a file cut off by an interrupted copy, a damaged block) is not
 * skipped in silence but comes back as a {@link Damaged} item naming the byte offsets, and reading goes
 * on at the next intact block. The file's writer schema is resolved against the current
 * PromptRequest schema, so files of older versions read fine.
 *
 * <p>How damage is told: a container file is a header and blocks, each block ending with the
 * header's 16-byte sync marker. Every byte up to the end of the last block read whole is accounted
 * for ({@link DataFileReader#previousSync()}); when reading stops early (the file ends inside a
 * block, or a block does not decode), the bytes from there to the next sync marker, or to the end,
 * are the damaged stretch. A file cut exactly at a block boundary cannot be told from a whole one
 * (Avro has no record count); one cut anywhere else is. Used by the job's reader and by the client's
 * count alike, so both see the same items.
 */
@Internal
public final class AvroRequestFile implements Closeable {
    /** What one read gives: a record, or a stretch of the file that holds none that can be read. */
    public sealed interface Item permits Record, Damaged {}

    /** A record of the file. */
    public record Record(PromptRequest request) implements Item {}

    /**
     * Bytes {@code from} (inclusive) to {@code to} (exclusive) of a file of {@code length} bytes that
     * could not be read, and why.
     */
    public record Damaged(long from, long to, long length, String why) implements Item {
        /** One line for the user, naming the bytes and what to do. */
        public String describe() {
            return "the file is damaged or cut off: bytes " + from + " to " + to + " of " + length + " cannot be read ("
                    + why + "), so the records there are lost; copy the file again from its source";
        }
    }

    private final String file;
    private final long length;
    private final DataFileReader<PromptRequest> reader;
    /** The damage found when the header itself is cut; reported once. */
    private Damaged headerDamage;

    private AvroRequestFile(String file, long length, DataFileReader<PromptRequest> reader, Damaged headerDamage) {
        this.file = file;
        this.length = length;
        this.reader = reader;
        this.headerDamage = headerDamage;
    }

    /**
     * Opens {@code stream}, a file of {@code length} bytes named {@code file} for messages.
     *
     * @throws IOException naming the file when it is not an Avro container file of PromptRequests
     *     at all (another format, another record type); a container cut short is not an error here
     */
    public static AvroRequestFile open(FSDataInputStream stream, long length, String file) throws IOException {
        SeekableInput input = new StreamInput(stream, length);
        byte[] magic = new byte[DataFileConstants.MAGIC.length];
        int read = 0;
        while (read < magic.length) {
            int n = stream.read(magic, read, magic.length - read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        if (read < magic.length || !Arrays.equals(magic, DataFileConstants.MAGIC)) {
            stream.close();
            throw new IOException("cannot read " + file + ": it is not an Avro container file (it does not start "
                    + "with Avro's 'Obj' marker)");
        }
        stream.seek(0);
        try {
            return new AvroRequestFile(file, length, new DataFileReader<>(input, new SpecificDatumReader<>(
                    PromptRequest.class)), null);
        } catch (EOFException cut) {
            stream.close();
            return new AvroRequestFile(file, length, null, new Damaged(0, length, length,
                    "the file ends inside its Avro header, before the first record"));
        } catch (IOException | RuntimeException e) {
            stream.close();
            throw new IOException("cannot read " + file + " as an Avro file of PromptRequest records: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    /** The next record or damaged stretch, or null at the end of the file. */
    public Item next() throws IOException {
        if (headerDamage != null) {
            Item damage = headerDamage;
            headerDamage = null;
            return damage;
        }
        if (reader == null) {
            return null;
        }
        long blockStart = reader.previousSync();
        try {
            if (reader.hasNext()) {
                return new Record(reader.next());
            }
        } catch (AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                | IllegalArgumentException | ClassCastException e) { // what a damaged block decodes into
            return skipDamage(Math.max(blockStart, reader.previousSync()), "a block does not decode: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        long end = reader.previousSync();
        if (end < length) {
            // hasNext() says false at an end of file inside a block too: the rest is cut off.
            return skipDamage(end, "the file ends inside a block");
        }
        return null;
    }

    /** The stretch from {@code from} to the next intact block (or the end), after which reading goes on. */
    private Damaged skipDamage(long from, String why) throws IOException {
        reader.sync(Math.min(from + 1, length));
        long to = Math.max(reader.previousSync(), from);
        if (to >= length) {
            to = length;
            reader.seek(length); // nothing follows: the next read ends the file
        }
        return new Damaged(from, to, length, why);
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
        }
    }

    @Override
    public String toString() {
        return file;
    }

    /** A Flink input stream as Avro's random-access input. */
    private record StreamInput(FSDataInputStream stream, long length) implements SeekableInput {
        @Override
        public void seek(long position) throws IOException {
            stream.seek(position);
        }

        @Override
        public long tell() throws IOException {
            return stream.getPos();
        }

        @Override
        public int read(byte[] bytes, int offset, int count) throws IOException {
            return stream.read(bytes, offset, count);
        }

        @Override
        public void close() throws IOException {
            stream.close();
        }
    }
}
