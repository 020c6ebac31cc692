package dev.arbor.llama.gguf;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the header of a GGUF file (v2 or v3, little-endian): metadata and tensor infos, not the
 * tensor data.
 *
 * <p>Its purpose is to check a model before handing it to llama.cpp and to explain what is wrong
 * in plain words, so every structural problem becomes a {@link GgufFormatException} naming the
 * file and the offending key or tensor. Counts and lengths are checked against the file size
 * before anything is allocated, so a corrupt file cannot exhaust memory. Tensors whose type is
 * known are also checked to be aligned and to fit inside the file.
 */
@dev.arbor.annotation.Internal
public final class GgufReader {

    private final Path file;
    private final long fileSize;
    private final InputStream in;
    private long position;

    private GgufReader(Path file, long fileSize, InputStream in) {
        this.file = file;
        this.fileSize = fileSize;
        this.in = in;
    }

    /**
     * Reads and validates the header of {@code file}.
     *
     * @throws GgufFormatException if the file is not a well-formed GGUF file
     * @throws IOException if it cannot be read
     */
    public static GgufHeader read(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return new GgufReader(file, size, in).readHeader();
        } catch (EOFException e) {
            throw new GgufFormatException(file + ": truncated GGUF header (file is " + size
                    + " bytes)");
        }
    }

    private GgufHeader readHeader() throws IOException {
        byte[] magic = readBytes(4);
        if (magic[0] != 'G' || magic[1] != 'G' || magic[2] != 'U' || magic[3] != 'F') {
            throw fail(String.format("not a GGUF file (starts with %02x %02x %02x %02x)",
                    magic[0], magic[1], magic[2], magic[3]));
        }
        long version = readU32();
        if (version != 2 && version != 3) {
            throw fail("unsupported GGUF version " + version + " (2 and 3 are supported)");
        }
        long tensorCount = readCount("tensor count");
        long kvCount = readCount("metadata count");

        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = readString();
            GgufValueType type = readType(key);
            GgufValue value;
            if (type == GgufValueType.ARRAY) {
                GgufValueType elementType = readType(key);
                if (elementType == GgufValueType.ARRAY) {
                    throw fail("key " + key + ": nested arrays are not supported");
                }
                long n = readCount("length of array " + key);
                List<Object> elements = new ArrayList<>((int) Math.min(n, 1 << 16));
                for (long j = 0; j < n; j++) {
                    elements.add(readScalar(elementType));
                }
                value = GgufValue.array(elementType, elements);
            } else {
                value = new GgufValue(type, null, readScalar(type));
            }
            if (metadata.put(key, value) != null) {
                throw fail("duplicate key " + key);
            }
        }

        int alignment = GgufWriter.DEFAULT_ALIGNMENT;
        GgufValue a = metadata.get(GgufWriter.ALIGNMENT_KEY);
        if (a != null) {
            long v = a.type() == GgufValueType.UINT32 ? a.asLong() : -1;
            if (v <= 0 || Long.bitCount(v) != 1) {
                throw fail(GgufWriter.ALIGNMENT_KEY + " must be a power-of-two UINT32, got " + a);
            }
            alignment = (int) v;
        }

        List<GgufTensorInfo> tensors = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            tensors.add(readTensorInfo(alignment));
        }
        long dataOffset = GgufWriter.alignUp(position, alignment);
        for (GgufTensorInfo t : tensors) {
            checkFits(t, dataOffset);
        }
        return new GgufHeader((int) version, metadata, tensors, alignment, dataOffset);
    }

    private GgufTensorInfo readTensorInfo(int alignment) throws IOException {
        String name = readString();
        long nDims = readU32();
        if (nDims < 1 || nDims > GgufTensorInfo.MAX_DIMS) {
            throw fail("tensor " + name + " has " + nDims + " dimensions");
        }
        List<Long> dims = new ArrayList<>();
        for (int d = 0; d < nDims; d++) {
            long dim = readU64();
            if (dim <= 0) {
                throw fail("tensor " + name + " has dimension " + Long.toUnsignedString(dim));
            }
            dims.add(dim);
        }
        long typeId = readU32();
        long offset = readU64();
        if (offset < 0 || offset % alignment != 0) {
            throw fail("tensor " + name + " offset " + Long.toUnsignedString(offset)
                    + " is not a multiple of the alignment " + alignment);
        }
        try {
            return new GgufTensorInfo(name, dims, (int) typeId, offset);
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage());
        }
    }

    private void checkFits(GgufTensorInfo t, long dataOffset) throws GgufFormatException {
        if (t.type().isEmpty()) {
            return;
        }
        long bytes;
        try {
            long rowLength = t.dims().get(0);
            if (rowLength % t.type().get().blockSize() != 0) {
                throw fail("tensor " + t.name() + " of type " + t.type().get()
                        + " has a first dimension " + rowLength + " that is not a multiple of "
                        + t.type().get().blockSize());
            }
            bytes = t.byteSize();
        } catch (ArithmeticException e) {
            throw fail("tensor " + t.name() + " is impossibly large: " + t.dims());
        }
        long end = dataOffset + t.offset() + bytes;
        if (end < 0 || end > fileSize) {
            throw fail("tensor " + t.name() + " ends at byte " + end + " but the file has only "
                    + fileSize + " (truncated download?)");
        }
    }

    private Object readScalar(GgufValueType type) throws IOException {
        return switch (type) {
            case UINT8 -> readU8();
            case INT8 -> (int) (byte) readU8();
            case UINT16 -> (int) readLe(2);
            case INT16 -> (int) (short) readLe(2);
            case UINT32 -> readU32();
            case INT32 -> (int) readLe(4);
            case UINT64, INT64 -> readU64();
            case FLOAT32 -> Float.intBitsToFloat((int) readLe(4));
            case FLOAT64 -> Double.longBitsToDouble(readU64());
            case BOOL -> {
                int b = readU8();
                if (b > 1) {
                    throw fail("boolean value " + b + " at offset " + (position - 1));
                }
                yield b == 1;
            }
            case STRING -> readString();
            case ARRAY -> throw fail("nested arrays are not supported");
        };
    }

    private GgufValueType readType(String key) throws IOException {
        long code = readU32();
        try {
            return GgufValueType.fromCode(code);
        } catch (IllegalArgumentException e) {
            throw fail("key " + key + ": unknown value type " + code);
        }
    }

    private String readString() throws IOException {
        long len = readCount("string length");
        return new String(readBytes((int) len), StandardCharsets.UTF_8);
    }

    /** Reads a u64 count and rejects it if the rest of the file could not possibly hold it. */
    private long readCount(String what) throws IOException {
        long n = readU64();
        if (n < 0 || n > fileSize - position || n > Integer.MAX_VALUE - 8) {
            throw fail(what + " " + Long.toUnsignedString(n) + " at offset " + (position - 8)
                    + " exceeds the file size " + fileSize);
        }
        return n;
    }

    private int readU8() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        position++;
        return b;
    }

    private long readU32() throws IOException {
        return readLe(4);
    }

    private long readU64() throws IOException {
        return readLe(8);
    }

    private long readLe(int bytes) throws IOException {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (long) readU8() << (8 * i);
        }
        return v;
    }

    private byte[] readBytes(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new EOFException();
        }
        position += n;
        return b;
    }

    private GgufFormatException fail(String message) {
        return new GgufFormatException(file + ": " + message);
    }
}
