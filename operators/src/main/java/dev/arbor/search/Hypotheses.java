package dev.arbor.search;

import java.util.ArrayList;
import java.util.List;

/**
 * The best finished completions of a beam search, at most {@code capacity}, best first. Ties
 * keep the earlier one ahead, so the order is deterministic.
 */
final class Hypotheses {
    private final int capacity;
    private final List<RankedCompletion> kept = new ArrayList<>();

    Hypotheses(int capacity) {
        this.capacity = capacity;
    }

    void add(Completion completion, double score) {
        if (isFull() && score <= worstScore()) {
            return;
        }
        int at = 0;
        while (at < kept.size() && kept.get(at).score() >= score) {
            at++;
        }
        kept.add(at, new RankedCompletion(completion, score));
        if (kept.size() > capacity) {
            kept.remove(kept.size() - 1);
        }
    }

    boolean isFull() {
        return kept.size() >= capacity;
    }

    double worstScore() {
        return kept.isEmpty() ? Double.NEGATIVE_INFINITY : kept.get(kept.size() - 1).score();
    }

    List<RankedCompletion> ranked() {
        return List.copyOf(kept);
    }
}
