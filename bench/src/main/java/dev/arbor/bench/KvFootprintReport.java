package dev.arbor.bench;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import dev.arbor.search.SearchEngine;
import dev.arbor.search.SearchOutcome;
import dev.arbor.search.SearchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * KV cells held by a width-4 branch tree over a 128-token prompt after 64 steps, against 4
 * independent copies of the same prompt decoding the same number of tokens. A count, not a time:
 * the tree should hold exactly prompt + 4 x 64 cells, the copies 4 x (prompt + 64).
 */
final class KvFootprintReport {
    static final int WIDTH = 4;
    static final int PROMPT = 128;
    static final int STEPS = 64;

    private KvFootprintReport() {}

    static void run(String size) {
        try (LlamaModel model = LlamaModel.load(BenchModels.file(size));
                LlamaContext context = LlamaContext.create(model, BenchModels.context()
                        .nCtx(WIDTH * (PROMPT + STEPS) + 64).nBatch(PROMPT).nSeqMax(WIDTH)
                        .build())) {
            int[] prompt = BenchModels.prompt(model, PROMPT);
            int tree;
            try (BranchStore store = new BranchStore(context)) {
                Branch root = Branch.create(store, prompt, SamplerParams.greedy());
                List<Branch> branches = new ArrayList<>(List.of(root));
                for (int i = 1; i < WIDTH; i++) {
                    branches.add(root.fork());
                }
                steps(store, branches);
                tree = context.kvUsedCells();
            }
            int copies;
            try (BranchStore store = new BranchStore(context)) {
                List<Branch> branches = new ArrayList<>();
                for (int i = 0; i < WIDTH; i++) {
                    branches.add(Branch.create(store, prompt, SamplerParams.greedy()));
                }
                steps(store, branches);
                copies = context.kvUsedCells();
            }
            System.out.println("== KV cells: width-" + WIDTH + " tree vs " + WIDTH + " independent copies ("
                    + PROMPT + "-token prompt, " + STEPS + " steps, " + size + ")");
            System.out.printf(Locale.ROOT, "   tree          %6d cells (prompt + tree tokens = %d: %s)%n", tree,
                    PROMPT + WIDTH * STEPS, tree == PROMPT + WIDTH * STEPS ? "exact" : "NOT exact");
            System.out.printf(Locale.ROOT, "   copies        %6d cells (%d x (prompt + steps) = %d)%n", copies, WIDTH,
                    WIDTH * (PROMPT + STEPS));
            System.out.printf(Locale.ROOT, "   ratio         %6.2fx fewer cells%n%n", copies / (double) tree);
        }
        beamSearchPeaks(size);
    }

    /** Peak cells of one beam search (width 4, 128-token prompt, 64 new tokens): Arbor vs copies per beam. */
    private static void beamSearchPeaks(String size) {
        int width = BeamSearchBenchmark.WIDTH;
        int prompt = BeamSearchBenchmark.PROMPT;
        int steps = BeamSearchBenchmark.NEW_TOKENS;
        try (LlamaModel model = LlamaModel.load(BenchModels.file(size));
                LlamaContext arbor = LlamaContext.create(model, BenchModels.context().nCtx(width * (prompt + steps)
                        + 64).nBatch(prompt).nSeqMax(width).build());
                LlamaContext copies = LlamaContext.create(model, BenchModels.context()
                        .nCtx(2 * width * (prompt + steps) + 256).nBatch(prompt).nSeqMax(width)
                        .build())) {
            int[] tokens = BenchModels.prompt(model, prompt);
            SearchOutcome result;
            try (SearchEngine engine = new SearchEngine(arbor)) {
                result = engine.submit(SearchRequest.builder("footprint").promptTokens(tokens).width(width)
                        .maxNewTokens(steps).stopAtEndOfGeneration(false).build()).join();
            }
            NoSharingBeamSearch baseline = new NoSharingBeamSearch(copies);
            baseline.run(tokens, width, steps);
            System.out.println("== KV cells at the peak of one beam search (width " + width + ", " + prompt
                    + "-token prompt, " + steps + " new tokens, " + size + ")");
            System.out.printf(Locale.ROOT, "   arbor         %6d cells (bound: prompt + width x tokens = %d)%n",
                    result.stats().peakKvCells(), prompt + width * steps);
            System.out.printf(Locale.ROOT, "   no sharing    %6d cells%n", baseline.peakCells());
            System.out.printf(Locale.ROOT, "   ratio         %6.2fx fewer cells%n%n",
                    baseline.peakCells() / (double) result.stats().peakKvCells());
        }
    }

    private static void steps(BranchStore store, List<Branch> branches) {
        int[] tokens = new int[branches.size()];
        for (int step = 0; step < STEPS; step++) {
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = branches.get(i).sample();
            }
            store.commit(branches, tokens);
        }
    }
}
