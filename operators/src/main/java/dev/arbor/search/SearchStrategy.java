package dev.arbor.search;

import dev.arbor.kv.BranchStore;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a request's branch tree is searched, known by a name that records, options and SQL carry.
 *
 * <p>This class is the registry: {@link #all()} lists every strategy Arbor knows. A new strategy
 * is a {@link SearchTask} subclass (a step-wise state machine over one tree) with its
 * {@link Footprint}, plus one constant here and its entry in {@code ALL}; records, options, the job
 * parsers, admission and the docs take everything else from here. Names are matched ignoring case,
 * with {@code -} read as {@code _}.
 */
@dev.arbor.annotation.PublicApi
public final class SearchStrategy {
    /** Makes the task that runs one request under this strategy. */
    interface TaskFactory {
        SearchTask start(PreparedRequest prepared, BranchStore store, Verifiers verifiers);
    }

    /** The most a request of this strategy holds at once, for a prompt of {@code promptLength} tokens. */
    interface FootprintRule {
        Footprint of(SearchRequest request, int promptLength);
    }

    /** Beam search: keep the best {@code width} continuations of all beams at every step. */
    public static final SearchStrategy BEAM = new SearchStrategy("beam",
            "beam search, keeping the width best continuations of all beams at every step",
            (prepared, store, verifiers) -> new BeamSearch(prepared, store), BeamSearch::footprint);
    /** Best-of-n: sample {@code width} completions independently, keep the best by a {@link Scorer}. */
    public static final SearchStrategy BEST_OF_N = new SearchStrategy("best_of_n",
            "width independent samples, the best by the scorer wins", BestOfN::new, BestOfN::footprint);
    /**
     * Step-level beam search: from each of width / expansions kept partial solutions sample
     * {@code expansions} next steps, score every partial solution with the verifier, keep the best;
     * finished solutions compete with open ones.
     */
    public static final SearchStrategy STEP_BEAM = new SearchStrategy("step_beam",
            "step-level beam search: expand each kept partial solution by sampled steps, keep the best by the verifier",
            StepSearch::beam, StepSearch::footprint);
    /**
     * Diverse verifier tree search: width / expansions independent subtrees, each a greedy step
     * search by the verifier (one partial solution kept), for diverse answers.
     */
    public static final SearchStrategy DVTS = new SearchStrategy("dvts",
            "diverse verifier tree search: independent subtrees, each keeping its best next step by the verifier",
            StepSearch::diverse, StepSearch::footprint);
    /**
     * Self-consistency: width complete samples, a final answer taken from each, majority vote; the
     * winner is the best-scored sample of the most frequent answer, and the result carries the tally.
     */
    public static final SearchStrategy SELF_CONSISTENCY = new SearchStrategy("self_consistency",
            "width complete samples, majority vote over their final answers", SelfConsistency::new,
            BestOfN::footprint);
    /**
     * Scores a given continuation instead of searching ({@link SearchEngine#likelihood}): internal, so
     * not in {@link #all()} and not nameable by records or options.
     */
    static final SearchStrategy LIKELIHOOD = new SearchStrategy("likelihood",
            "the model's log probability of a given continuation",
            (prepared, store, verifiers) -> new LikelihoodTask(prepared, store), LikelihoodTask::footprint);

    private static final List<SearchStrategy> ALL = List.of(BEAM, BEST_OF_N, STEP_BEAM, DVTS, SELF_CONSISTENCY);

    private final String name;
    private final String description;
    private final TaskFactory factory;
    private final FootprintRule footprint;

    private SearchStrategy(String name, String description, TaskFactory factory, FootprintRule footprint) {
        this.name = name;
        this.description = description;
        this.factory = factory;
        this.footprint = footprint;
    }

    /** Every strategy, in the order documentation lists them. */
    public static List<SearchStrategy> all() {
        return ALL;
    }

    /**
     * The strategy called {@code name} ("beam", "BEST_OF_N", "best-of-n" ...).
     *
     * @throws IllegalArgumentException naming the known strategies when there is none by that name
     */
    public static SearchStrategy named(String name) {
        String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        for (SearchStrategy strategy : ALL) {
            if (strategy.name.equals(key)) {
                return strategy;
            }
        }
        throw new IllegalArgumentException("unknown strategy '" + name + "' (known: " + names() + ")");
    }

    /** The known names, comma-separated, for messages and docs. */
    public static String names() {
        return ALL.stream().map(SearchStrategy::name).collect(Collectors.joining(", "));
    }

    public String name() {
        return name;
    }

    /** One line on what it does, for docs and help texts. */
    public String description() {
        return description;
    }

    /**
     * The most {@code request} holds at once under this strategy with a prompt of
     * {@code promptLength} tokens: what admission reserves and validation compares with the context.
     */
    public Footprint footprint(SearchRequest request, int promptLength) {
        return footprint.of(request, promptLength);
    }

    SearchTask start(PreparedRequest prepared, BranchStore store, Verifiers verifiers) {
        return factory.start(prepared, store, verifiers);
    }

    /** A task without model verifiers (tests that drive a task on their own). */
    SearchTask start(PreparedRequest prepared, BranchStore store) {
        return start(prepared, store, Verifiers.NONE);
    }

    @Override
    public String toString() {
        return name;
    }
}
