package dev.arbor.llama.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrupt files must fail with a message that says what is wrong. */
class GgufReaderTest {

    // Byte positions in the minimal file written by setUp (see GgufWriterTest for the layout).
    private static final int VERSION_AT = 4;
    private static final int KV_COUNT_AT = 16;
    private static final int TENSOR_TYPE_AT = 59;
    private static final int TENSOR_OFFSET_AT = 63;

    @TempDir
    Path dir;

    private byte[] valid;

    @BeforeEach
    void setUp() throws IOException {
        Path file = dir.resolve("valid.gguf");
        new GgufWriter()
                .put("a", GgufValue.uint8(7))
                .addTensor("t", GgmlType.F32, new float[] {1f, -1f}, 2)
                .write(file);
        valid = Files.readAllBytes(file);
        assertThat(valid).hasSize(128);
    }

    private Path withPatch(int at, long value, int width) throws IOException {
        byte[] copy = valid.clone();
        for (int i = 0; i < width; i++) {
            copy[at + i] = (byte) (value >>> (8 * i));
        }
        return save(copy);
    }

    private Path save(byte[] bytes) throws IOException {
        Path file = dir.resolve("corrupt.gguf");
        Files.write(file, bytes);
        return file;
    }

    @Test
    void readsTheValidFile() throws IOException {
        GgufHeader h = GgufReader.read(save(valid));
        assertThat(h.dataOffset()).isEqualTo(96);
        assertThat(h.get("a").orElseThrow()).isEqualTo(GgufValue.uint8(7));
        assertThat(h.tensors()).containsExactly(
                new GgufTensorInfo("t", List.of(2L), GgmlType.F32.id(), 0));
        assertThat(h.architecture()).isEmpty();
    }

    @Test
    void rejectsWrongMagic() throws IOException {
        byte[] copy = valid.clone();
        copy[3] = 'L';
        assertThatThrownBy(() -> GgufReader.read(save(copy)))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("not a GGUF file (starts with 47 47 55 4c)");
    }

    @Test
    void rejectsUnsupportedVersion() {
        assertThatThrownBy(() -> GgufReader.read(withPatch(VERSION_AT, 1, 4)))
                .hasMessageContaining("unsupported GGUF version 1");
    }

    @Test
    void rejectsTruncatedHeaderAndEmptyFile() throws IOException {
        assertThatThrownBy(() -> GgufReader.read(save(Arrays.copyOf(valid, 50))))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("truncated GGUF header");
        assertThatThrownBy(() -> GgufReader.read(save(new byte[0])))
                .hasMessageContaining("truncated GGUF header");
    }

    @Test
    void rejectsTruncatedTensorData() throws IOException {
        Path file = save(Arrays.copyOf(valid, 100));
        assertThatThrownBy(() -> GgufReader.read(file))
                .hasMessageContaining("tensor t ends at byte 104 but the file has only 100");
    }

    @Test
    void rejectsImpossibleCounts() {
        assertThatThrownBy(() -> GgufReader.read(withPatch(KV_COUNT_AT, 1L << 40, 8)))
                .hasMessageContaining("metadata count 1099511627776")
                .hasMessageContaining("exceeds the file size");
    }

    @Test
    void rejectsMisalignedTensorOffset() {
        assertThatThrownBy(() -> GgufReader.read(withPatch(TENSOR_OFFSET_AT, 4, 8)))
                .hasMessageContaining("tensor t offset 4 is not a multiple of the alignment 32");
    }

    @Test
    void describesUnknownTensorTypesByNumber() throws IOException {
        GgufHeader h = GgufReader.read(withPatch(TENSOR_TYPE_AT, 99, 4));
        GgufTensorInfo t = h.tensor("t").orElseThrow();
        assertThat(t.typeId()).isEqualTo(99);
        assertThat(t.type()).isEmpty();
        assertThatThrownBy(t::byteSize).hasMessageContaining("ggml type id 99");
    }

    @Test
    void checksQuantisedRowLength() throws IOException {
        // Q8_0 stores blocks of 32 elements; a row of 2 is impossible.
        assertThatThrownBy(() -> GgufReader.read(withPatch(TENSOR_TYPE_AT, 8, 4)))
                .hasMessageContaining("first dimension 2 that is not a multiple of 32");
    }
}
