package dev.arbor.llama.gguf;

import java.util.function.LongToDoubleFunction;

/**
 * Adds the weights of a synthetic model to a {@link GgufWriter}, each tensor drawing from its own
 * {@link SeededGaussian} stream, numbered in the order tensors are added (norm weights take a
 * number too, though they use no random values).
 *
 * <p>So a model's bytes are a pure function of its seed and the sequence of calls: the same calls
 * give the same file, and inserting a tensor changes the weights of every tensor after it.
 */
final class SeededTensors {
    private final GgufWriter writer;
    private final GgmlType matrixType;
    private final long seed;
    private long nextStream;

    SeededTensors(GgufWriter writer, GgmlType matrixType, long seed) {
        this.writer = writer;
        this.matrixType = matrixType;
        this.seed = seed;
    }

    /** A matrix of {@code rows} rows of {@code cols} values ~N(0, std^2), stored as the matrix type. */
    void matrix(String name, double std, long cols, long rows) {
        matrix(name, row -> std, cols, rows);
    }

    /** A matrix whose row {@code r} has values ~N(0, rowStd(r)^2). */
    void matrix(String name, LongToDoubleFunction rowStd, long cols, long rows) {
        long stream = SeededGaussian.stream(seed, nextStream++);
        writer.addTensor(name, matrixType, i -> (float) (rowStd.applyAsDouble(i / cols)
                * SeededGaussian.gaussian(stream, i)), cols, rows);
    }

    /** An F32 vector of ones: the weight of a freshly initialised RMS norm. */
    void ones(String name, long n) {
        nextStream++;
        writer.addTensor(name, GgmlType.F32, i -> 1.0f, n);
    }

    /** 1/sqrt(n): the standard deviation that keeps unit variance through a projection from n inputs. */
    static double fanIn(int n) {
        return 1.0 / Math.sqrt(n);
    }
}
