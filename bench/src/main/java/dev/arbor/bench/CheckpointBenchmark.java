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
 * What a checkpoint costs and what it saves, on the memory kinds whose decodes overwrite history
 * ({@code arch}: {@code QWEN35} hybrid, {@code GEMMA3} sliding window, {@code MAMBA2} recurrent).
 * A sequence holds a {@value #PROMPT}-token prompt; {@code take} saves its checkpoint there (the
 * recurrent state or the window's cells: what the prefix cache keeps where prompts part),
 * {@code restore} puts it back, and {@code redecode} is what getting back there costs without one:
 * the prompt prefilled again on another sequence. The checkpoint's size is the aux counter
 * {@code checkpointMiB}.
 */
@Internal
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CheckpointBenchmark {
    static final int PROMPT = 512;

    @Param({"SMALL"})
    public String size;

    @Param({"QWEN35"})
    public String arch;

    private LlamaModel model;
    private LlamaContext context;
    private Batch batch;
    private int[] prompt;
    private byte[] checkpoint;

    /** The size of the checkpoint taken, per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Size {
        double mib;

        public double checkpointMiB() {
            return mib;
        }
    }

    @Setup(Level.Trial)
    public void load() {
        model = LlamaModel.load(BenchModels.file(arch, size));
        context = LlamaContext.create(model, BenchModels.context().nCtx(4 * PROMPT).nBatch(PROMPT).nSeqMax(2).build());
        batch = new Batch(PROMPT);
        prompt = BenchModels.prompt(model, PROMPT);
        prefill(0);
        checkpoint = context.partialStateSave(0);
    }

    @Benchmark
    public int take(Size size) {
        byte[] taken = context.partialStateSave(0);
        size.mib = taken.length / (1024.0 * 1024.0);
        return taken.length;
    }

    @Benchmark
    public int restore() {
        context.partialStateRestore(checkpoint, 0);
        return checkpoint.length;
    }

    @Benchmark
    public int redecode() {
        context.seqRemove(1, -1, -1);
        prefill(1);
        return PROMPT;
    }

    private void prefill(int seq) {
        batch.clear();
        for (int i = 0; i < PROMPT; i++) {
            batch.add(prompt[i], i, seq, i == PROMPT - 1);
        }
        DecodeStatus status = context.decode(batch);
        if (status != DecodeStatus.OK) {
            throw new IllegalStateException("decode returned " + status);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        batch.close();
        context.close();
        model.close();
    }
}
