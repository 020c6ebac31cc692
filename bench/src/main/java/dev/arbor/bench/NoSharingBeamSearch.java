package dev.arbor.bench;

import dev.arbor.llama.Batch;
import dev.arbor.llama.DecodeStatus;
import dev.arbor.llama.LlamaContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The baseline Arbor's beam search is measured against: the same beam search with no sharing.
 * Every beam owns a whole copy of its history: the prompt is prefilled once per beam, a beam that
 * takes over another's path gets a copy of its cells ({@code stateSave}/{@code stateRestore}), and
 * beams decode one by one. Runs a fixed number of steps (no early stop), like the benchmarked
 * Arbor request (end-of-generation off).
 */
final class NoSharingBeamSearch {
    private record Option(int beam, int token, double sum) {}

    private final LlamaContext context;
    private final int nVocab;
    private int peakCells;

    NoSharingBeamSearch(LlamaContext context) {
        this.context = context;
        this.nVocab = context.model().nVocab();
    }

    /** Runs the search and returns the best final sum of logprobs. */
    double run(int[] prompt, int width, int steps) {
        context.kvClear();
        peakCells = 0;
        float[][] logits = new float[width][];
        double[] sums = new double[width];
        try (Batch batch = new Batch(Math.max(prompt.length, 1))) {
            for (int beam = 0; beam < width; beam++) {
                batch.clear();
                for (int i = 0; i < prompt.length; i++) {
                    batch.add(prompt[i], i, beam, i == prompt.length - 1);
                }
                require(context.decode(batch));
                logits[beam] = context.logits(prompt.length - 1);
            }
            int beams = 1; // all copies hold the same prompt: start from one, as a real search does
            for (int step = 0; step < steps; step++) {
                List<Option> options = new ArrayList<>();
                for (int beam = 0; beam < beams; beam++) {
                    double[] logprobs = logSoftmax(logits[beam]);
                    for (int token : top(logprobs, 2 * width)) {
                        options.add(new Option(beam, token, sums[beam] + logprobs[token]));
                    }
                }
                options.sort(Comparator.comparingDouble(Option::sum).reversed());
                List<Option> chosen = options.subList(0, width);
                // Each new beam needs its source's history in its own sequence: copy it.
                byte[][] sources = new byte[beams][];
                for (int beam = 0; beam < beams; beam++) {
                    sources[beam] = context.stateSave(beam);
                }
                double[] nextSums = new double[width];
                for (int beam = 0; beam < width; beam++) {
                    Option option = chosen.get(beam);
                    if (option.beam() != beam || beam >= beams) {
                        context.stateRestore(sources[option.beam()], beam);
                    }
                    nextSums[beam] = option.sum();
                }
                peakCells = Math.max(peakCells, context.kvUsedCells());
                for (int beam = 0; beam < width; beam++) {
                    batch.clear();
                    batch.add(chosen.get(beam).token(), prompt.length + step, beam, true);
                    require(context.decode(batch));
                    logits[beam] = context.logits(0);
                }
                sums = nextSums;
                beams = width;
                peakCells = Math.max(peakCells, context.kvUsedCells());
            }
        }
        return Arrays.stream(sums).max().orElse(Double.NaN);
    }

    int peakCells() {
        return peakCells;
    }

    private double[] logSoftmax(float[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double z = 0;
        for (float v : row) {
            z += Math.exp(v - max);
        }
        double logZ = max + Math.log(z);
        double[] out = new double[nVocab];
        for (int i = 0; i < nVocab; i++) {
            out[i] = row[i] - logZ;
        }
        return out;
    }

    private static int[] top(double[] values, int k) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        int[] best = new int[k];
        for (int i = 0; i < k; i++) {
            best[i] = order[i];
        }
        return best;
    }

    private static void require(DecodeStatus status) {
        if (status != DecodeStatus.OK) {
            throw new IllegalStateException("decode returned " + status);
        }
    }
}
