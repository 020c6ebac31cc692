package dev.arbor.bench;

import dev.arbor.annotation.Internal;
import dev.arbor.llama.Batch;
import dev.arbor.llama.DecodeStatus;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * One decode step for {@code sequences} sequences: one batch holding a token of each
 * ({@link #batched}) versus one single-token decode per sequence ({@link #oneByOne}). Both read
 * every logits row, as a sampler would. The aux counter {@code outsideDecodePercent} is the share
 * of the step spent outside {@code llama_decode} (JNI, batch filling, logits copies).
 */
@Internal
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DecodeBatchBenchmark {
    static final int PROMPT = 32;

    @Param({"8"})
    public int sequences;

    @Param({"SMALL"})
    public String size;

    private LlamaModel model;
    private LlamaContext context;
    private Batch batch;
    private float[] row;
    private int token;

    /** Time inside llama_decode versus the whole step, accumulated per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Split {
        long stepNanos;
        long decodeNanos;

        @Setup(Level.Iteration)
        public void reset() {
            stepNanos = 0;
            decodeNanos = 0;
        }

        public double outsideDecodePercent() {
            return stepNanos == 0 ? 0 : 100.0 * (stepNanos - decodeNanos) / stepNanos;
        }
    }

    @Setup(Level.Trial)
    public void load() {
        model = LlamaModel.load(BenchModels.file(size));
        context = LlamaContext.create(model, BenchModels.context()
                .nCtx(sequences * (PROMPT + 8) + 64).nBatch(Math.max(PROMPT, sequences)).nSeqMax(sequences)
                .build());
        batch = new Batch(context.nBatch());
        row = new float[model.nVocab()];
        // Each sequence gets its own history: the same words, shifted by its index.
        int[] prompt = BenchModels.prompt(model, PROMPT + sequences);
        for (int seq = 0; seq < sequences; seq++) {
            batch.clear();
            for (int i = 0; i < PROMPT; i++) {
                batch.add(prompt[i + seq], i, seq, i == PROMPT - 1);
            }
            require(context.decode(batch));
        }
        token = prompt[1];
    }

    /** Drops the token the last step appended, so every step decodes at the same position. */
    @Setup(Level.Invocation)
    public void rewind() {
        for (int seq = 0; seq < sequences; seq++) {
            context.seqRemove(seq, PROMPT, -1);
        }
    }

    @Benchmark
    public float batched(Split split) {
        long start = System.nanoTime();
        long decodeBefore = context.decodeNanos();
        batch.clear();
        for (int seq = 0; seq < sequences; seq++) {
            batch.add(token, PROMPT, seq, true);
        }
        require(context.decode(batch));
        float sum = 0;
        for (int i = 0; i < sequences; i++) {
            context.logits(i, row);
            sum += row[0];
        }
        split.decodeNanos += context.decodeNanos() - decodeBefore;
        split.stepNanos += System.nanoTime() - start;
        return sum;
    }

    @Benchmark
    public float oneByOne(Split split) {
        long start = System.nanoTime();
        long decodeBefore = context.decodeNanos();
        float sum = 0;
        for (int seq = 0; seq < sequences; seq++) {
            batch.clear();
            batch.add(token, PROMPT, seq, true);
            require(context.decode(batch));
            context.logits(0, row);
            sum += row[0];
        }
        split.decodeNanos += context.decodeNanos() - decodeBefore;
        split.stepNanos += System.nanoTime() - start;
        return sum;
    }

    @TearDown(Level.Trial)
    public void close() {
        batch.close();
        context.close();
        model.close();
    }

    private static void require(DecodeStatus status) {
        if (status != DecodeStatus.OK) {
            throw new IllegalStateException("decode returned " + status);
        }
    }
}
