package dev.arbor.search;

import dev.arbor.kv.Branch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tokens every active request wants decoded this step, collected so that the engine can
 * commit all of them in one {@code BranchStore.commit} (one batched decode).
 */
final class StepPlan {
    final List<Branch> branches = new ArrayList<>();
    private int[] tokens = new int[64];

    void add(Branch branch, int token) {
        if (branches.size() == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[branches.size()] = token;
        branches.add(branch);
    }

    boolean isEmpty() {
        return branches.isEmpty();
    }

    int[] tokens() {
        return Arrays.copyOf(tokens, branches.size());
    }
}
