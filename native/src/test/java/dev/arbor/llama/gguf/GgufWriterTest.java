package dev.arbor.llama.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufWriterTest {

    @TempDir
    Path dir;

    @Test
    void writesTheExactV3Layout() throws IOException {
        Path file = dir.resolve("min.gguf");
        new GgufWriter()
                .put("a", GgufValue.uint8(7))
                .addTensor("t", GgmlType.F32, new float[] {1f, -1f}, 2)
                .write(file);

        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        // 24 bytes of preamble, a 14-byte KV pair, a 33-byte tensor info: 71, padded to 96.
        assertThat(b.capacity()).isEqualTo(96 + 32);
        byte[] magic = new byte[4];
        b.get(magic);
        assertThat(new String(magic, "US-ASCII")).isEqualTo("GGUF");
        assertThat(b.getInt()).isEqualTo(3);
        assertThat(b.getLong()).isEqualTo(1); // tensors
        assertThat(b.getLong()).isEqualTo(1); // kv pairs
        assertThat(b.getLong()).isEqualTo(1);
        assertThat(b.get()).isEqualTo((byte) 'a');
        assertThat(b.getInt()).isEqualTo(GgufValueType.UINT8.code());
        assertThat(b.get()).isEqualTo((byte) 7);
        assertThat(b.getLong()).isEqualTo(1);
        assertThat(b.get()).isEqualTo((byte) 't');
        assertThat(b.getInt()).isEqualTo(1); // n_dims
        assertThat(b.getLong()).isEqualTo(2); // dims[0]
        assertThat(b.getInt()).isEqualTo(GgmlType.F32.id());
        assertThat(b.getLong()).isZero(); // offset
        assertThat(b.position()).isEqualTo(71);
        while (b.position() < 96) {
            assertThat(b.get()).isZero();
        }
        assertThat(b.getFloat()).isEqualTo(1f);
        assertThat(b.getFloat()).isEqualTo(-1f);
    }

    @Test
    void everyValueTypeRoundTrips() throws IOException {
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("u8", GgufValue.uint8(255));
        kv.put("i8", GgufValue.int8(-128));
        kv.put("u16", GgufValue.uint16(65535));
        kv.put("i16", GgufValue.int16(-32768));
        kv.put("u32", GgufValue.uint32(0xFFFF_FFFFL));
        kv.put("i32", GgufValue.int32(Integer.MIN_VALUE));
        kv.put("f32", GgufValue.float32(1e-5f));
        kv.put("bool.true", GgufValue.bool(true));
        kv.put("bool.false", GgufValue.bool(false));
        kv.put("str", GgufValue.string("\u2581h\u00e9llo \u65e5\u672c"));
        kv.put("u64", GgufValue.uint64(-1L));
        kv.put("i64", GgufValue.int64(Long.MIN_VALUE));
        kv.put("f64", GgufValue.float64(Math.PI));
        kv.put("arr.str", GgufValue.stringArray(List.of("a", "", "\u2581b")));
        kv.put("arr.f32", GgufValue.float32Array(new float[] {0.5f, -2f}));
        kv.put("arr.i32", GgufValue.int32Array(new int[] {1, -6}));
        kv.put("arr.u8", GgufValue.array(GgufValueType.UINT8, List.of(0, 200)));
        kv.put("arr.empty", GgufValue.array(GgufValueType.BOOL, List.of()));
        GgufWriter w = new GgufWriter();
        kv.forEach(w::put);
        Path file = dir.resolve("kv.gguf");
        w.write(file);

        GgufHeader h = GgufReader.read(file);
        assertThat(h.version()).isEqualTo(3);
        assertThat(h.tensors()).isEmpty();
        assertThat(h.metadata()).containsExactlyEntriesOf(kv);
        assertThat(h.get("u32").orElseThrow().asLong()).isEqualTo(0xFFFF_FFFFL);
        assertThat(h.get("i8").orElseThrow().asLong()).isEqualTo(-128);
        assertThat(h.get("str").orElseThrow().asString())
                .isEqualTo("\u2581h\u00e9llo \u65e5\u672c");
        assertThat(h.get("arr.str").orElseThrow().asList()).containsExactly("a", "", "\u2581b");
        assertThat(h.get("missing")).isEmpty();
    }

    @Test
    void tensorsAreAlignedAndHoldTheirValues() throws IOException {
        float[] a = {1.5f, -2.25f, 3f};
        float[] m = new float[7 * 3];
        for (int i = 0; i < m.length; i++) {
            m[i] = i / 3f;
        }
        GgufWriter w = new GgufWriter()
                .addTensor("a", GgmlType.F32, a, 3)
                .addTensor("m", GgmlType.F16, m, 7, 3)
                .addTensor("g", GgmlType.F32, i -> i * 0.25f, 5, 1, 2);
        Path file = dir.resolve("t.gguf");
        w.write(file);

        GgufHeader h = GgufReader.read(file);
        assertThat(h.tensors()).isEqualTo(w.layout());
        assertThat(h.alignment()).isEqualTo(32);
        assertThat(h.dataOffset() % 32).isZero();
        for (GgufTensorInfo t : h.tensors()) {
            assertThat(t.offset() % 32).as(t.name()).isZero();
        }
        GgufTensorInfo mi = h.tensor("m").orElseThrow();
        assertThat(mi.dims()).containsExactly(7L, 3L);
        assertThat(mi.type()).contains(GgmlType.F16);
        assertThat(mi.byteSize()).isEqualTo(42);
        assertThat(h.tensor("g").orElseThrow().dims()).containsExactly(5L, 1L, 2L);

        assertThat(TensorData.read(file, h, "a")).containsExactly(a);
        float[] mBack = TensorData.read(file, h, "m");
        for (int i = 0; i < m.length; i++) {
            assertThat(mBack[i]).isEqualTo(Float16.toFloat(Float16.fromFloat(m[i])));
        }
        assertThat(TensorData.read(file, h, "g"))
                .containsExactly(0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f, 1.5f, 1.75f, 2f, 2.25f);
        long lastEnd = h.dataOffset() + mi.offset() + mi.byteSize();
        assertThat(Files.size(file)).isGreaterThanOrEqualTo(lastEnd);
        assertThat(Files.size(file) % 32).isZero();
    }

    @Test
    void honoursGeneralAlignment() throws IOException {
        GgufWriter w = new GgufWriter()
                .put(GgufWriter.ALIGNMENT_KEY, GgufValue.uint32(64))
                .addTensor("x", GgmlType.F32, new float[3], 3)
                .addTensor("y", GgmlType.F16, new float[3], 3);
        Path file = dir.resolve("a64.gguf");
        w.write(file);
        GgufHeader h = GgufReader.read(file);
        assertThat(h.alignment()).isEqualTo(64);
        assertThat(h.dataOffset() % 64).isZero();
        assertThat(h.tensor("y").orElseThrow().offset()).isEqualTo(64);
    }

    @Test
    void rejectsInvalidInput() {
        GgufWriter w = new GgufWriter().put("k", GgufValue.bool(true));
        assertThatThrownBy(() -> w.put("k", GgufValue.bool(false)))
                .hasMessageContaining("duplicate GGUF key k");
        assertThatThrownBy(() -> w.put(GgufWriter.ALIGNMENT_KEY, GgufValue.uint32(24)))
                .hasMessageContaining("power-of-two");
        assertThatThrownBy(() -> w.put(GgufWriter.ALIGNMENT_KEY, GgufValue.int32(32)))
                .hasMessageContaining("power-of-two");
        w.addTensor("t", GgmlType.F32, new float[1], 1);
        assertThatThrownBy(() -> w.addTensor("t", GgmlType.F32, new float[1], 1))
                .hasMessageContaining("duplicate tensor t");
        assertThatThrownBy(() -> w.addTensor("x".repeat(64), GgmlType.F32, new float[1], 1))
                .hasMessageContaining("longer than 63");
        assertThatThrownBy(() -> w.addTensor("q", GgmlType.Q4_0, i -> 0f, 32))
                .hasMessageContaining("Q4_0");
        assertThatThrownBy(() -> w.addTensor("n", GgmlType.F32, new float[5], 2, 2))
                .hasMessageContaining("5 values for 4 elements");
        assertThatThrownBy(() -> w.addTensor("z", GgmlType.F32, new float[0], 0))
                .hasMessageContaining("dimension 0");
        assertThatThrownBy(() -> w.put(GgufWriter.ALIGNMENT_KEY, GgufValue.uint32(64)))
                .hasMessageContaining("before tensors");
        assertThatThrownBy(() -> GgufValue.uint8(256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GgufValue.uint32(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GgufValue.array(GgufValueType.ARRAY, List.of()))
                .hasMessageContaining("nested");
        assertThatThrownBy(() -> GgufValue.array(GgufValueType.INT32, List.of(1L)))
                .hasMessageContaining("not a valid GGUF INT32");
    }

    @Test
    void replacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("sub/model.gguf");
        new GgufWriter().put("v", GgufValue.int32(1)).write(file);
        new GgufWriter().put("v", GgufValue.int32(2)).write(file);
        assertThat(GgufReader.read(file).get("v").orElseThrow().asLong()).isEqualTo(2);
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }
}
