package dev.arbor.llama;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads cell counts out of llama.cpp 0.5.0's serialized KV state ({@link LlamaContext#stateSave}),
 * so that tests can check Arbor's own cell ledger against what llama.cpp holds.
 *
 * <p>The format, per llama_context::state_seq_get_data and llama_kv_cache::state_write: {@code u32}
 * magic, {@code i32} seq id, {@code u32 n_stream}, then per stream
 * {@code u32 cell_count} and, when cells follow, their metadata (per cell {@code i32 pos},
 * {@code u32 n_seq_id}, that many {@code i32} seq ids) and their data ({@code u32 v_trans},
 * {@code u32 n_layer}, per layer the K rows, then the V rows or, transposed, V elements).
 */
public final class KvState {
    private KvState() {}

    /** Cells in the state: of one sequence for {@code stateSave(seq)}, of the whole cache for {@code stateSave(-1)}. */
    public static int cells(byte[] state) {
        ByteBuffer in = ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < 12) {
            return 0;
        }
        in.getInt(); // magic
        in.getInt(); // seq id
        int streams = in.getInt();
        int total = 0;
        for (int s = 0; s < streams; s++) {
            int count = in.getInt();
            total += count;
            if (count > 0) {
                skipStream(in, count);
            }
        }
        return total;
    }

    /** Cells of {@code seq} (-1: of the whole cache), read from llama.cpp's state of it. */
    public static int cells(LlamaContext context, int seq) {
        return cells(context.stateSave(seq));
    }

    private static void skipStream(ByteBuffer in, int count) {
        for (int c = 0; c < count; c++) {
            in.getInt(); // pos
            int seqs = in.getInt();
            in.position(in.position() + 4 * seqs);
        }
        boolean transposed = in.getInt() != 0;
        int layers = in.getInt();
        for (int l = 0; l < layers; l++) {
            in.getInt(); // type
            long row = in.getLong();
            in.position(Math.toIntExact(in.position() + row * count));
        }
        for (int l = 0; l < layers; l++) {
            in.getInt(); // type
            if (transposed) {
                int element = in.getInt();
                int embd = in.getInt();
                in.position(Math.toIntExact(in.position() + (long) element * embd * count));
            } else {
                long row = in.getLong();
                in.position(Math.toIntExact(in.position() + row * count));
            }
        }
    }
}
