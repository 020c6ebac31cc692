package dev.arbor.search;

/** How a request's branch tree is searched. */
public enum Strategy {
    /** Beam search: keep the best {@code width} continuations of all beams at every step. */
    BEAM,
    /** Best-of-n: sample {@code width} completions independently, keep the best by a {@link Scorer}. */
    BEST_OF_N
}
