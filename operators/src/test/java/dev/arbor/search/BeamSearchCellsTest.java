package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Drives one beam search step by step, as the engine does, and checks after every step that the
 * request's cell count is exactly what the cache holds, never more than prompt + width x tokens,
 * and that leases never exceed the width.
 */
class BeamSearchCellsTest {
    @Test
    void cellsAndLeasesStayWithinTheRequestsBudget() {
        try (LlamaModel model = LlamaModel.load(SearchTestModels.tiny());
                LlamaContext context = LlamaContext.create(model, ContextParams.builder().nCtx(2048).nSeqMax(4)
                        .threads(2).build());
                BranchStore store = new BranchStore(context)) {
            for (String prompt : new String[] {"once upon a time", "the king and the sea", "we went home"}) {
                int width = 4;
                int maxNew = 24;
                SearchRequest request = SearchRequest.builder(prompt).prompt(prompt).width(width).maxNewTokens(maxNew)
                        .stopAtEndOfGeneration(false).build();
                int[] tokens = model.tokenize(prompt, true, false);
                PreparedRequest prepared = new PreparedRequest(request, tokens, 0, Long.MAX_VALUE, null);
                BeamSearch search = new BeamSearch(prepared, store);
                List<Branch> roots = store.createAll(List.of(tokens), List.of(SamplerParams.greedy()));
                search.start(roots.get(0), 0);
                int step = 0;
                while (!search.isDone()) {
                    StepPlan plan = new StepPlan();
                    search.plan(plan);
                    if (!plan.isEmpty()) {
                        store.commit(plan.branches, plan.tokens());
                    }
                    step++;
                    assertThat(search.cellsHeld()).as("%s step %d", prompt, step).isEqualTo(context.kvUsedCells());
                    assertThat(search.cellsHeld()).isLessThanOrEqualTo(tokens.length + width * step);
                    assertThat(search.liveBranches()).isLessThanOrEqualTo(width);
                    assertThat(store.nSeqMax() - store.available()).isEqualTo(search.liveBranches());
                }
                SearchOutcome result = search.finish(0, 0, survivor -> false);
                assertThat(result.stats().peakKvCells()).isLessThanOrEqualTo(tokens.length + width * (maxNew - 1));
                assertThat(context.kvUsedCells()).isZero();
                assertThat(store.available()).isEqualTo(4);
            }
        }
    }
}
