package dev.arbor.jobs.generate;

import java.util.Map;
import java.util.Objects;

/**
 * One preference pair for DPO-style training: the search's winner is {@link #chosen}, one of the
 * candidates it beat is {@link #rejected}, each with its score. A Flink POJO, written as JSON with
 * these field names.
 */
public class PreferencePair {
    public String id;
    public String prompt;
    public String chosen;
    public String rejected;
    public double chosenScore;
    public double rejectedScore;
    /** Rank of the rejected candidate (1 = runner-up). */
    public int rejectedRank;
    public Map<String, String> metadata;

    public PreferencePair() {}

    @Override
    public boolean equals(Object other) {
        return other instanceof PreferencePair that && Objects.equals(id, that.id)
                && Objects.equals(chosen, that.chosen) && Objects.equals(rejected, that.rejected)
                && rejectedRank == that.rejectedRank;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, chosen, rejected, rejectedRank);
    }
}
