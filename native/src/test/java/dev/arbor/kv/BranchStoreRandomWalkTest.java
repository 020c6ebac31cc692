package dev.arbor.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.TestModels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import dev.arbor.llama.KvState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A seeded random walk of 2,000 store operations against a model of what the cache must hold,
 * in both KV layouts. The model gives every decoded cell an id; in one unified buffer a fork
 * shares its parent's ids, exactly as {@code seq_cp} shares cells, and with per-sequence streams
 * it copies them into new ones. After every step: live branches match, leases + available ==
 * nSeqMax, each live branch's sequence holds exactly {@code position()} cells, and the cache holds
 * exactly the union of live branches' cells (so none once no branch is live) — as Arbor's ledger
 * ({@code kvUsedCells}) says and as llama.cpp's own serialized state of the whole cache says — and
 * the cells only a random subset of branches sees are what {@code exclusiveCells} counts.
 */
class BranchStoreRandomWalkTest {
    private static final int N_SEQ_MAX = 8;
    private static final int STEPS = 2_000;

    private final Random random = new Random(20261127);
    private final Map<Branch, List<Long>> cells = new HashMap<>();
    private long nextCell;
    private LlamaModel model;
    private KvFixture kv;
    private BranchStore store;
    private final Map<String, Integer> outcomes = new HashMap<>();

    private boolean unified;

    @ParameterizedTest(name = "kvUnified={0}")
    @ValueSource(booleans = {true, false})
    void invariantsHoldAfterEveryOperation(boolean kvUnified) {
        unified = kvUnified;
        try (LlamaModel loaded = LlamaModel.load(TestModels.tiny());
                KvFixture fixture = new KvFixture(loaded, 256, 32, N_SEQ_MAX, kvUnified)) {
            model = loaded;
            kv = fixture;
            store = fixture.store;
            for (int step = 0; step < STEPS; step++) {
                String op = step(random.nextInt(100));
                outcomes.merge(op, 1, Integer::sum);
                checkInvariants(step, op);
            }
            store.drain();
        }
        // The walk really exercised the interesting paths (a stream of its own fills up more rarely).
        assertThat(outcomes).containsKeys("create", "fork", "forkAt", "truncate", "commit", "prefill", "prune",
                "prune-restricted", "pruneSubtree", "pruneSplice", "retainOnly", "no-lease", "drain",
                "commit-without-logits");
        if (kvUnified) {
            assertThat(outcomes).containsKey("kv-exhausted");
        }
    }

    private String step(int roll) {
        List<Branch> live = new ArrayList<>(cells.keySet());
        live.sort((a, b) -> Integer.compare(a.seqId(), b.seqId()));
        if (roll < 14 || live.isEmpty()) {
            return create();
        }
        Branch pick = live.get(random.nextInt(live.size()));
        if (roll < 26) {
            return fork(pick);
        }
        if (roll < 30) {
            return forkAt(pick);
        }
        if (roll < 55) {
            return commit(subset(live));
        }
        if (roll < 65) {
            return prefill(subset(live));
        }
        if (roll < 77) {
            return prune(pick);
        }
        if (roll < 84) {
            pick.pruneSubtree();
            forgetReleased();
            return "pruneSubtree";
        }
        if (roll < 90) {
            pick.pruneSplice();
            cells.remove(pick);
            return "pruneSplice";
        }
        if (roll < 94) {
            return truncate(pick);
        }
        if (roll < 99) {
            store.retainOnly(pick);
            forgetReleased();
            return "retainOnly";
        }
        store.drain();
        cells.clear();
        store = new BranchStore(kv.context);
        return "drain";
    }

    private String create() {
        int[] prompt = randomTokens(1 + random.nextInt(12));
        if (store.available() == 0) {
            assertThatThrownBy(() -> Branch.create(store, prompt, SamplerParams.greedy()))
                    .isInstanceOf(NoLeaseException.class);
            return "no-lease";
        }
        try {
            Branch branch = Branch.create(store, prompt, SamplerParams.builder().seed(random.nextLong()).build());
            cells.put(branch, newCells(new ArrayList<>(), prompt.length));
            return "create";
        } catch (KvExhaustedException e) {
            return "kv-exhausted";
        }
    }

    private String fork(Branch parent) {
        if (store.available() == 0) {
            assertThatThrownBy(parent::fork).isInstanceOf(NoLeaseException.class);
            return "no-lease";
        }
        Branch child = parent.fork();
        List<Long> inherited = unified ? new ArrayList<>(cells.get(parent))
                : newCells(new ArrayList<>(), cells.get(parent).size());
        cells.put(child, inherited);
        return "fork";
    }

    /** A new root on a prefix of {@code parent}: its first ids (one buffer) or copies of them (streams). */
    private String forkAt(Branch parent) {
        if (store.available() == 0) {
            return fork(parent); // the same refusal
        }
        int position = 1 + random.nextInt(parent.position());
        if (!unified && position < parent.position()) {
            assertThatThrownBy(() -> parent.forkAt(position, SamplerParams.greedy()))
                    .isInstanceOf(IllegalArgumentException.class);
            return "forkAt-refused";
        }
        Branch child = parent.forkAt(position, SamplerParams.greedy());
        List<Long> prefix = cells.get(parent).subList(0, position);
        cells.put(child, unified ? new ArrayList<>(prefix) : newCells(new ArrayList<>(), position));
        return "forkAt";
    }

    private String truncate(Branch branch) {
        int position = 1 + random.nextInt(branch.position());
        if (!branch.isLeaf()) {
            assertThatThrownBy(() -> branch.truncate(position)).isInstanceOf(IllegalStateException.class);
            return "truncate-restricted";
        }
        branch.truncate(position);
        cells.get(branch).subList(position, cells.get(branch).size()).clear();
        return "truncate";
    }

    private String commit(List<Branch> branches) {
        int[] tokens = new int[branches.size()];
        boolean allKnown = true;
        for (int i = 0; i < tokens.length; i++) {
            boolean known = branches.get(i).hasLogits();
            allKnown &= known;
            tokens[i] = random.nextBoolean() && known ? branches.get(i).sample() : random.nextInt(model.nVocab());
        }
        int[] positions = branches.stream().mapToInt(Branch::position).toArray();
        if (!allKnown) {
            assertThatThrownBy(() -> store.commit(branches, tokens)).isInstanceOf(IllegalStateException.class);
            for (int i = 0; i < positions.length; i++) {
                assertThat(branches.get(i).position()).isEqualTo(positions[i]);
            }
            return "commit-without-logits";
        }
        try {
            store.commit(branches, tokens);
        } catch (KvExhaustedException e) {
            for (int i = 0; i < positions.length; i++) {
                assertThat(branches.get(i).position()).isEqualTo(positions[i]);
            }
            return "kv-exhausted";
        }
        for (Branch branch : branches) {
            newCells(cells.get(branch), 1);
        }
        return "commit";
    }

    private String prefill(List<Branch> branches) {
        List<int[]> runs = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            runs.add(randomTokens(random.nextInt(20)));
        }
        try {
            store.prefill(branches, runs);
        } catch (KvExhaustedException e) {
            return "kv-exhausted";
        }
        for (int i = 0; i < branches.size(); i++) {
            newCells(cells.get(branches.get(i)), runs.get(i).length);
        }
        return "prefill";
    }

    private String prune(Branch branch) {
        if (!branch.isLeaf()) {
            assertThatThrownBy(branch::prune).isInstanceOf(IllegalStateException.class);
            assertThat(branch.isActive()).isTrue();
            return "prune-restricted";
        }
        branch.prune();
        cells.remove(branch);
        return "prune";
    }

    private List<Branch> subset(List<Branch> live) {
        List<Branch> shuffled = new ArrayList<>(live);
        java.util.Collections.shuffle(shuffled, random);
        return shuffled.subList(0, 1 + random.nextInt(shuffled.size()));
    }

    private int[] randomTokens(int n) {
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = 3 + random.nextInt(model.nVocab() - 3);
        }
        return tokens;
    }

    private List<Long> newCells(List<Long> ids, int n) {
        for (int i = 0; i < n; i++) {
            ids.add(nextCell++);
        }
        return ids;
    }

    private void forgetReleased() {
        cells.keySet().removeIf(branch -> !branch.isActive());
    }

    /** A random subset's exclusive cells: its ids that no branch outside it holds. */
    private void checkExclusiveCells(String where) {
        List<Branch> subset = new ArrayList<>();
        Set<Long> inside = new HashSet<>();
        Set<Long> outside = new HashSet<>();
        for (Map.Entry<Branch, List<Long>> entry : cells.entrySet()) {
            boolean in = random.nextBoolean();
            if (in) {
                subset.add(entry.getKey());
            }
            (in ? inside : outside).addAll(entry.getValue());
        }
        inside.removeAll(outside);
        assertThat(store.exclusiveCells(subset)).as(where + ": exclusive cells of " + subset).isEqualTo(inside.size());
    }

    private void checkInvariants(int step, String op) {
        String where = "step " + step + " (" + op + ")";
        assertThat(store.liveBranches()).as(where).isEqualTo(cells.size());
        assertThat(store.available() + cells.size()).as(where + ": leases + available").isEqualTo(N_SEQ_MAX);
        Set<Long> union = new HashSet<>();
        Set<Integer> seqs = new HashSet<>();
        for (Map.Entry<Branch, List<Long>> entry : cells.entrySet()) {
            Branch branch = entry.getKey();
            assertThat(branch.isActive()).as(where).isTrue();
            assertThat(seqs.add(branch.seqId())).as(where + ": one lease per branch").isTrue();
            assertThat(branch.position()).as(where).isEqualTo(entry.getValue().size());
            assertThat(KvFixture.cellsOf(kv.context, branch.seqId())).as(where + ": cells of seq " + branch.seqId())
                    .isEqualTo(branch.position());
            union.addAll(entry.getValue());
        }
        assertThat(kv.context.kvUsedCells()).as(where + ": cells in use").isEqualTo(union.size());
        checkExclusiveCells(where);
        assertThat(KvState.cells(kv.context, -1)).as(where + ": cells in llama.cpp's state").isEqualTo(union.size());
    }
}
