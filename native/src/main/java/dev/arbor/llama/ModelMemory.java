package dev.arbor.llama;

import java.util.Map;
import java.util.Optional;

/**
 * How llama.cpp keeps a model's memory of past tokens, which decides what a branch tree may do
 * with a sequence exactly (docs/llama-cpp.md, "Memory kinds"):
 *
 * <ul>
 * <li>{@link MemoryKind#DENSE}: one attention cell per position; a copy of a position range tags
 *     cells, a removal drops them. Forks, cut-backs and prefix sharing are exact.</li>
 * <li>{@link MemoryKind#SLIDING_WINDOW}: some layers attend only to the last {@link #slidingWindow()}
 *     positions, and llama.cpp reuses the cells that left a sequence's window. Cutting back to
 *     {@code p} is exact only while the sequence still holds positions from {@code p - window} on.</li>
 * <li>{@link MemoryKind#RECURRENT}: one state per sequence that every token overwrites; a copy
 *     shares the whole current state. Forking at the head is exact; going back needs a saved state.</li>
 * <li>{@link MemoryKind#HYBRID}: attention cells (with a window, when {@link #slidingWindow()} is
 *     set) and a recurrent state side by side: going back needs a saved recurrent state.</li>
 * </ul>
 *
 * <p>A model whose memory llama.cpp keeps in a form Arbor does not know (sparse-attention index
 * caches, a cache borrowed from another context, no memory at all) is refused at load
 * ({@link #of}), never run with answers that could be silently wrong.
 *
 * @param architecture the GGUF {@code general.architecture}
 * @param kind how the memory behaves under forks and cut-backs
 * @param slidingWindow the attention window in positions; 0 without one
 * @param experts experts per mixture-of-experts layer; 0 for a dense feed-forward (no bearing on memory)
 */
@dev.arbor.annotation.PublicApi
public record ModelMemory(String architecture, MemoryKind kind, int slidingWindow, int experts) {
    /** Architectures whose memory is none of the kinds above, with what it is instead. */
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "minimax-m3", "a sparse-attention (MSA) index cache",
            "glm-dsa", "a sparse-attention (DSA) index cache",
            "deepseek32", "a sparse-attention (DSA) index cache",
            "hy_v4", "a sparse-attention (DSA) index cache",
            "dots3note", "a sparse-attention (DSA) index cache beside a sliding window",
            "deepseek4", "a compressed (DSV4) cache with recurrent rollback",
            "qwen4exp", "a hybrid memory with a sparse-attention index cache",
            "gemma4-assistant", "a cache borrowed from another model's context",
            "dflash", "a draft model's ring cache");

    /**
     * What llama.cpp says of {@code model}'s memory.
     *
     * @throws LlamaException when the memory is of a kind Arbor cannot branch exactly (the message names it)
     */
    static ModelMemory of(String architecture, boolean recurrent, boolean hybrid, boolean diffusion, int nSwa,
            int experts) {
        String unsupported = UNSUPPORTED.get(architecture);
        if (unsupported == null && diffusion) {
            unsupported = "a diffusion model's (it does not generate left to right)";
        }
        if (unsupported != null) {
            throw new LlamaException("the model's architecture '" + architecture + "' keeps its memory in "
                    + unsupported + ", which Arbor cannot fork and cut back exactly; refused (supported: dense "
                    + "attention, sliding window, recurrent and hybrid models)");
        }
        MemoryKind kind = hybrid ? MemoryKind.HYBRID
                : recurrent ? MemoryKind.RECURRENT
                : nSwa > 0 ? MemoryKind.SLIDING_WINDOW : MemoryKind.DENSE;
        return new ModelMemory(architecture, kind, Math.max(0, nSwa), Math.max(0, experts));
    }

    /** Whether a decode overwrites part of what a sequence held (a window's cells, a recurrent state). */
    public boolean overwritesHistory() {
        return kind != MemoryKind.DENSE;
    }

    /** Whether the memory keeps attention cells per position (all kinds but pure recurrent). */
    public boolean hasAttentionCells() {
        return kind != MemoryKind.RECURRENT;
    }

    /** Whether it keeps a recurrent state per sequence. */
    public boolean hasRecurrentState() {
        return kind == MemoryKind.RECURRENT || kind == MemoryKind.HYBRID;
    }

    /** One phrase for {@code arbor info} and messages: "dense attention", "sliding window 4096", ... */
    public String describe() {
        String what = switch (kind) {
            case DENSE -> "dense attention";
            case SLIDING_WINDOW -> "sliding window " + slidingWindow;
            case RECURRENT -> "recurrent";
            case HYBRID -> "hybrid (recurrent + attention" + (slidingWindow > 0 ? ", sliding window "
                    + slidingWindow : "") + ")";
        };
        return experts > 0 ? what + ", " + experts + " experts" : what;
    }

    static int expertCount(Optional<String> value) {
        return value.map(text -> {
            try {
                return Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }).orElse(0);
    }
}
