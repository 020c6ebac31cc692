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
        gaussian(name, matrixType, rowStd, cols, rows);
    }

    /**
     * A tensor of any rank whose values ~N(0, std^2), stored as the matrix type: the stacked expert
     * matrices of a mixture-of-experts layer, for example.
     */
    void weights(String name, double std, long... dims) {
        gaussian(name, matrixType, row -> std, dims);
    }

    /**
     * Like {@link #weights} but always F32: for the weights that llama.cpp's kernels read only as
     * F32 (convolution kernels, which {@code ggml_ssm_conv} requires in F32) or that converters keep
     * in F32 (expert routers).
     */
    void f32(String name, double std, long... dims) {
        gaussian(name, GgmlType.F32, row -> std, dims);
    }

    /** Row {@code r} (a run of {@code dims[0]} values) ~N(0, rowStd(r)^2). */
    private void gaussian(String name, GgmlType type, LongToDoubleFunction rowStd, long... dims) {
        long stream = SeededGaussian.stream(seed, nextStream++);
        long cols = dims[0];
        writer.addTensor(name, type, i -> (float) (rowStd.applyAsDouble(i / cols)
                * SeededGaussian.gaussian(stream, i)), dims);
    }

    /** An F32 tensor of ones: the weight of a freshly initialised RMS norm. */
    void ones(String name, long... dims) {
        values(name, i -> 1.0, dims);
    }

    /**
     * An F32 tensor whose element {@code i} (first dimension fastest) is {@code value(i)}: biases and
     * recurrent parameters that follow a fixed recipe rather than noise. Takes a stream number like
     * every tensor, though it uses no random values.
     */
    void values(String name, LongToDoubleFunction value, long... dims) {
        nextStream++;
        writer.addTensor(name, GgmlType.F32, i -> (float) value.applyAsDouble(i), dims);
    }

    /** 1/sqrt(n): the standard deviation that keeps unit variance through a projection from n inputs. */
    static double fanIn(int n) {
        return 1.0 / Math.sqrt(n);
    }
}
