package dev.arbor.jobs.generate;

import dev.arbor.flink.records.Candidate;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.io.AvroJson;
import dev.arbor.jobs.run.Counters;
import java.util.List;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Preference pairs from a result's ranked candidates: chosen = the winner (rank 0), rejected = each
 * other candidate, in rank order. A loser whose text equals the winner's is skipped (it states no
 * preference), and a result without candidates (the record turned them off) yields none.
 */
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
    }
}
