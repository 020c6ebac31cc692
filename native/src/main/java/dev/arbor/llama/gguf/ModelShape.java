package dev.arbor.llama.gguf;

/**
 * The hyperparameters of one synthetic model in the {@link ArchitectureTable}: the transformer
 * dimensions every family has, plus the groups only some families use (experts, a state-space or
 * convolution mixer, a sliding window, a layer pattern). A group a family does not use is 0.
 *
 * <p>Invariants, checked on construction: dimensions are non-negative, {@code nLayer > 0},
 * {@code nHeadKv} divides {@code nHead} when there are heads, {@code nExpertUsed <= nExpert}, and
 * {@code fullAttentionEvery} is 0 or at most {@code nLayer} (so a patterned model has at least one
 * full-attention layer).
 *
 * @param nEmbd width of the residual stream
 * @param nLayer number of blocks
 * @param nHead query heads of an attention layer (0: no attention anywhere)
 * @param nHeadKv key/value heads of an attention layer
 * @param headDim width of one attention head
 * @param nFf hidden width of a dense feed-forward network (0: none)
 * @param nExpert experts per mixture-of-experts layer (0: dense feed-forward)
 * @param nExpertUsed experts each token is routed to
 * @param nFfExpert hidden width of one expert
 * @param ssmConv kernel width of the causal convolution in a recurrent layer (Mamba2, gated delta
 *     net, LFM2's short convolution, whose {@code l_cache} it is)
 * @param ssmState state size per head ({@code ssm.state_size}: Mamba2's d_state, the gated delta
 *     net's key and value head width)
 * @param ssmInner inner width of a recurrent layer ({@code ssm.inner_size})
 * @param ssmHeads recurrent heads ({@code ssm.time_step_rank}: Mamba2's heads, the gated delta
 *     net's value heads)
 * @param ssmGroups groups of B/C (Mamba2) or key heads (gated delta net) ({@code ssm.group_count})
 * @param window sliding-window length in tokens (0: no sliding window)
 * @param fullAttentionEvery in a model that mixes layer kinds, every this many layers the last is a
 *     full-attention layer and the others are sliding-window or recurrent; 0: all layers alike
 */
@dev.arbor.annotation.Internal
public record ModelShape(int nEmbd, int nLayer, int nHead, int nHeadKv, int headDim, int nFf,
        int nExpert, int nExpertUsed, int nFfExpert,
        int ssmConv, int ssmState, int ssmInner, int ssmHeads, int ssmGroups,
        int window, int fullAttentionEvery) {

    /** Every synthetic model's {@code context_length}. */
    public static final int CONTEXT_LENGTH = 2048;

    public ModelShape {
        int[] all = {nEmbd, nLayer, nHead, nHeadKv, headDim, nFf, nExpert, nExpertUsed, nFfExpert, ssmConv,
                ssmState, ssmInner, ssmHeads, ssmGroups, window, fullAttentionEvery};
        for (int v : all) {
            if (v < 0) {
                throw new IllegalArgumentException("negative dimension in " + java.util.Arrays.toString(all));
            }
        }
        if (nEmbd == 0 || nLayer == 0) {
            throw new IllegalArgumentException("a model needs a width and at least one layer");
        }
        if (nHead > 0 && (nHeadKv == 0 || nHead % nHeadKv != 0)) {
            throw new IllegalArgumentException(nHeadKv + " key/value heads do not divide " + nHead + " query heads");
        }
        if (nExpertUsed > nExpert) {
            throw new IllegalArgumentException(nExpertUsed + " experts used of " + nExpert);
        }
        if (fullAttentionEvery > nLayer) {
            throw new IllegalArgumentException("no full-attention layer among " + nLayer);
        }
    }

    /** A transformer of these dimensions, with none of the optional groups. */
    public static ModelShape transformer(int nEmbd, int nLayer, int nHead, int nHeadKv, int headDim, int nFf) {
        return new ModelShape(nEmbd, nLayer, nHead, nHeadKv, headDim, nFf, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** A model without attention or feed-forward networks (pure Mamba2): only recurrent layers. */
    public static ModelShape recurrent(int nEmbd, int nLayer) {
        return transformer(nEmbd, nLayer, 0, 0, 0, 0);
    }

    /** This shape with mixture-of-experts feed-forward networks. */
    public ModelShape withExperts(int count, int used, int ffExpert) {
        return new ModelShape(nEmbd, nLayer, nHead, nHeadKv, headDim, nFf, count, used, ffExpert,
                ssmConv, ssmState, ssmInner, ssmHeads, ssmGroups, window, fullAttentionEvery);
    }

    /** This shape with recurrent layers of these dimensions (see the record's parameters). */
    public ModelShape withStateSpace(int conv, int state, int inner, int heads, int groups) {
        return new ModelShape(nEmbd, nLayer, nHead, nHeadKv, headDim, nFf, nExpert, nExpertUsed, nFfExpert,
                conv, state, inner, heads, groups, window, fullAttentionEvery);
    }

    /** This shape with LFM2's short convolutions over {@code taps} tokens ({@code shortconv.l_cache}). */
    public ModelShape withShortConvolution(int taps) {
        return withStateSpace(taps, ssmState, ssmInner, ssmHeads, ssmGroups);
    }

    /** This shape with a sliding window of {@code tokens}. */
    public ModelShape withWindow(int tokens) {
        return new ModelShape(nEmbd, nLayer, nHead, nHeadKv, headDim, nFf, nExpert, nExpertUsed, nFfExpert,
                ssmConv, ssmState, ssmInner, ssmHeads, ssmGroups, tokens, fullAttentionEvery);
    }

    /** This shape with one full-attention layer closing every {@code layers} layers. */
    public ModelShape withFullAttentionEvery(int layers) {
        return new ModelShape(nEmbd, nLayer, nHead, nHeadKv, headDim, nFf, nExpert, nExpertUsed, nFfExpert,
                ssmConv, ssmState, ssmInner, ssmHeads, ssmGroups, window, layers);
    }

    /**
     * Whether layer {@code il} is a full-attention layer: the last of each run of
     * {@link #fullAttentionEvery} layers, the rule by which llama.cpp 0.5.0 derives both a
     * sliding-window pattern ({@code il % n < n - 1} is SWA) and Qwen3.5's recurrent layers
     * ({@code (il + 1) % n != 0} is recurrent). With no pattern every layer answers true.
     */
    public boolean isFullAttention(int il) {
        return fullAttentionEvery == 0 || (il + 1) % fullAttentionEvery == 0;
    }

    /** Width of all query heads together. */
    public int qDim() {
        return nHead * headDim;
    }

    /** Width of all key (or value) heads together. */
    public int kvDim() {
        return nHeadKv * headDim;
    }
}
