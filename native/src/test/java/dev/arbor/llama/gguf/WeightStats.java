package dev.arbor.llama.gguf;

import java.util.List;

/** Test helper: the standard deviation of a tensor's values, to check a weight recipe's scale. */
final class WeightStats {
    private WeightStats() {
    }

    static double std(List<Float> values) {
        float[] a = new float[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return std(a);
    }

    static double std(float[] values) {
        double sum = 0;
        double sq = 0;
        for (float v : values) {
            sum += v;
            sq += (double) v * v;
        }
        double mean = sum / values.length;
        return Math.sqrt(sq / values.length - mean * mean);
    }
}
