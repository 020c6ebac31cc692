package dev.arbor.jobs.generate;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.Candidate;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.flink.records.StepNode;
import dev.arbor.jobs.io.AvroJson;
import dev.arbor.jobs.run.Counters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Preference pairs from a result's ranked candidates: chosen = the winner (rank 0), rejected = each
 * other candidate, in rank order. A loser whose text equals the winner's is skipped (it states no
 * preference), and a result without candidates (the record turned them off) yields none.
 *
 * <p>A step-level search's result adds step pairs from its scored tree: among the steps that
 * continue one partial solution (siblings), the best-scored is chosen against each lower-scored
 * one whose text differs, with the partial solution they share as the pair's prefix.
 */
@Internal
public final class PreferencePairs extends RichFlatMapFunction<SearchResult, PreferencePair> {
    private static final long serialVersionUID = 1L;
    private transient LongCounter pairs;

    @Override
    public void open(OpenContext openContext) {
        pairs = Counters.counter(getRuntimeContext(), Counters.PAIRS);
    }

    @Override
    public void flatMap(SearchResult result, Collector<PreferencePair> out) {
        List<Candidate> candidates = result.getCandidates();
        Candidate winner = result.getWinner();
        if (winner == null || candidates == null) {
            return;
        }
        for (Candidate loser : candidates) {
            if (loser.getRank() == winner.getRank() || loser.getText().equals(winner.getText())) {
                continue;
            }
            PreferencePair pair = new PreferencePair();
            pair.id = result.getId();
            pair.prompt = result.getPrompt();
            pair.chosen = winner.getText();
            pair.rejected = loser.getText();
            pair.chosenScore = winner.getScore();
            pair.rejectedScore = loser.getScore();
            pair.rejectedRank = loser.getRank();
            pair.metadata = AvroJson.withNullKeys(result.getMetadata(), result.getNullMetadataKeys());
            pairs.add(1);
            out.collect(pair);
        }
        stepPairs(result, out);
    }

    private void stepPairs(SearchResult result, Collector<PreferencePair> out) {
        List<StepNode> tree = result.getTree();
        if (tree == null || tree.isEmpty()) {
            return;
        }
        Map<Integer, StepNode> byId = new HashMap<>();
        Map<Integer, List<StepNode>> siblings = new LinkedHashMap<>();
        for (StepNode node : tree) {
            byId.put(node.getId(), node);
            siblings.computeIfAbsent(node.getParent(), parent -> new ArrayList<>()).add(node);
        }
        for (Map.Entry<Integer, List<StepNode>> group : siblings.entrySet()) {
            List<StepNode> ranked = new ArrayList<>(group.getValue());
            ranked.sort(Comparator.comparingDouble(StepNode::getScore).reversed().thenComparingInt(StepNode::getId));
            StepNode best = ranked.get(0);
            String prefix = prefixOf(group.getKey(), byId);
            for (int rank = 1; rank < ranked.size(); rank++) {
                StepNode worse = ranked.get(rank);
                if (worse.getScore() == best.getScore() || worse.getText().equals(best.getText())) {
                    continue; // no preference stated
                }
                PreferencePair pair = new PreferencePair();
                pair.id = result.getId();
                pair.kind = PreferencePair.STEP;
                pair.prompt = result.getPrompt();
                pair.prefix = prefix;
                pair.chosen = best.getText();
                pair.rejected = worse.getText();
                pair.chosenScore = best.getScore();
                pair.rejectedScore = worse.getScore();
                pair.rejectedRank = rank;
                pair.metadata = AvroJson.withNullKeys(result.getMetadata(), result.getNullMetadataKeys());
                pairs.add(1);
                out.collect(pair);
            }
        }
    }

    /** The steps from the first to {@code id}, joined: what its children continue. */
    private static String prefixOf(int id, Map<Integer, StepNode> byId) {
        StringBuilder prefix = new StringBuilder();
        for (StepNode at = byId.get(id); at != null; at = byId.get(at.getParent())) {
            prefix.insert(0, at.getText());
        }
        return prefix.toString();
    }
}
