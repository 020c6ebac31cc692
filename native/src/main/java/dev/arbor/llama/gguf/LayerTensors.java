package dev.arbor.llama.gguf;

import java.util.function.LongToDoubleFunction;

/**
 * Adds the tensors of one block ({@code blk.N.}) of a synthetic model, naming them as llama.cpp
 * 0.5.0 does and initialising them by the recipe every synthetic model follows: a linear map from
 * {@code in} inputs ~N(0, 1/in), so that activations keep roughly unit variance; norm weights 1;
 * convolution kernels over {@code k} taps ~N(0, 1/k); fixed recipes for biases and recurrent
 * parameters. Shapes are in ggml order: the input (contiguous) dimension first.
 *
 * <p>Names are given without the block prefix; linear maps, norms and kernels get the
 * {@code .weight} suffix, {@link #vector} takes the name whole (llama.cpp reads {@code ssm_a} and
 * {@code ssm_d} without a suffix and {@code ssm_dt.bias} with another).
 */
final class LayerTensors {
    private final SeededTensors tensors;
    private final String prefix;

    LayerTensors(SeededTensors tensors, int layer) {
        this.tensors = tensors;
        this.prefix = "blk." + layer + ".";
    }

    /** A linear map from {@code in} to {@code out} features, stored as the model's matrix type. */
    void linear(String name, int in, int out) {
        tensors.weights(prefix + name + ".weight", SeededTensors.fanIn(in), in, out);
    }

    /** An RMS norm weight of ones over {@code dims} (F32). */
    void norm(String name, long... dims) {
        tensors.ones(prefix + name + ".weight", dims);
    }

    /** {@code n} stacked linear maps, one per expert: {@code {in, out, n}}. */
    void experts(String name, int in, int out, int n) {
        tensors.weights(prefix + name + ".weight", SeededTensors.fanIn(in), in, out, n);
    }

    /** A linear map kept in F32 whatever the precision, as converters keep expert routers. */
    void linearF32(String name, int in, int out) {
        tensors.f32(prefix + name + ".weight", SeededTensors.fanIn(in), in, out);
    }

    /** A depthwise causal convolution kernel, {@code {taps, channels}}, F32 as ggml_ssm_conv requires. */
    void conv(String name, int taps, int channels) {
        tensors.f32(prefix + name + ".weight", SeededTensors.fanIn(taps), taps, channels);
    }

    /** An F32 tensor named {@code blk.N.<name>} whose element {@code i} is {@code value(i)}. */
    void vector(String name, LongToDoubleFunction value, long... dims) {
        tensors.values(prefix + name, value, dims);
    }
}
