package dev.arbor.llama.gguf;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one tensor lives in a GGUF file: its name, shape, element type and data offset.
 *
 * <p>Dimensions are in ggml order, first dimension first, and the first dimension is the
 * contiguous one: a matrix {@code [n_embd, n_vocab]} stores {@code n_vocab} rows of
 * {@code n_embd} values. The offset is relative to the start of the data section (not the file)
 * and is a multiple of the file's alignment. The type is kept as its raw id so that a file with
 * a type unknown to {@link GgmlType} can still be described.
 *
 * @param name tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param dims dimensions, first (contiguous) dimension first; 1 to 4 entries, each positive
 * @param typeId the ggml type id
 * @param offset byte offset of the data from the start of the data section
 */
@dev.arbor.annotation.Internal
public record GgufTensorInfo(String name, List<Long> dims, int typeId, long offset) {

    /** The most dimensions a ggml tensor can have. */
    public static final int MAX_DIMS = 4;

    /** Validates the name, dimensions and offset. */
    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        dims = List.copyOf(dims);
        if (dims.isEmpty() || dims.size() > MAX_DIMS) {
            throw new IllegalArgumentException(
                    "tensor " + name + " has " + dims.size() + " dimensions; 1 to 4 allowed");
        }
        for (long d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("tensor " + name + " has dimension " + d);
            }
        }
        if (offset < 0) {
            throw new IllegalArgumentException("tensor " + name + " has offset " + offset);
        }
    }

    /** The element type, or empty when {@link #typeId()} is not one {@link GgmlType} knows. */
    public Optional<GgmlType> type() {
        return GgmlType.fromId(typeId);
    }

    /** Product of the dimensions. */
    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * Bytes of tensor data.
     *
     * @throws IllegalStateException if the type is unknown
     */
    public long byteSize() {
        GgmlType t = type().orElseThrow(() -> new IllegalStateException(
                "tensor " + name + " has ggml type id " + typeId + ", unknown to this reader"));
        return t.byteSize(elementCount());
    }
}
