package dev.arbor.jobs.generate;

import dev.arbor.annotation.Internal;
import java.util.Map;
import java.util.Objects;

/**
 * One preference pair for DPO-style training, written as JSON with these field names (a Flink POJO).
 * A {@code completion} pair: the search's winner is {@link #chosen}, one of the candidates it beat is
 * {@link #rejected}. A {@code step} pair (step-level searches): two sibling steps that continue the
 * same partial solution ({@link #prefix}: the steps before them) and got different scores; the
 * higher-scored is {@link #chosen}.
 */
@Internal
public class PreferencePair {
    /** A pair of whole completions. */
    public static final String COMPLETION = "completion";
    /** A pair of next steps after the same partial solution. */
    public static final String STEP = "step";

    public String id;
    /** {@link #COMPLETION} or {@link #STEP}. */
    public String kind = COMPLETION;
    public String prompt;
    /** For a step pair, the steps both continue (empty for first steps); null for a completion pair. */
    public String prefix;
    public String chosen;
    public String rejected;
    public double chosenScore;
    public double rejectedScore;
    /** Rank of the rejected candidate (1 = runner-up); for a step pair, its rank among its siblings. */
    public int rejectedRank;
    public Map<String, String> metadata;

    public PreferencePair() {}

    @Override
    public boolean equals(Object other) {
        return other instanceof PreferencePair that && Objects.equals(id, that.id) && Objects.equals(kind, that.kind)
                && Objects.equals(prefix, that.prefix) && Objects.equals(chosen, that.chosen)
                && Objects.equals(rejected, that.rejected) && rejectedRank == that.rejectedRank;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, kind, prefix, chosen, rejected, rejectedRank);
    }
}
