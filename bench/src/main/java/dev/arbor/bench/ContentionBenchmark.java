package dev.arbor.bench;

import dev.arbor.annotation.Internal;
import dev.arbor.llama.Batch;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.DecodeStatus;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.ThreadPolicy;
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
 * The 8-sequence decode step alone ({@link #alone}) and beside one busy process that wants a whole
 * core ({@link #besideBusyProcess}), for each way of running decode threads:
 * <ul>
 *   <li>{@code LLAMA_POOL}: {@link #THREADS} threads in llama.cpp's default pool (a new, polling
 *       pool per decode), as Arbor ran before it managed threads;
 *   <li>{@code POLL_0}: {@link #THREADS} threads in a pool of Arbor's that sleeps at once when idle;
 *   <li>{@code ADAPTIVE}: the same pool, with {@link ThreadPolicy#ADAPTIVE} (Arbor's default):
 *       threads given back while another process wants the cores;
 *   <li>{@code ONE_THREAD}: a single thread, for reference.
 * </ul>
 * The ratio besideBusyProcess / alone is the slowdown a TaskManager sees on a shared machine.
 */
@Internal
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ContentionBenchmark {
    static final int PROMPT = 32;
    static final int SEQUENCES = 8;
    static final int THREADS = 2;

    @Param({"SMALL", "TINY"})
    public String size;

    @Param({"LLAMA_POOL", "POLL_0", "ADAPTIVE", "ONE_THREAD"})
    public String threads;

    private LlamaModel model;
    private LlamaContext context;
    private Batch batch;
    private float[] row;
    private int token;

    /** A process that keeps one core busy for as long as the benchmark method that asks for it runs. */
    @State(Scope.Benchmark)
    public static class BusyProcess {
        private Process process;

        @Setup(Level.Trial)
        public void start() throws Exception {
            process = new ProcessBuilder("yes").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Thread.sleep(500);
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Setup(Level.Trial)
    public void load() {
        model = LlamaModel.load(BenchModels.file(size));
        ContextParams.Builder params = BenchModels.context().nCtx(SEQUENCES * (PROMPT + 8) + 64).nBatch(PROMPT)
                .nSeqMax(SEQUENCES).threads(THREADS).threadPolicy(ThreadPolicy.FIXED).poll(0);
        switch (threads) {
            case "LLAMA_POOL" -> params.poll(ContextParams.LLAMA_DEFAULT_POOL);
            case "ADAPTIVE" -> params.threadPolicy(ThreadPolicy.ADAPTIVE);
            case "ONE_THREAD" -> params.threads(1);
            default -> { }
        }
        context = LlamaContext.create(model, params.build());
        batch = new Batch(context.nBatch());
        row = new float[model.nVocab()];
        int[] prompt = BenchModels.prompt(model, PROMPT + SEQUENCES);
        for (int seq = 0; seq < SEQUENCES; seq++) {
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
        for (int seq = 0; seq < SEQUENCES; seq++) {
            context.seqRemove(seq, PROMPT, -1);
        }
    }

    @Benchmark
    public float alone() {
        return step();
    }

    @Benchmark
    public float besideBusyProcess(BusyProcess busy) {
        return step();
    }

    private float step() {
        batch.clear();
        for (int seq = 0; seq < SEQUENCES; seq++) {
            batch.add(token, PROMPT, seq, true);
        }
        require(context.decode(batch));
        float sum = 0;
        for (int i = 0; i < SEQUENCES; i++) {
            context.logits(i, row);
            sum += row[0];
        }
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
