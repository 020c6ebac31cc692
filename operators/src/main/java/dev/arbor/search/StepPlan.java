package dev.arbor.search;

import dev.arbor.kv.Branch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tokens every active request wants decoded this step, collected so that the engine can
 * commit all of them in one {@code BranchStore.commit} (one batched decode).
 *
 * <p>Each token is attributed to the running request that planned it ({@link #startOwner}), so that
 * when a commit fails the engine can take out the responsible request's tokens ({@link #without})
 * and commit the rest, or commit each request's tokens on its own ({@link #only}). Invariant: the
 * tokens of one owner are contiguous, in the order they were added. Tokens added before any
 * {@link #startOwner} belong to no request (null: a task driven on its own, as tests do).
 */
final class StepPlan {
    final List<Branch> branches = new ArrayList<>();
    private int[] tokens = new int[64];
    private final List<RunningRequest> owners = new ArrayList<>();
    /** Per owner (same index as {@link #owners}), the index of its first token. */
    private final List<Integer> starts = new ArrayList<>();

    /** Tokens added from now on belong to {@code owner}. */
    void startOwner(RunningRequest owner) {
        owners.add(owner);
        starts.add(branches.size());
    }

    void add(Branch branch, int token) {
        if (owners.isEmpty()) {
            startOwner(null);
        }
        if (branches.size() == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[branches.size()] = token;
        branches.add(branch);
    }

    /** Forgets the tokens of the last owner (whose planning failed or ended the request). */
    void dropLastOwner() {
        int last = owners.size() - 1;
        int start = starts.get(last);
        branches.subList(start, branches.size()).clear();
        owners.remove(last);
        starts.remove(last);
    }

    boolean isEmpty() {
        return branches.isEmpty();
    }

    int[] tokens() {
        return Arrays.copyOf(tokens, branches.size());
    }

    /** The owners with at least one token, in planning order. */
    List<RunningRequest> owners() {
        List<RunningRequest> withTokens = new ArrayList<>(owners.size());
        for (int i = 0; i < owners.size(); i++) {
            if (end(i) > starts.get(i)) {
                withTokens.add(owners.get(i));
            }
        }
        return withTokens;
    }

    /** A plan of every owner's tokens but {@code excluded}'s. */
    StepPlan without(RunningRequest excluded) {
        StepPlan rest = new StepPlan();
        for (int i = 0; i < owners.size(); i++) {
            if (owners.get(i) != excluded) {
                copyOwner(i, rest);
            }
        }
        return rest;
    }

    /** A plan of {@code owner}'s tokens only. */
    StepPlan only(RunningRequest owner) {
        StepPlan alone = new StepPlan();
        int i = owners.indexOf(owner);
        if (i >= 0) {
            copyOwner(i, alone);
        }
        return alone;
    }

    private void copyOwner(int i, StepPlan into) {
        into.startOwner(owners.get(i));
        for (int t = starts.get(i); t < end(i); t++) {
            into.add(branches.get(t), tokens[t]);
        }
    }

    private int end(int i) {
        return i + 1 < starts.size() ? starts.get(i + 1) : branches.size();
    }
}
