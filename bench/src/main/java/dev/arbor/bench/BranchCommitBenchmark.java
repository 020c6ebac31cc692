package dev.arbor.bench;

import dev.arbor.annotation.Internal;
import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One generation step of a branch tree: {@code branches} forks of a 32-token prompt each commit
 * one token, either in one {@link BranchStore#commit} ({@link #batched}) or one
 * {@link Branch#commit} after another ({@link #oneByOne}). Every iteration rebuilds the tree and
 * runs {@value #STEPS} steps, so both variants decode at the same positions.
 */
@Internal
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, batchSize = BranchCommitBenchmark.STEPS)
@Measurement(iterations = 6, batchSize = BranchCommitBenchmark.STEPS)
public class BranchCommitBenchmark {
    static final int STEPS = 8;
    static final int PROMPT = 32;

    @Param({"8", "32"})
    public int branches;

    @Param({"SMALL"})
    public String size;

    private LlamaModel model;
    private LlamaContext context;
    private BranchStore store;
    private final List<Branch> tree = new ArrayList<>();
    private int[] tokens;

    @Setup(Level.Trial)
    public void load() {
        model = LlamaModel.load(BenchModels.file(size));
        context = LlamaContext.create(model, BenchModels.context().nCtx(PROMPT + branches * 64 + 64)
                .nBatch(Math.max(64, branches)).nSeqMax(branches).build());
        store = new BranchStore(context);
        tokens = new int[branches];
    }

    @Setup(Level.Iteration)
    public void growTree() {
        store.drain();
        store = new BranchStore(context);
        tree.clear();
        int[] prompt = BenchModels.prompt(model, PROMPT);
        Branch root = Branch.create(store, prompt, SamplerParams.builder().temperature(1).seed(1).build());
        tree.add(root);
        for (int i = 1; i < branches; i++) {
            Branch fork = root.fork();
            fork.reseed(i);
            tree.add(fork);
        }
    }

    @Benchmark
    public void batched() {
        for (int i = 0; i < branches; i++) {
            tokens[i] = tree.get(i).sample();
        }
        store.commit(tree, tokens);
    }

    @Benchmark
    public void oneByOne() {
        for (Branch branch : tree) {
            branch.commit(branch.sample());
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
        context.close();
        model.close();
    }
}
