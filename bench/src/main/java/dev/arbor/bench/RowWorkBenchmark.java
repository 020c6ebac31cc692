package dev.arbor.bench;

import dev.arbor.grammar.GbnfOptions;
import dev.arbor.grammar.SchemaToGbnf;
import dev.arbor.kv.Sampler;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.Grammar;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.LogitsRows;
import dev.arbor.llama.RowSummary;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The work on one logits row that every branch needs every step, at the benchmark model's
 * vocabulary, each next to what it replaced (issue 21), on the same row (Gaussian logits, standard
 * deviation 3, as the synthetic models' word pieces):
 *
 * <ul>
 *   <li>the log-softmax normalizer: {@link #javaLogSumExp} (scalar {@code Math.exp} in double, the old
 *       path) vs {@link #nativeSummary} (max, argmax and log-sum-exp in vectorized C);
 *   <li>beam search's 2 x width best tokens: {@link #javaTopTokens} (the old insertion scan) vs
 *       {@link #nativeTopTokens} (the block-skipping pass);
 *   <li>a draw with top-k 0 (top-p 0.95, min-p 0.05): {@link #samplerTopKZero} (sorting only the
 *       tokens the filters can keep) vs {@link #sortWholeRow} (the old path's sort of the whole row,
 *       before any filtering);
 *   <li>a JSON-schema grammar's mask inside a string: {@link #llamaCppMask} (llama.cpp's grammar
 *       sampler over the whole vocabulary, the old path) vs {@link #sharedMask} (the state's mask,
 *       computed once and shared).
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RowWorkBenchmark {
    static final int TOP = 8;

    @Param({"SMALL"})
    public String size;

    private LlamaModel model;
    private float[] row;
    private float[] scratch;
    private final RowSummary summary = new RowSummary();
    private final int[] ids = new int[TOP];
    private Grammar insideString;
    /** Arbor's default sampler without top-k: top-p 0.95 and min-p 0.05 over the whole row. */
    private final Sampler topKZero = new Sampler(SamplerParams.builder().topK(0).build());

    @Setup(Level.Trial)
    public void load() {
        model = LlamaModel.load(BenchModels.file(size));
        Random random = new Random(21);
        row = new float[model.nVocab()];
        for (int i = 0; i < row.length; i++) {
            row[i] = (float) (random.nextGaussian() * 3);
        }
        scratch = new float[row.length];
        insideString = Grammar.parse(model, SchemaToGbnf.convert(ConstrainedBeamSearchBenchmark.SCHEMA,
                GbnfOptions.UNBOUNDED).text(), null);
        // {"name": "ab - where a beam is a few tokens into the object (here one token per byte).
        for (byte b : "{\"name\": \"ab".getBytes(StandardCharsets.UTF_8)) {
            insideString.accept(byteToken(b));
        }
    }

    /** A token whose piece is exactly this byte (byte-level and byte-fallback vocabularies have one). */
    private int byteToken(byte b) {
        for (int token = 0; token < model.nVocab(); token++) {
            byte[] piece = model.tokenPiece(token);
            if (piece.length == 1 && piece[0] == b && insideString.allows(token)) {
                return token;
            }
        }
        throw new IllegalStateException("no token for byte " + b);
    }

    @Benchmark
    public double javaLogSumExp() {
        float max = Float.NEGATIVE_INFINITY;
        for (float logit : row) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (float logit : row) {
            sum += Math.exp(logit - max);
        }
        return max + Math.log(sum);
    }

    @Benchmark
    public double nativeSummary() {
        LogitsRows.summarize(row, summary);
        return summary.logSumExp();
    }

    @Benchmark
    public int javaTopTokens() {
        int[] best = new int[TOP];
        int size = 0;
        for (int i = 0; i < row.length; i++) {
            if (size < TOP) {
                best[size++] = i;
            } else if (row[i] > row[best[TOP - 1]]) {
                best[TOP - 1] = i;
            } else {
                continue;
            }
            for (int j = size - 1; j > 0 && row[best[j]] > row[best[j - 1]]; j--) {
                int swap = best[j];
                best[j] = best[j - 1];
                best[j - 1] = swap;
            }
        }
        return best[0];
    }

    @Benchmark
    public int nativeTopTokens() {
        LogitsRows.topK(row, TOP, true, ids);
        return ids[0];
    }

    @Benchmark
    public int samplerTopKZero() {
        return topKZero.sample(row);
    }

    /**
     * What the sampler did before for top-k 0 with top-p or min-p: every token into a sort key and
     * one sort of the whole row (the filters then read the front of it).
     */
    @Benchmark
    public long sortWholeRow() {
        long[] keys = new long[row.length];
        for (int i = 0; i < row.length; i++) {
            int bits = Float.floatToIntBits(row[i]);
            keys[i] = ((long) (bits ^ ((bits >> 31) & 0x7FFFFFFF)) << 32) | (0xFFFFFFFFL - i);
        }
        java.util.Arrays.sort(keys);
        return keys[keys.length - 1];
    }

    @Benchmark
    public int llamaCppMask() {
        System.arraycopy(row, 0, scratch, 0, row.length);
        return insideString.maskWithLlamaCpp(scratch);
    }

    @Benchmark
    public int sharedMask() {
        System.arraycopy(row, 0, scratch, 0, row.length);
        return insideString.mask(scratch, summary);
    }

    @TearDown(Level.Trial)
    public void close() {
        insideString.close();
        model.close();
    }
}
