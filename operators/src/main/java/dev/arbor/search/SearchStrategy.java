package dev.arbor.search;

import dev.arbor.kv.BranchStore;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a request's branch tree is searched, known by a name that records, options and SQL carry.
 *
 * <p>This class is the registry: {@link #all()} lists every strategy Arbor knows. A new strategy
 * is a {@link SearchTask} subclass (a step-wise state machine over one tree) plus one constant
 * here and its entry in {@code ALL}; records, options, the job parsers and the docs take the names
 * from here. Names are matched ignoring case, with {@code -} read as {@code _}.
 */
public final class SearchStrategy {
    /** Makes the task that runs one request under this strategy. */
    interface TaskFactory {
        SearchTask start(PreparedRequest prepared, BranchStore store);
    }

    /** Beam search: keep the best {@code width} continuations of all beams at every step. */
    public static final SearchStrategy BEAM = new SearchStrategy("beam",
            "beam search, keeping the width best continuations of all beams at every step", BeamSearch::new);
    /** Best-of-n: sample {@code width} completions independently, keep the best by a {@link Scorer}. */
    public static final SearchStrategy BEST_OF_N = new SearchStrategy("best_of_n",
            "width independent samples, the best by the scorer wins", BestOfN::new);

    private static final List<SearchStrategy> ALL = List.of(BEAM, BEST_OF_N);

    private final String name;
    private final String description;
    private final TaskFactory factory;

    private SearchStrategy(String name, String description, TaskFactory factory) {
        this.name = name;
        this.description = description;
        this.factory = factory;
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

    SearchTask start(PreparedRequest prepared, BranchStore store) {
        return factory.start(prepared, store);
    }

    @Override
    public String toString() {
        return name;
    }
}
