package dev.arbor.examples;

import dev.arbor.annotation.Internal;
import dev.arbor.llama.Batch;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.DecodeStatus;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticModels;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The whole decode flow on the raw API, top to bottom, in the spirit of llama.cpp's
 * {@code batched} example: one prompt is prefilled once into sequence 0, shared with
 * {@code n - 1} more sequences through {@code seqCopy} (no KV copy), and then all sequences
 * are advanced together, one batch per step.
 *
 * <p>Usage: {@code BatchedDecode [model.gguf] [prompt] [n]}. Without a model it uses the
 * synthetic tiny model, which produces random text.
 */
@Internal
public final class BatchedDecode {
    private BatchedDecode() {}

    public static void main(String[] args) {
        Path modelPath = args.length > 0 && !args[0].isEmpty() ? Path.of(args[0])
                : SyntheticModels.cached(SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, 42);
        String prompt = args.length > 1 ? args[1] : "Once upon a time there was a king who";
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int maxNewTokens = 24;

        try (LlamaModel model = LlamaModel.load(modelPath);
                LlamaContext context = LlamaContext.create(model, ContextParams.builder()
                        .nCtx(1024).nBatch(256).nSeqMax(n).threads(2).build());
                Batch batch = new Batch(context.nBatch())) {
            System.out.printf("model: %s (%s, %d parameters)%n", modelPath, model.description(),
                    model.parameterCount());

            // 1. Prefill the prompt into sequence 0; only the last entry needs logits.
            int[] tokens = model.tokenize(prompt, true, false);
            for (int i = 0; i < tokens.length; i++) {
                batch.add(tokens[i], i, 0, i == tokens.length - 1);
            }
            require(context.decode(batch));
            int promptCells = context.kvUsedCells();

            // 2. Share the prompt's cells with the other sequences: a tag per cell, no tensor copy.
            for (int seq = 1; seq < n; seq++) {
                context.seqCopy(0, seq, -1, -1);
            }
            System.out.printf("prompt: %d tokens, %d KV cells shared by %d sequences%n", tokens.length,
                    context.kvUsedCells(), n);

            // 3. Each step: sample one token per sequence from its logits row, decode them in one batch.
            ByteArrayOutputStream[] texts = new ByteArrayOutputStream[n];
            SplittableRandom[] random = new SplittableRandom[n];
            int[] rowOf = new int[n];
            for (int seq = 0; seq < n; seq++) {
                texts[seq] = new ByteArrayOutputStream();
                random[seq] = new SplittableRandom(1000 + seq);
                rowOf[seq] = tokens.length - 1; // every sequence starts from the prompt's last row
            }
            float[] logits = new float[model.nVocab()];
            long start = System.nanoTime();
            for (int step = 0; step < maxNewTokens; step++) {
                int position = tokens.length + step;
                int[] next = new int[n];
                for (int seq = 0; seq < n; seq++) {
                    context.logits(rowOf[seq], logits);
                    next[seq] = seq == 0 ? argmax(logits) : sample(logits, 0.8f, random[seq]);
                    texts[seq].writeBytes(model.tokenPiece(next[seq]));
                }
                batch.clear();
                for (int seq = 0; seq < n; seq++) {
                    rowOf[seq] = batch.add(next[seq], position, seq, true);
                }
                require(context.decode(batch));
            }
            double seconds = (System.nanoTime() - start) / 1e9;

            for (int seq = 0; seq < n; seq++) {
                System.out.printf("%n[%d %s] %s%s%n", seq, seq == 0 ? "greedy" : "t=0.8 ", prompt,
                        texts[seq].toString(StandardCharsets.UTF_8));
            }
            System.out.printf("%n%d sequences x %d tokens in %.2f s (%.0f tokens/s); KV cells: %d "
                    + "(prompt %d once + %d generated)%n", n, maxNewTokens, seconds, n * maxNewTokens / seconds,
                    context.kvUsedCells(), promptCells, n * maxNewTokens);
        }
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Softmax sampling at a temperature, enough for a demo; Arbor's samplers live in dev.arbor.kv. */
    private static int sample(float[] logits, float temperature, SplittableRandom random) {
        float max = logits[argmax(logits)];
        double[] weights = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            weights[i] = Math.exp((logits[i] - max) / temperature);
            total += weights[i];
        }
        double pick = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            pick -= weights[i];
            if (pick <= 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private static void require(DecodeStatus status) {
        if (status != DecodeStatus.OK) {
            throw new IllegalStateException("decode returned " + status + "; use a larger context");
        }
    }
}
