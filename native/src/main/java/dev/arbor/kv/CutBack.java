package dev.arbor.kv;

import dev.arbor.llama.ModelMemory;

/**
 * How a sequence that has decoded {@code head} tokens is taken back to {@code position} exactly
 * (a {@link Branch#truncate}, or a {@link Branch#forkAt} that starts another sequence there), decided
 * from what llama.cpp still holds for it. A pure function of its inputs, so every memory kind's
 * rule is tested on its own.
 *
 * <ul>
 * <li>{@link Way#SHARE}: the attention cells below {@code position} are all it needs (a dense model;
 *     a window llama.cpp has not begun to reuse; the head itself).</li>
 * <li>{@link Way#RESTORE}: a checkpoint at {@code position} restores the window cells and recurrent
 *     state; the attention cells below it are shared.</li>
 * <li>{@link Way#REPLAY}: a checkpoint at {@code from < position} is restored, then the tokens
 *     {@code from..position-1} are decoded again (exact; the cost is counted).</li>
 * <li>{@link Way#REFUSE}: none of these is possible; {@code reason} says why.</li>
 * </ul>
 *
 * @param from the position the sequence is cut to before any replay ({@code position} unless REPLAY)
 * @param checkpoint the checkpoint restored at {@code from}, for RESTORE and REPLAY
 */
record CutBack(Way way, int position, int from, Checkpoint checkpoint, String reason) {
    enum Way {
        SHARE,
        RESTORE,
        REPLAY,
        REFUSE
    }

    /**
     * @param posMin the lowest position llama.cpp still holds for the sequence (what
     *     {@code llama_memory_seq_pos_min} reports; only read for a sliding window)
     * @param deepest the branch's checkpoint at the highest position {@code <= position}, or null
     */
    static CutBack plan(ModelMemory memory, int head, int position, int posMin, Checkpoint deepest) {
        if (position == head) {
            return new CutBack(Way.SHARE, position, position, null, null);
        }
        switch (memory.kind()) {
            case DENSE:
                return new CutBack(Way.SHARE, position, position, null, null);
            case SLIDING_WINDOW:
                if (windowIntact(memory.slidingWindow(), position, posMin)) {
                    return new CutBack(Way.SHARE, position, position, null, null);
                }
                break;
            default:
                break;
        }
        if (deepest != null && deepest.position() == position) {
            return new CutBack(Way.RESTORE, position, position, deepest, null);
        }
        if (deepest != null) {
            return new CutBack(Way.REPLAY, position, deepest.position(), deepest, null);
        }
        return new CutBack(Way.REFUSE, position, position, null, refusal(memory, head, position, posMin));
    }

    /**
     * A decode at {@code position} attends to the positions after {@code position - window} (a
     * chunked window to fewer), so they must all still be held: llama.cpp keeps every position from
     * {@code posMin} to the head.
     */
    static boolean windowIntact(int window, int position, int posMin) {
        return posMin >= 0 && posMin <= Math.max(0, position - window);
    }

    private static String refusal(ModelMemory memory, int head, int position, int posMin) {
        String start = "cannot go back from position " + head + " to " + position + " exactly on this "
                + memory.describe() + " model: ";
        if (memory.kind() == dev.arbor.llama.MemoryKind.SLIDING_WINDOW) {
            return start + "llama.cpp has reused the window's cells below position " + posMin + " (a decode at "
                    + position + " attends to positions from " + Math.max(0, position - memory.slidingWindow() + 1)
                    + ") and the branch has no checkpoint at or below " + position;
        }
        return start + "a recurrent state only moves forward, and the branch has no checkpoint at or below "
                + position + " (take one with Branch.checkpoint() or checkpoint positions when prefilling)";
    }
}
