package dev.arbor.llama.gguf;

import static dev.arbor.llama.gguf.ArchitectureSpec.OUTPUT_NORM;
import static dev.arbor.llama.gguf.ModelShape.recurrent;
import static dev.arbor.llama.gguf.ModelShape.transformer;

import dev.arbor.llama.gguf.ArchitectureSpec.ArchKeys;

/**
 * The table of synthetic architectures: one {@link ArchitectureSpec} per family, each the GGUF keys
 * llama.cpp 0.5.0's {@code load_arch_hparams} reads for it, the tensors its
 * {@code load_arch_tensors} creates for layer {@code il} (composed from {@link LayerBlocks}), its
 * tokenizer and its TINY and SMALL shapes. Everything else is written once, by
 * {@link ArchitectureSpec#prepare}.
 *
 * <p>Shapes: TINY models have two layers of width 64 (one of each kind where the family mixes
 * kinds) and load in milliseconds; SMALL models have 14-16 M parameters, comparable to the SMALL
 * llama and qwen3, for benchmarks that compare families beside each other. The llama and qwen3
 * rows reproduce {@link SyntheticModel} and {@link SyntheticQwen3Model} byte for byte.
 */
final class ArchitectureTable {
    private ArchitectureTable() {
    }

    /** The row of an architecture. */
    static ArchitectureSpec of(SyntheticArchitecture architecture) {
        return switch (architecture) {
            case LLAMA -> LLAMA;
            case QWEN3 -> QWEN3;
            case GEMMA3 -> GEMMA3;
            case QWEN3MOE -> QWEN3MOE;
            case QWEN35 -> QWEN35;
            case LFM2 -> LFM2;
            case MAMBA2 -> MAMBA2;
        };
    }

    /** llama: the reference dense model; head dimension n_embd / n_head, RoPE over all of it. */
    static final ArchitectureSpec LLAMA = new ArchitectureSpec("llama", SyntheticTokenizer.SENTENCE_PIECE,
            transformer(64, 2, 4, 2, 16, 128),
            transformer(512, 4, 8, 8, 64, 1536),
            (k, s) -> {
                k.u32("vocab_size", SyntheticTokenizer.SENTENCE_PIECE.size());
                k.u32("context_length", ModelShape.CONTEXT_LENGTH);
                k.u32("embedding_length", s.nEmbd());
                k.u32("block_count", s.nLayer());
                k.u32("feed_forward_length", s.nFf());
                k.u32("attention.head_count", s.nHead());
                k.u32("attention.head_count_kv", s.nHeadKv());
                k.u32("rope.dimension_count", s.headDim());
                k.f32("attention.layer_norm_rms_epsilon", SyntheticModel.RMS_NORM_EPSILON);
                k.f32("rope.freq_base", SyntheticModel.ROPE_FREQ_BASE);
            },
            (t, s, il) -> {
                int e = s.nEmbd();
                t.norm("attn_norm", e);
                t.linear("attn_q", e, s.qDim());
                t.linear("attn_k", e, s.kvDim());
                t.linear("attn_v", e, s.kvDim());
                t.linear("attn_output", s.qDim(), e);
                t.norm("ffn_norm", e);
                LayerBlocks.feedForward(t, e, s.nFf());
            }, OUTPUT_NORM, false);

    /** qwen3: q/k norms, grouped-query attention, a head dimension wider than n_embd / n_head. */
    static final ArchitectureSpec QWEN3 = new ArchitectureSpec("qwen3", SyntheticTokenizer.BYTE_LEVEL,
            transformer(64, 2, 4, 2, 32, 128),
            transformer(512, 4, 8, 2, 128, 1536),
            (k, s) -> transformerKeys(k, s, SyntheticQwen3Model.RMS_NORM_EPSILON, SyntheticQwen3Model.ROPE_FREQ_BASE),
            (t, s, il) -> {
                t.norm("attn_norm", s.nEmbd());
                LayerBlocks.attention(t, s, 1);
                t.norm("ffn_norm", s.nEmbd());
                LayerBlocks.feedForward(t, s.nEmbd(), s.nFf());
            }, OUTPUT_NORM, false);

    /**
     * gemma3: interleaved sliding-window attention (llama.cpp's iSWA cache). The window is shorter
     * than test prompts (16 tokens TINY, 128 SMALL) so that they leave it; the pattern is written
     * explicitly ({@code sliding_window_pattern} n: the last of every n layers is global), since
     * llama.cpp's default of 6 would make both TINY layers sliding. Post-norms after attention and
     * the feed-forward network, GeGLU, embeddings scaled by sqrt(n_embd), a separate RoPE base for
     * sliding layers.
     */
    static final ArchitectureSpec GEMMA3 = new ArchitectureSpec("gemma3", SyntheticTokenizer.SENTENCE_PIECE,
            transformer(64, 2, 4, 2, 32, 128).withWindow(16).withFullAttentionEvery(2),
            transformer(512, 6, 8, 4, 64, 1024).withWindow(128).withFullAttentionEvery(6),
            (k, s) -> {
                transformerKeys(k, s, 1e-6f, 1_000_000f);
                k.f32("rope.freq_base_swa", 10_000f);
                k.u32("attention.sliding_window", s.window());
                k.u32("attention.sliding_window_pattern", s.fullAttentionEvery());
            },
            (t, s, il) -> {
                int e = s.nEmbd();
                t.norm("attn_norm", e);
                LayerBlocks.attention(t, s, 1);
                t.norm("post_attention_norm", e);
                t.norm("ffn_norm", e);
                LayerBlocks.feedForward(t, e, s.nFf());
                t.norm("post_ffw_norm", e);
            }, OUTPUT_NORM, true);

    /** qwen3moe: qwen3's attention (a dense KV cache) with a mixture of experts in every layer. */
    static final ArchitectureSpec QWEN3MOE = new ArchitectureSpec("qwen3moe", SyntheticTokenizer.BYTE_LEVEL,
            transformer(64, 2, 4, 2, 32, 128).withExperts(4, 2, 64),
            transformer(512, 4, 8, 2, 128, 1536).withExperts(8, 2, 192),
            (k, s) -> {
                transformerKeys(k, s, 1e-6f, 1_000_000f);
                k.u32("expert_count", s.nExpert());
                k.u32("expert_used_count", s.nExpertUsed());
                k.u32("expert_feed_forward_length", s.nFfExpert());
            },
            (t, s, il) -> {
                t.norm("attn_norm", s.nEmbd());
                LayerBlocks.attention(t, s, 1);
                t.norm("ffn_norm", s.nEmbd());
                LayerBlocks.experts(t, s);
            }, OUTPUT_NORM, false);

    /**
     * qwen35 (Qwen3.5): hybrid memory, gated delta-net layers with a gated full-attention layer
     * closing every {@code full_attention_interval}; multi-section RoPE (text positions in every
     * section) over a quarter of each head, as in the releases; a dense feed-forward network.
     */
    static final ArchitectureSpec QWEN35 = new ArchitectureSpec("qwen35", SyntheticTokenizer.BYTE_LEVEL,
            transformer(64, 2, 4, 2, 32, 128).withStateSpace(4, 16, 64, 4, 2).withFullAttentionEvery(2),
            transformer(512, 4, 8, 2, 64, 1536).withStateSpace(4, 64, 512, 8, 4).withFullAttentionEvery(4),
            (k, s) -> {
                transformerKeys(k, s, 1e-6f, 10_000_000f);
                int ropeDims = s.headDim() / 4;
                k.u32("rope.dimension_count", ropeDims);
                k.i32s("rope.dimension_sections", ropeSections(ropeDims / 2));
                stateSpaceKeys(k, s);
                k.u32("full_attention_interval", s.fullAttentionEvery());
            },
            (t, s, il) -> {
                int e = s.nEmbd();
                t.norm("attn_norm", e);
                if (s.isFullAttention(il)) {
                    LayerBlocks.attention(t, s, 2);
                } else {
                    LayerBlocks.gatedDeltaNet(t, s);
                }
                t.norm("post_attention_norm", e);
                LayerBlocks.feedForward(t, e, s.nFf());
            }, OUTPUT_NORM, false);

    /**
     * lfm2 (LFM2): hybrid memory, gated short-convolution layers and attention layers; llama.cpp
     * tells them apart by a per-layer {@code head_count_kv} of 0. Attention heads span n_embd (the
     * graph requires it); the final norm is named {@code token_embd_norm}.
     */
    static final ArchitectureSpec LFM2 = new ArchitectureSpec("lfm2", SyntheticTokenizer.BYTE_LEVEL,
            transformer(64, 2, 4, 2, 16, 128).withShortConvolution(3).withFullAttentionEvery(2),
            transformer(512, 6, 8, 4, 64, 1024).withShortConvolution(3).withFullAttentionEvery(3),
            (k, s) -> {
                if (s.qDim() != s.nEmbd()) {
                    throw new IllegalArgumentException("lfm2 attention must span n_embd");
                }
                int[] kvHeads = new int[s.nLayer()];
                for (int il = 0; il < kvHeads.length; il++) {
                    kvHeads[il] = s.isFullAttention(il) ? s.nHeadKv() : 0;
                }
                k.u32("context_length", ModelShape.CONTEXT_LENGTH);
                k.u32("embedding_length", s.nEmbd());
                k.u32("block_count", s.nLayer());
                k.u32("feed_forward_length", s.nFf());
                k.u32("attention.head_count", s.nHead());
                k.i32s("attention.head_count_kv", kvHeads);
                k.f32("attention.layer_norm_rms_epsilon", 1e-5f);
                k.f32("rope.freq_base", 1_000_000f);
                k.u32("shortconv.l_cache", s.ssmConv());
            },
            (t, s, il) -> {
                int e = s.nEmbd();
                t.norm("attn_norm", e);
                if (s.isFullAttention(il)) {
                    LayerBlocks.attention(t, s, 1);
                } else {
                    LayerBlocks.shortConvolution(t, s);
                }
                t.norm("ffn_norm", e);
                LayerBlocks.feedForward(t, e, s.nFf());
            }, "token_embd_norm.weight", false);

    /**
     * mamba2: purely recurrent memory (one state per sequence), Mamba2 mixers and no attention or
     * feed-forward networks, with the keys its converter writes (no heads, feed-forward length 0).
     */
    static final ArchitectureSpec MAMBA2 = new ArchitectureSpec("mamba2", SyntheticTokenizer.SENTENCE_PIECE,
            recurrent(64, 2).withStateSpace(4, 16, 128, 4, 1),
            recurrent(512, 8).withStateSpace(4, 64, 1024, 16, 1),
            (k, s) -> {
                k.u32("context_length", ModelShape.CONTEXT_LENGTH);
                k.u32("embedding_length", s.nEmbd());
                k.u32("feed_forward_length", 0);
                k.u32("attention.head_count", 0);
                k.u32("block_count", s.nLayer());
                stateSpaceKeys(k, s);
                k.f32("attention.layer_norm_rms_epsilon", 1e-5f);
            },
            (t, s, il) -> {
                t.norm("attn_norm", s.nEmbd());
                LayerBlocks.mamba2(t, s);
            }, OUTPUT_NORM, false);

    /** The keys of a transformer with an explicit head dimension, in qwen3's order. */
    private static void transformerKeys(ArchKeys k, ModelShape s, float rmsEpsilon, float ropeBase) {
        k.u32("context_length", ModelShape.CONTEXT_LENGTH);
        k.u32("embedding_length", s.nEmbd());
        k.u32("block_count", s.nLayer());
        k.u32("feed_forward_length", s.nFf());
        k.u32("attention.head_count", s.nHead());
        k.u32("attention.head_count_kv", s.nHeadKv());
        k.u32("attention.key_length", s.headDim());
        k.u32("attention.value_length", s.headDim());
        k.f32("attention.layer_norm_rms_epsilon", rmsEpsilon);
        k.f32("rope.freq_base", ropeBase);
    }

    private static void stateSpaceKeys(ArchKeys k, ModelShape s) {
        k.u32("ssm.conv_kernel", s.ssmConv());
        k.u32("ssm.inner_size", s.ssmInner());
        k.u32("ssm.state_size", s.ssmState());
        k.u32("ssm.time_step_rank", s.ssmHeads());
        k.u32("ssm.group_count", s.ssmGroups());
    }

    /**
     * Multi-section RoPE's four sections (time, height, width, unused) over {@code pairs} rotated
     * pairs, split as evenly as Qwen's releases split them (32 pairs: 11, 11, 10, 0).
     */
    static int[] ropeSections(int pairs) {
        int base = pairs / 3;
        int rest = pairs % 3;
        return new int[] {base + (rest > 0 ? 1 : 0), base + (rest > 1 ? 1 : 0), base, 0};
    }
}
