package dev.arbor.search;

import dev.arbor.llama.Batch;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.DecodeStatus;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The test oracle: beam search with no forks and no sharing. Every hypothesis's next-token
 * distribution is computed by decoding its whole history from scratch into an emptied
 * sequence. Same rules as the engine's beam search (2 x width candidates, end-of-generation within
 * the first width ranks finishes a hypothesis, score = sum / n^lengthPenalty, stop once no live
 * beam can beat the worst kept hypothesis), written independently of it.
 */
final class NaiveBeamSearch implements AutoCloseable {
    record Hypothesis(int[] tokens, double sumLogprob, double score) {}

    private record Option(int beam, int token, double logprob, double sum) {}

    private final LlamaModel model;
    private final LlamaContext context;

    NaiveBeamSearch(LlamaModel model) {
        this.model = model;
        this.context = LlamaContext.create(model, ContextParams.builder().nCtx(512).nBatch(256).nSeqMax(1)
                .threads(2).build());
    }

    List<Hypothesis> search(int[] prompt, int width, int maxNewTokens, double lengthPenalty) {
        List<int[]> beams = new ArrayList<>(List.of(new int[0]));
        List<Double> sums = new ArrayList<>(List.of(0.0));
        List<Hypothesis> finished = new ArrayList<>();
        for (int length = 1; ; length++) {
            List<Option> options = new ArrayList<>();
            int keep = 2 * width;
            for (int b = 0; b < beams.size(); b++) {
                double[] logprobs = logSoftmax(logitsAfter(prompt, beams.get(b)));
                Integer[] order = new Integer[logprobs.length];
                for (int t = 0; t < order.length; t++) {
                    order[t] = t;
                }
                Arrays.sort(order, (x, y) -> Double.compare(logprobs[y], logprobs[x]));
                for (int i = 0; i < keep; i++) {
                    options.add(new Option(b, order[i], logprobs[order[i]], sums.get(b) + logprobs[order[i]]));
                }
            }
            options.sort(Comparator.comparingDouble(Option::sum).reversed().thenComparingInt(Option::beam)
                    .thenComparingInt(Option::token));
            List<int[]> nextBeams = new ArrayList<>();
            List<Double> nextSums = new ArrayList<>();
            for (int rank = 0; rank < keep && nextBeams.size() < width; rank++) {
                Option option = options.get(rank);
                int[] extended = append(beams.get(option.beam()), option.token());
                if (model.isEndOfGeneration(option.token())) {
                    if (rank < width) {
                        keepBest(finished, new Hypothesis(extended, option.sum(), score(option.sum(), length,
                                lengthPenalty)), width);
                    }
                    continue;
                }
                nextBeams.add(extended);
                nextSums.add(option.sum());
            }
            if (length >= maxNewTokens || nextBeams.isEmpty()) {
                for (int i = 0; i < nextBeams.size(); i++) {
                    keepBest(finished, new Hypothesis(nextBeams.get(i), nextSums.get(i),
                            score(nextSums.get(i), length, lengthPenalty)), width);
                }
                return finished;
            }
            double reachable = score(nextSums.get(0), lengthPenalty > 0 ? maxNewTokens : length, lengthPenalty);
            if (finished.size() >= width && finished.get(finished.size() - 1).score() >= reachable) {
                return finished;
            }
            beams = nextBeams;
            sums = nextSums;
        }
    }

    private static double score(double sum, int length, double lengthPenalty) {
        return sum / Math.pow(Math.max(1, length), lengthPenalty);
    }

    private static void keepBest(List<Hypothesis> finished, Hypothesis hypothesis, int width) {
        finished.add(hypothesis);
        finished.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
        while (finished.size() > width) {
            finished.remove(finished.size() - 1);
        }
    }

    /** Decodes prompt + tokens into an emptied sequence 0 and returns the last row of logits. */
    private float[] logitsAfter(int[] prompt, int[] tokens) {
        context.kvClear();
        int[] all = append(prompt, tokens);
        try (Batch batch = new Batch(all.length)) {
            for (int i = 0; i < all.length; i++) {
                batch.add(all[i], i, 0, i == all.length - 1);
            }
            if (context.decode(batch) != DecodeStatus.OK) {
                throw new IllegalStateException("reference decode failed");
            }
        }
        return context.logits(all.length - 1);
    }

    private static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - max);
        }
        double logZ = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - logZ;
        }
        return out;
    }

    private static int[] append(int[] a, int... b) {
        int[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Override
    public void close() {
        context.close();
    }
}
