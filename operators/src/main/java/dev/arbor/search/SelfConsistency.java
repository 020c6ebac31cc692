package dev.arbor.search;

import dev.arbor.kv.BranchStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Self-consistency: {@code width} complete samples drawn as best-of-n draws them, a final answer
 * taken from each (the request's answer pattern: its first group, or its whole match, the last one
 * in the text; without one, the last non-blank line), and a majority vote. Samples rank by the votes
 * their answer got, then by the verifier's score (ties to the lower index); the winner is the
 * best-scored sample of the most frequent answer, and the result carries the tally. A sample without
 * an answer votes for nothing; when none has one, the samples rank by score alone.
 */
final class SelfConsistency extends BestOfN {
    private final Pattern answer;
    private Map<String, Integer> tally = Map.of();

    SelfConsistency(PreparedRequest prepared, BranchStore store, Verifiers verifiers) {
        super(prepared, store, verifiers);
        try {
            this.answer = request.answerPattern() == null ? null : Pattern.compile(request.answerPattern());
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new RequestFailure(ErrorCode.INVALID_PARAMS, "answerPattern is not a regular expression: "
                    + e.getDescription());
        }
    }

    /** A sample's final answer, or null when it has none. */
    String answerOf(String text) {
        if (answer != null) {
            Matcher matcher = answer.matcher(text);
            String last = null;
            while (matcher.find()) {
                last = matcher.groupCount() >= 1 && matcher.group(1) != null ? matcher.group(1) : matcher.group();
            }
            return last == null ? null : last.strip();
        }
        String[] lines = text.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i].strip();
            }
        }
        return null;
    }

    @Override
    List<RankedCompletion> ranked() {
        double[] scores = scores();
        List<Sample> samples = samples();
        String[] answers = new String[samples.size()];
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < answers.length; i++) {
            answers[i] = answerOf(samples.get(i).result.text());
            if (answers[i] != null) {
                counts.merge(answers[i], 1, Integer::sum);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < answers.length; i++) {
            order.add(i);
        }
        order.sort((a, b) -> {
            int votes = Integer.compare(votesOf(counts, answers[b]), votesOf(counts, answers[a]));
            if (votes != 0) {
                return votes;
            }
            int byScore = Double.compare(scores[b], scores[a]);
            return byScore != 0 ? byScore : Integer.compare(a, b);
        });
        Map<String, Integer> sorted = new LinkedHashMap<>();
        for (int i : order) {
            if (answers[i] != null) {
                sorted.putIfAbsent(answers[i], counts.get(answers[i]));
            }
        }
        tally = sorted;
        List<RankedCompletion> ranked = new ArrayList<>(samples.size());
        for (int i : order) {
            // Ranked by votes: the score a candidate carries is its answer's share of the votes.
            ranked.add(new RankedCompletion(samples.get(i).result, (double) votesOf(counts, answers[i]) / samples.size()));
        }
        return ranked;
    }

    private static int votesOf(Map<String, Integer> counts, String answer) {
        return answer == null ? 0 : counts.get(answer);
    }

    @Override
    SearchDetails details() {
        SearchDetails scored = super.details();
        return new SearchDetails(List.of(), tally, 0, 0, scored.scorerCalls(), scored.tokensScored());
    }
}
