package dev.arbor.llama;

import static org.assertj.core.api.Assertions.assertThat;

/** Small decode helpers shared by the context tests. */
final class Decoding {
    private Decoding() {}

    /** Decodes {@code tokens} into {@code seq} from position {@code start}; the last entry asks for logits. */
    static void prefill(LlamaContext context, int seq, int[] tokens, int start) {
        try (Batch batch = new Batch(tokens.length)) {
            for (int i = 0; i < tokens.length; i++) {
                batch.add(tokens[i], start + i, seq, i == tokens.length - 1);
            }
            assertThat(context.decode(batch)).isEqualTo(DecodeStatus.OK);
        }
    }

    /** Decodes one token into one sequence and returns its logits. */
    static float[] step(LlamaContext context, int seq, int token, int position) {
        try (Batch batch = new Batch(1)) {
            batch.add(token, position, seq, true);
            assertThat(context.decode(batch)).isEqualTo(DecodeStatus.OK);
            return context.logits(0);
        }
    }

    static float maxAbsDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
