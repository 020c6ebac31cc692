package dev.arbor.llama;

/**
 * How many of its threads a {@link LlamaContext} uses for a decode.
 *
 * <p>ggml's CPU threads wait for each other between operations by spinning, so a decode whose
 * threads outnumber the cores it actually gets (other processes, or other contexts of this JVM,
 * are busy) slows down many times over rather than in proportion. {@link #ADAPTIVE} avoids that.
 */
@dev.arbor.annotation.PublicApi
public enum ThreadPolicy {
    /** Always {@link ContextParams#threads()} threads. */
    FIXED,
    /**
     * Up to {@link ContextParams#threads()}, but no more than this context's share of the cores
     * that other processes leave free (measured from {@code /proc/stat} about once a second),
     * shared among the contexts of this JVM that decode at the moment. Never fewer than one.
     */
    ADAPTIVE
}
