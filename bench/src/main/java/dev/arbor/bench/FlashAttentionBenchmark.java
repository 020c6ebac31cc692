package dev.arbor.bench;

import dev.arbor.annotation.Internal;
import dev.arbor.llama.Batch;
import dev.arbor.llama.DecodeStatus;
import dev.arbor.llama.FlashAttention;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One decode step for {@code sequences} sequences that each hold {@code history} cells of one
 * unified KV buffer, with llama.cpp's fused attention ({@link #flashOn}) and without
 * ({@link #flashOff}). Without it a token attends over every cell of the buffer, other sequences'
 * masked out; with it masked cells cost less, but on the CPU its kernel is slower per cell. The
 * grid shows where each wins: the default of {@code arbor.context.flash-attention} comes from it.
 */
@Internal
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FlashAttentionBenchmark {
    @Param({"1", "16"})
    public int sequences;

    @Param({"128", "1024"})
    public int history;

    @Param({"SMALL"})
    public String size;

    private LlamaModel model;
    private LlamaContext on;
    private LlamaContext off;
    private Batch batch;
    private int token;

    @Setup(Level.Trial)
    public void load() {
        model = LlamaModel.load(BenchModels.file(size));
        on = fill(FlashAttention.ON);
        off = fill(FlashAttention.OFF);
    }

    private LlamaContext fill(FlashAttention flash) {
        LlamaContext context = LlamaContext.create(model, BenchModels.context().flashAttention(flash)
                .nCtx(sequences * (history + 8) + 256).nBatch(512).nSeqMax(sequences).build());
        batch = new Batch(context.nBatch());
        int[] prompt = BenchModels.prompt(model, history + sequences);
        for (int seq = 0; seq < sequences; seq++) {
            for (int start = 0; start < history; start += context.nBatch()) {
                batch.clear();
                for (int i = start; i < Math.min(history, start + context.nBatch()); i++) {
                    batch.add(prompt[i + seq], i, seq, false);
                }
                require(context.decode(batch));
            }
        }
        token = prompt[1];
        return context;
    }

    /** Drops the token the last step appended, so every step decodes at the same position. */
    @Setup(Level.Invocation)
    public void rewind() {
        for (int seq = 0; seq < sequences; seq++) {
            on.seqRemove(seq, history, -1);
            off.seqRemove(seq, history, -1);
        }
    }

    @Benchmark
    public float flashOn() {
        return step(on);
    }

    @Benchmark
    public float flashOff() {
        return step(off);
    }

    private float step(LlamaContext context) {
        batch.clear();
        for (int seq = 0; seq < sequences; seq++) {
            batch.add(token, history, seq, true);
        }
        require(context.decode(batch));
        return context.logits(0)[0];
    }

    @TearDown(Level.Trial)
    public void close() {
        batch.close();
        on.close();
        off.close();
        model.close();
    }

    private static void require(DecodeStatus status) {
        if (status != DecodeStatus.OK) {
            throw new IllegalStateException("decode returned " + status);
        }
    }
}
