package dev.arbor.llama;

import dev.arbor.llama.gguf.GgmlType;
import dev.arbor.llama.gguf.GgufHeader;
import dev.arbor.llama.gguf.GgufReader;
import dev.arbor.llama.gguf.GgufTensorInfo;
import dev.arbor.llama.gguf.GgufValue;
import dev.arbor.llama.gguf.GgufWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Broken variants of a valid GGUF model for the malformed-model tests: the metadata or a tensor
 * changed through a rewrite (the file stays well-formed GGUF, the model does not), or single bytes
 * of the header changed in place (the file itself is damaged).
 */
final class MalformedModels {
    private final Path source;
    private final GgufHeader header;
    private final byte[] bytes;

    MalformedModels(Path source) throws IOException {
        this.source = source;
        this.header = GgufReader.read(source);
        this.bytes = Files.readAllBytes(source);
    }

    /** The model rewritten with one metadata value replaced ({@code null} removes the key). */
    Path withMetadata(Path file, String key, GgufValue value) throws IOException {
        return rewrite(file, metadata -> {
            Map<String, GgufValue> changed = new LinkedHashMap<>(metadata);
            if (value == null) {
                changed.remove(key);
            } else {
                changed.put(key, value);
            }
            return changed;
        }, Map.of());
    }

    /** The model rewritten with a string array (e.g. the vocabulary) cut to its first {@code keep} elements. */
    Path withArrayCut(Path file, String key, int keep) throws IOException {
        GgufValue array = header.get(key).orElseThrow();
        List<Object> kept = new ArrayList<>(array.asList().subList(0, keep));
        return withMetadata(file, key, GgufValue.array(array.elementType(), kept));
    }

    /** The model rewritten with one tensor's shape changed (same data, truncated or zero-padded). */
    Path withTensorShape(Path file, String tensor, long... dims) throws IOException {
        return rewrite(file, UnaryOperator.identity(), Map.of(tensor, dims));
    }

    /** The file with the u64 at the given position replaced, e.g. a tensor's offset. */
    Path withU64At(Path file, int position, long value) throws IOException {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(position, value);
        return Files.write(file, copy);
    }

    /** The file with the u32 at the given position replaced, e.g. a tensor's type. */
    Path withU32At(Path file, int position, int value) throws IOException {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(position, value);
        return Files.write(file, copy);
    }

    /** Position of the u32 type id in a tensor's info (its u64 offset follows it). */
    int tensorTypePosition(String tensor) {
        GgufTensorInfo info = header.tensor(tensor).orElseThrow();
        byte[] name = tensor.getBytes(StandardCharsets.UTF_8);
        int at = indexOf(lengthPrefixed(name));
        return at + 8 + name.length + 4 + 8 * info.dims().size();
    }

    /** Position of the u64 length of a string metadata value (the key's bytes, then its u32 type, precede it). */
    int stringLengthPosition(String key) {
        byte[] name = key.getBytes(StandardCharsets.UTF_8);
        return indexOf(lengthPrefixed(name)) + 8 + name.length + 4;
    }

    GgufHeader header() {
        return header;
    }

    private Path rewrite(Path file, UnaryOperator<Map<String, GgufValue>> metadata, Map<String, long[]> shapes)
            throws IOException {
        GgufWriter writer = new GgufWriter();
        for (Map.Entry<String, GgufValue> entry : metadata.apply(header.metadata()).entrySet()) {
            writer.put(entry.getKey(), entry.getValue());
        }
        ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (GgufTensorInfo info : header.tensors()) {
            if (info.type().orElseThrow() != GgmlType.F32) {
                throw new IllegalArgumentException("only F32 models can be rewritten: " + info.name());
            }
            long start = header.dataOffset() + info.offset();
            long count = info.elementCount();
            long[] dims = shapes.getOrDefault(info.name(), info.dims().stream().mapToLong(Long::longValue).toArray());
            writer.addTensor(info.name(), GgmlType.F32,
                    i -> i < count ? data.getFloat(Math.toIntExact(start + 4 * i)) : 0f, dims);
        }
        writer.write(file);
        return file;
    }

    private static byte[] lengthPrefixed(byte[] name) {
        byte[] prefixed = new byte[8 + name.length];
        ByteBuffer.wrap(prefixed).order(ByteOrder.LITTLE_ENDIAN).putLong(name.length);
        System.arraycopy(name, 0, prefixed, 8, name.length);
        return prefixed;
    }

    private int indexOf(byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found in " + source + ": " + Arrays.toString(needle));
    }
}
