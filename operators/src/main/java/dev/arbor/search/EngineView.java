package dev.arbor.search;

import dev.arbor.kv.BranchStore;
import dev.arbor.llama.LlamaContext;
import java.util.List;

/**
 * What an {@link EngineListener} may look at between passes: the context and store, the requests by
 * state, the prefix cache and the admission budget. Read-only by contract; valid only during the call.
 */
record EngineView(LlamaContext context, BranchStore store, List<RunningRequest> running, int queued,
        PrefixCache cache, AdmissionBudget budget) {}
