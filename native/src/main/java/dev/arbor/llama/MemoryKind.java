package dev.arbor.llama;

/** The kinds of memory of past tokens llama.cpp keeps for a model; see {@link ModelMemory}. */
@dev.arbor.annotation.PublicApi
public enum MemoryKind {
    /** Attention cells per position, all kept. */
    DENSE,
    /** Attention cells per position, some layers within a window whose old cells are reused. */
    SLIDING_WINDOW,
    /** One state per sequence, overwritten by every token. */
    RECURRENT,
    /** Attention cells and a recurrent state side by side. */
    HYBRID
}
