package dev.arbor.llama.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything in a GGUF file except the tensor data: version, metadata, tensor infos and where
 * the data section starts. Produced by {@link GgufReader}.
 *
 * <p>Metadata keeps the file's key order. Tensor offsets are relative to {@link #dataOffset()},
 * which is the header length rounded up to {@link #alignment()}.
 *
 * @param version the GGUF version (3 for files this package writes)
 * @param metadata key-value pairs in file order
 * @param tensors tensor infos in file order
 * @param alignment data alignment in bytes ({@code general.alignment}, or 32 when absent)
 * @param dataOffset absolute file offset of the data section
 */
@dev.arbor.annotation.Internal
public record GgufHeader(int version, Map<String, GgufValue> metadata, List<GgufTensorInfo> tensors,
        int alignment, long dataOffset) {

    /** Copies the collections so the header is immutable. */
    public GgufHeader {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tensors = List.copyOf(tensors);
    }

    /** The value stored under {@code key}, if any. */
    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /** The tensor named {@code name}, if any. */
    public Optional<GgufTensorInfo> tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The {@code general.architecture} value, e.g. "llama", if present. */
    public Optional<String> architecture() {
        return get("general.architecture").map(GgufValue::asString);
    }
}
