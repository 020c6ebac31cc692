package dev.arbor.search;

import dev.arbor.kv.BranchStore;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;

/**
 * A process reward model (PRM) in an engine's slot: a second GGUF model, with a context and a branch
 * store of its own, that scores each step of a partial solution by the probability of its "good"
 * token right after the step and a step tag (the Math-Shepherd convention: {@code +} / {@code -}
 * after a tag). Requests that name the {@code prm} verifier use it ({@link PrmVerifier}); its branches
 * follow their search trees, so a step costs its own tokens only.
 *
 * <p>The engine uses it from its thread only and does not close it: whoever made the context (and
 * loaded the model, once per TaskManager like the policy model) closes it after the engine.
 *
 * @param context the PRM's context (its {@code nSeqMax} and {@code nCtx} bound what requests using it
 *     may hold at once; admission counts them)
 * @param stepTag text put after every step (e.g. {@code " ки"}); the score is read right after it
 * @param good the text whose first token means "this step is good" (e.g. {@code "+"})
 * @param bad the text whose first token means "bad" (e.g. {@code "-"}): the score is then
 *     P(good) / (P(good) + P(bad)); null: P(good) over the whole vocabulary
 * @param promptSuffix text put after the problem, before the first step (e.g. a newline)
 */
@dev.arbor.annotation.PublicApi
public record ProcessRewardModel(LlamaContext context, String stepTag, String good, String bad,
        String promptSuffix) {
    public static final String DEFAULT_STEP_TAG = " ки";
    public static final String DEFAULT_GOOD = "+";
    public static final String DEFAULT_BAD = "-";
    public static final String DEFAULT_PROMPT_SUFFIX = "\n";

    public ProcessRewardModel {
        if (context == null || context.isClosed()) {
            throw new IllegalArgumentException("the PRM needs an open context");
        }
        if (stepTag == null || good == null || good.isEmpty()) {
            throw new IllegalArgumentException("the PRM needs a step tag and a good token");
        }
        promptSuffix = promptSuffix == null ? "" : promptSuffix;
    }

    /** With the Math-Shepherd defaults: tag " ки", good "+", bad "-", a newline after the problem. */
    public static ProcessRewardModel mathShepherd(LlamaContext context) {
        return new ProcessRewardModel(context, DEFAULT_STEP_TAG, DEFAULT_GOOD, DEFAULT_BAD, DEFAULT_PROMPT_SUFFIX);
    }

    LlamaModel model() {
        return context.model();
    }

    /** The store the engine keeps on the PRM's context (made by the engine, on its thread). */
    BranchStore newStore() {
        return new BranchStore(context);
    }
}
