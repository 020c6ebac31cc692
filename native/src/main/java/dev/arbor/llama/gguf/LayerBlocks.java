package dev.arbor.llama.gguf;

/**
 * The building blocks the rows of the {@link ArchitectureTable} compose their layers from: the
 * tensors, names and shapes llama.cpp 0.5.0's {@code load_arch_tensors} expects for each kind of
 * mixer and feed-forward network.
 *
 * <p>Recurrent parameters follow Mamba's initialisation, which keeps every recurrence a contraction:
 * head {@code h} of {@code H} decays by {@code exp(-A_h * dt)} per token with {@code A_h} spread
 * geometrically over [1, 16] and {@code dt = softplus(noise + bias_h)}, {@code bias_h} the inverse
 * softplus of a rate spread geometrically over [0.001, 0.1]. So per-token decays range from about
 * 0.999 (long memory) to about 0.2 (short), never above 1: states stay bounded over any number of
 * positions. llama.cpp stores {@code -A} ({@code -exp(A_log)}), as its converters do.
 */
final class LayerBlocks {
    private static final double A_MIN = 1;
    private static final double A_MAX = 16;
    private static final double DT_MIN = 0.001;
    private static final double DT_MAX = 0.1;

    private LayerBlocks() {
    }

    /**
     * Self-attention with per-head RMS norms on queries and keys (Qwen3, Gemma 3, LFM2, Qwen3.5),
     * no biases. Qwen3.5's query projection is twice as wide ({@code queryFactor} 2): each head's
     * query followed by its output gate.
     */
    static void attention(LayerTensors t, ModelShape s, int queryFactor) {
        int e = s.nEmbd();
        t.linear("attn_q", e, queryFactor * s.qDim());
        t.linear("attn_k", e, s.kvDim());
        t.linear("attn_v", e, s.kvDim());
        // One weight per head dimension, shared by all heads: the norm runs per head.
        t.norm("attn_q_norm", s.headDim());
        t.norm("attn_k_norm", s.headDim());
        t.linear("attn_output", s.qDim(), e);
    }

    /** A gated feed-forward network (SwiGLU or GeGLU, as the graph decides): gate, up, down. */
    static void feedForward(LayerTensors t, int nEmbd, int nFf) {
        t.linear("ffn_gate", nEmbd, nFf);
        t.linear("ffn_up", nEmbd, nFf);
        t.linear("ffn_down", nFf, nEmbd);
    }

    /**
     * A mixture of experts: the router (F32, logits ~N(0, 1), so routing is decided but not
     * saturated) and each expert's gate, up and down maps, stacked as {@code {in, out, n_expert}}.
     */
    static void experts(LayerTensors t, ModelShape s) {
        int e = s.nEmbd();
        int ff = s.nFfExpert();
        int n = s.nExpert();
        t.linearF32("ffn_gate_inp", e, n);
        t.experts("ffn_gate_exps", e, ff, n);
        t.experts("ffn_up_exps", e, ff, n);
        t.experts("ffn_down_exps", ff, e, n);
    }

    /**
     * Qwen3.5's gated delta net (a linear-attention recurrent layer): a joint q/k/v projection into
     * a causal convolution, an output gate, per-head decay ({@code ssm_a}, {@code ssm_dt.bias},
     * {@code ssm_alpha}) and write strength ({@code ssm_beta}), a gated RMS norm per value head, an
     * output projection. Keys and values have {@code ssmState} dimensions per head; there are
     * {@code ssmGroups} key heads and {@code ssmHeads} value heads. Its delta rule with
     * L2-normalised keys and a sigmoid write strength cannot grow the state; the decay shrinks it.
     */
    static void gatedDeltaNet(LayerTensors t, ModelShape s) {
        int e = s.nEmbd();
        int heads = s.ssmHeads();
        int keyDim = s.ssmState() * s.ssmGroups();
        int valueDim = s.ssmState() * heads;
        if (valueDim != s.ssmInner()) {
            throw new IllegalArgumentException("ssm.inner_size must be state_size x time_step_rank");
        }
        int convDim = 2 * keyDim + valueDim;
        t.linear("attn_qkv", e, convDim);
        t.linear("attn_gate", e, valueDim);
        t.conv("ssm_conv1d", s.ssmConv(), convDim);
        t.vector("ssm_dt.bias", h -> dtBias(h, heads), heads);
        t.vector("ssm_a", h -> -decayRate(h, heads), heads);
        t.linear("ssm_beta", e, heads);
        t.linear("ssm_alpha", e, heads);
        t.norm("ssm_norm", s.ssmState());
        t.linear("ssm_out", valueDim, e);
    }

    /**
     * LFM2's gated short convolution: an input projection into three chunks (b, c, x), a causal
     * convolution of {@code b * x} over {@code ssmConv} taps, gated by {@code c}, an output
     * projection. Its only state is the last {@code ssmConv - 1} inputs.
     */
    static void shortConvolution(LayerTensors t, ModelShape s) {
        int e = s.nEmbd();
        t.conv("shortconv.conv", s.ssmConv(), e);
        t.linear("shortconv.in_proj", e, 3 * e);
        t.linear("shortconv.out_proj", e, e);
    }

    /**
     * A Mamba2 mixer: one input projection into z (the gate), x, B, C and dt; a causal convolution
     * of x, B and C with a bias (zero); the selective scan with per-head {@code A} and skip
     * {@code D} (1); a grouped RMS norm of the gated output; an output projection.
     */
    static void mamba2(LayerTensors t, ModelShape s) {
        int e = s.nEmbd();
        int inner = s.ssmInner();
        int groups = s.ssmGroups();
        int heads = s.ssmHeads();
        int convDim = inner + 2 * groups * s.ssmState();
        t.linear("ssm_in", e, inner + convDim + heads);
        t.conv("ssm_conv1d", s.ssmConv(), convDim);
        t.vector("ssm_conv1d.bias", i -> 0, convDim);
        t.vector("ssm_dt.bias", h -> dtBias(h, heads), heads);
        t.vector("ssm_a", h -> -decayRate(h, heads), 1, heads);
        t.vector("ssm_d", h -> 1, 1, heads);
        t.norm("ssm_norm", inner / groups, groups);
        t.linear("ssm_out", inner, e);
    }

    /** A_h, spread geometrically over [A_MIN, A_MAX]. */
    static double decayRate(long h, int heads) {
        return geometric(A_MIN, A_MAX, h, heads);
    }

    /** The inverse softplus of a time step spread geometrically over [DT_MIN, DT_MAX]. */
    static double dtBias(long h, int heads) {
        double dt = geometric(DT_MIN, DT_MAX, h, heads);
        return StrictMath.log(StrictMath.expm1(dt));
    }

    // StrictMath throughout: Math may use intrinsics whose last bit differs between machines,
    // which would break byte-identical files.
    private static double geometric(double from, double to, long i, int n) {
        double f = n == 1 ? 0 : (double) i / (n - 1);
        return from * StrictMath.exp(f * StrictMath.log(to / from));
    }
}
