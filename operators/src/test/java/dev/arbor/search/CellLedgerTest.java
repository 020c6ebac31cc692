package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ledger's count matches the cells llama.cpp really holds, through forks, commits and releases. */
class CellLedgerTest {
    @Test
    void countsWhatTheCacheHolds() {
        try (LlamaModel model = LlamaModel.load(SearchTestModels.tiny());
                LlamaContext context = LlamaContext.create(model, ContextParams.builder().nCtx(2048).nSeqMax(8)
                        .threads(2).build());
                BranchStore store = new BranchStore(context)) {
            Random random = new Random(5);
            int[] prompt = model.tokenize("the king and the sea", true, false);
            Branch root = Branch.create(store, prompt, SamplerParams.greedy());
            CellLedger ledger = new CellLedger();
            ledger.root(root, prompt.length);
            List<Branch> live = new ArrayList<>(List.of(root));
            for (int step = 0; step < 300; step++) {
                Branch pick = live.get(random.nextInt(live.size()));
                int roll = random.nextInt(10);
                if (roll < 3 && store.available() > 0) {
                    Branch child = pick.fork();
                    ledger.fork(pick, child);
                    live.add(child);
                } else if (roll < 5 && live.size() > 1) {
                    if (pick.isLeaf()) {
                        pick.prune();
                    } else {
                        pick.pruneSplice();
                    }
                    ledger.release(pick);
                    live.remove(pick);
                } else {
                    pick.commit(pick.sample());
                    ledger.commit(pick);
                }
                assertThat(ledger.cells()).as("step %d", step).isEqualTo(context.kvUsedCells());
            }
            assertThat(ledger.peak()).isGreaterThanOrEqualTo(ledger.cells());
        }
    }
}
