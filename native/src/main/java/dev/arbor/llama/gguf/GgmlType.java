package dev.arbor.llama.gguf;

import java.util.Optional;

/**
 * ggml tensor element types, with the numeric ids GGUF stores in a tensor info.
 *
 * <p>{@link GgufWriter} only writes the plain float types ({@link #isWritable()}). The common
 * quantised types are listed too so that {@link GgufReader} can name them and compute their data
 * sizes when it inspects a real model; a type is stored as blocks of {@link #blockSize()}
 * elements taking {@link #blockBytes()} bytes each, and a tensor's first dimension must be a
 * multiple of the block size. Ids not listed here are reported by number (see {@link #fromId}).
 */
@dev.arbor.annotation.Internal
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The u32 id stored in a GGUF tensor info. */
    public int id() {
        return id;
    }

    /** Number of elements that are stored together as one block (1 for plain types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes taken by one block. */
    public int blockBytes() {
        return blockBytes;
    }

    /** Whether {@link GgufWriter} can encode float values into this type. */
    public boolean isWritable() {
        return this == F32 || this == F16;
    }

    /**
     * Bytes taken by {@code elements} values of this type.
     *
     * @throws IllegalArgumentException if {@code elements} is not a whole number of blocks
     */
    public long byteSize(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(
                    name() + " stores blocks of " + blockSize + " elements; " + elements
                            + " is not a multiple");
        }
        return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    }

    /** The type with the given id, or empty for ids this enum does not know. */
    public static Optional<GgmlType> fromId(long id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
