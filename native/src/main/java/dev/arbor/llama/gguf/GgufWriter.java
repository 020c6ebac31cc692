package dev.arbor.llama.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a GGUF v3 file (little-endian) from metadata and tensors, streaming the tensor data.
 *
 * <p>Metadata keys and tensors are written in insertion order, so the same calls always give the
 * same bytes. Tensor values come from an {@link ElementSource} that is asked for each index in
 * order when the file is written; nothing holds a whole tensor in memory, so large models can be
 * produced with a small heap. The data alignment is taken from {@code general.alignment} when
 * that key is set (a power-of-two UINT32) and is otherwise GGUF's default of 32; every tensor
 * offset is a multiple of it. {@link #write} goes through a temporary file in the target
 * directory and an atomic rename, so readers never see a half-written model.
 */
@dev.arbor.annotation.Internal
public final class GgufWriter {

    /** The file magic, "GGUF" as it appears on disk. */
    public static final byte[] MAGIC = {'G', 'G', 'U', 'F'};
    /** The format version this writer produces. */
    public static final int VERSION = 3;
    /** Alignment GGUF readers assume when {@code general.alignment} is absent. */
    public static final int DEFAULT_ALIGNMENT = 32;
    /** Key that overrides the data alignment. */
    public static final String ALIGNMENT_KEY = "general.alignment";
    /** ggml keeps tensor names in a 64-byte buffer that includes the terminating NUL. */
    public static final int MAX_TENSOR_NAME_BYTES = 63;

    private static final int CHUNK_BYTES = 1 << 16;

    /**
     * Supplies the value of each tensor element by flat index (first dimension fastest). Must be
     * deterministic if the written bytes are to be reproducible.
     */
    @FunctionalInterface
    public interface ElementSource {
        float valueAt(long index);
    }

    private record PendingTensor(GgufTensorInfo info, GgmlType type, ElementSource source) {
    }

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();
    private final Set<String> tensorNames = new HashSet<>();
    private int alignment = DEFAULT_ALIGNMENT;
    private long nextOffset;

    /**
     * Adds a metadata key-value pair.
     *
     * @throws IllegalArgumentException on a duplicate key (llama.cpp rejects files with one) or
     *     an invalid {@code general.alignment}
     */
    public GgufWriter put(String key, GgufValue value) {
        if (metadata.containsKey(key)) {
            throw new IllegalArgumentException("duplicate GGUF key " + key);
        }
        if (key.equals(ALIGNMENT_KEY)) {
            if (!tensors.isEmpty()) {
                throw new IllegalStateException(ALIGNMENT_KEY + " must be set before tensors");
            }
            long a = value.type() == GgufValueType.UINT32 ? value.asLong() : -1;
            if (a <= 0 || Long.bitCount(a) != 1) {
                throw new IllegalArgumentException(ALIGNMENT_KEY + " must be a power-of-two "
                        + "UINT32, got " + value);
            }
            alignment = (int) a;
        }
        metadata.put(key, value);
        return this;
    }

    /**
     * Adds a tensor whose values are produced on demand while writing.
     *
     * @param dims dimensions in ggml order, first (contiguous) dimension first
     */
    public GgufWriter addTensor(String name, GgmlType type, ElementSource source, long... dims) {
        if (!type.isWritable()) {
            throw new IllegalArgumentException("cannot encode tensor type " + type);
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_TENSOR_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name longer than "
                    + MAX_TENSOR_NAME_BYTES + " bytes: " + name);
        }
        if (!tensorNames.add(name)) {
            throw new IllegalArgumentException("duplicate tensor " + name);
        }
        List<Long> dimList = new ArrayList<>(dims.length);
        for (long d : dims) {
            dimList.add(d);
        }
        GgufTensorInfo info = new GgufTensorInfo(name, dimList, type.id(), nextOffset);
        tensors.add(new PendingTensor(info, type, source));
        nextOffset = alignUp(nextOffset + info.byteSize(), alignment);
        return this;
    }

    /** Adds a tensor from an array holding all of its values (first dimension fastest). */
    public GgufWriter addTensor(String name, GgmlType type, float[] values, long... dims) {
        float[] copy = values.clone();
        long expected = 1;
        for (long d : dims) {
            expected = Math.multiplyExact(expected, d);
        }
        if (expected != copy.length) {
            throw new IllegalArgumentException("tensor " + name + " has " + copy.length
                    + " values for " + expected + " elements");
        }
        return addTensor(name, type, i -> copy[(int) i], dims);
    }

    /** The data alignment in bytes that offsets and the data section start honour. */
    public int alignment() {
        return alignment;
    }

    /** The tensor infos as they will be written, offsets included, in file order. */
    public List<GgufTensorInfo> layout() {
        List<GgufTensorInfo> infos = new ArrayList<>(tensors.size());
        for (PendingTensor t : tensors) {
            infos.add(t.info());
        }
        return Collections.unmodifiableList(infos);
    }

    /** Writes the file, replacing any existing one atomically where the file system allows. */
    public void write(Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        // Not Files.createTempFile: it would give the model owner-only permissions.
        Path tmp = dir.resolve("." + absolute.getFileName() + "." + System.nanoTime() + ".part");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE_NEW)) {
                byte[] header = encodeHeader();
                writeFully(ch, ByteBuffer.wrap(header));
                writeZeros(ch, alignUp(header.length, alignment) - header.length);
                writeData(ch);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private byte[] encodeHeader() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        out.writeBytes(MAGIC);
        putU32(out, VERSION);
        putU64(out, tensors.size());
        putU64(out, metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            putString(out, e.getKey());
            GgufValue v = e.getValue();
            putU32(out, v.type().code());
            if (v.type() == GgufValueType.ARRAY) {
                putU32(out, v.elementType().code());
                putU64(out, v.asList().size());
                for (Object element : v.asList()) {
                    putScalar(out, v.elementType(), element);
                }
            } else {
                putScalar(out, v.type(), v.value());
            }
        }
        for (PendingTensor t : tensors) {
            GgufTensorInfo info = t.info();
            putString(out, info.name());
            putU32(out, info.dims().size());
            for (long d : info.dims()) {
                putU64(out, d);
            }
            putU32(out, info.typeId());
            putU64(out, info.offset());
        }
        return out.toByteArray();
    }

    private void writeData(FileChannel ch) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long written = 0;
        for (PendingTensor t : tensors) {
            writeZeros(ch, t.info().offset() - written);
            long n = t.info().elementCount();
            ElementSource src = t.source();
            boolean half = t.type() == GgmlType.F16;
            for (long i = 0; i < n; i++) {
                if (chunk.remaining() < Float.BYTES) {
                    flush(ch, chunk);
                }
                float v = src.valueAt(i);
                if (half) {
                    chunk.putShort(Float16.fromFloat(v));
                } else {
                    chunk.putFloat(v);
                }
            }
            flush(ch, chunk);
            written = t.info().offset() + t.info().byteSize();
        }
        // Pad the last tensor too, as other GGUF writers do, so the file ends on the alignment.
        writeZeros(ch, alignUp(written, alignment) - written);
    }

    private static void flush(FileChannel ch, ByteBuffer chunk) throws IOException {
        chunk.flip();
        writeFully(ch, chunk);
        chunk.clear();
    }

    private static void writeZeros(FileChannel ch, long count) throws IOException {
        if (count > 0) {
            writeFully(ch, ByteBuffer.allocate(Math.toIntExact(count)));
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    static long alignUp(long position, int alignment) {
        long mask = alignment - 1L;
        return (position + mask) & ~mask;
    }

    private static void putScalar(ByteArrayOutputStream out, GgufValueType type, Object v) {
        switch (type) {
            case UINT8, INT8 -> out.write((Integer) v);
            case BOOL -> out.write((Boolean) v ? 1 : 0);
            case UINT16, INT16 -> putLe(out, (Integer) v, 2);
            case INT32 -> putLe(out, (Integer) v, 4);
            case UINT32 -> putLe(out, (Long) v, 4);
            case UINT64, INT64 -> putLe(out, (Long) v, 8);
            case FLOAT32 -> putLe(out, Float.floatToRawIntBits((Float) v), 4);
            case FLOAT64 -> putLe(out, Double.doubleToRawLongBits((Double) v), 8);
            case STRING -> putString(out, (String) v);
            case ARRAY -> throw new IllegalArgumentException("nested GGUF arrays not supported");
        }
    }

    private static void putString(ByteArrayOutputStream out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        putU64(out, utf8.length);
        out.writeBytes(utf8);
    }

    private static void putU32(ByteArrayOutputStream out, long v) {
        putLe(out, v, 4);
    }

    private static void putU64(ByteArrayOutputStream out, long v) {
        putLe(out, v, 8);
    }

    private static void putLe(ByteArrayOutputStream out, long v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (v >>> (8 * i)) & 0xFF);
        }
    }
}
