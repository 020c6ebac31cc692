package dev.arbor.llama.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Test helper: reads the values of an F32 or F16 tensor back from a GGUF file. */
final class TensorData {
    private TensorData() {
    }

    static float[] read(Path file, GgufHeader header, String name) throws IOException {
        GgufTensorInfo info = header.tensor(name).orElseThrow(
                () -> new AssertionError("no tensor " + name));
        GgmlType type = info.type().orElseThrow();
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(info.byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file)) {
            long pos = header.dataOffset() + info.offset();
            while (buf.hasRemaining()) {
                int n = ch.read(buf, pos);
                if (n < 0) {
                    throw new AssertionError("tensor " + name + " runs past the end of the file");
                }
                pos += n;
            }
        }
        buf.flip();
        float[] values = new float[Math.toIntExact(info.elementCount())];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (type) {
                case F32 -> buf.getFloat();
                case F16 -> Float16.toFloat(buf.getShort());
                default -> throw new AssertionError("cannot decode " + type);
            };
        }
        return values;
    }
}
