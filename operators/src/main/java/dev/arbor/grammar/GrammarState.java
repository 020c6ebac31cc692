package dev.arbor.grammar;

import static dev.arbor.llama.GbnfRules.RULE_REF;

import dev.arbor.annotation.Internal;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Where generated text stands in a {@link GrammarAutomaton}: the parse stacks llama.cpp's grammar
 * sampler would hold after the same bytes, and an unfinished UTF-8 character, if the last token
 * ended inside one. Advancing by a token's bytes gives a new state ({@link #advance}); the shortest
 * completion of the text so far is read off the stacks ({@link #shortestCompletionBytes},
 * {@link #shortestCompletion}).
 *
 * <p>Immutable: stacks are linked frames shared between states, so a fork of a branch keeps its
 * state by reference. A state that no stack survives, or whose stacks grew past
 * {@value #MAX_STACKS} (an ambiguous grammar), is <em>lost</em>: it knows nothing any more
 * ({@link #isLost()}), and neither do its successors.
 */
@Internal
public final class GrammarState {
    /** Beyond this many parse stacks the state gives up rather than slow the search down. */
    static final int MAX_STACKS = 1024;

    /** A shortest completion: the bytes that finish a pending character, then text. */
    public record Completion(byte[] pendingBytes, String text, int bytes) {}

    /** One frame of a parse stack: the next element to match, and the frames below it. */
    private static final class Frame {
        static final Frame BOTTOM = new Frame();

        final int pos;
        final Frame below;
        /** Fewest bytes that complete this frame and every frame below it. */
        final int bytes;
        final int hash;

        private Frame() {
            this.pos = -1;
            this.below = null;
            this.bytes = 0;
            this.hash = 0;
        }

        Frame(int pos, Frame below, int restBytes) {
            this.pos = pos;
            this.below = below;
            this.bytes = Math.min(GrammarAutomaton.INFINITE, restBytes + below.bytes);
            this.hash = 31 * below.hash + pos + 1;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Frame that)) {
                return false;
            }
            Frame a = this;
            Frame b = that;
            while (a != b) {
                if (a.hash != b.hash || a.pos != b.pos || a.below == null || b.below == null) {
                    return false;
                }
                a = a.below;
                b = b.below;
            }
            return true;
        }
    }

    private static final Frame[] NONE = new Frame[0];

    private final GrammarAutomaton automaton;
    private final Frame[] stacks;
    /** llama.cpp's partial UTF-8: the bits of an unfinished character and how many bytes it lacks. */
    private final int partialValue;
    private final int partialRemain;

    private GrammarState(GrammarAutomaton automaton, Frame[] stacks, int partialValue, int partialRemain) {
        this.automaton = automaton;
        this.stacks = stacks;
        this.partialValue = partialValue;
        this.partialRemain = partialRemain;
    }

    static GrammarState initial(GrammarAutomaton automaton, int root) {
        Set<Frame> stacks = new LinkedHashSet<>();
        for (int start : automaton.alternatives[root]) {
            Frame stack = automaton.isEndOfSequence(start) ? Frame.BOTTOM : push(automaton, start, Frame.BOTTOM);
            expand(automaton, stack, stacks);
        }
        return new GrammarState(automaton, stacks.toArray(NONE), 0, 0);
    }

    /** Whether the state gave up (see the class comment); a lost state completes nothing. */
    public boolean isLost() {
        return stacks.length == 0;
    }

    /** Whether the text so far is a sentence of the grammar (llama.cpp then allows an end of generation). */
    public boolean isComplete() {
        for (Frame stack : stacks) {
            if (stack == Frame.BOTTOM) {
                return true;
            }
        }
        return false;
    }

    /**
     * The state after {@code piece}, a token's bytes as llama.cpp's grammar reads them (decoded as
     * UTF-8, a character split across tokens carried over). A lost state stays lost.
     */
    public GrammarState advance(byte[] piece) {
        if (isLost() || piece.length == 0) {
            return this;
        }
        Frame[] current = stacks;
        int value = partialValue;
        int remain = partialRemain;
        int i = 0;
        // Continue a character the previous token left unfinished.
        while (i < piece.length && remain > 0) {
            int b = piece[i] & 0xFF;
            if ((b >> 6) != 2) {
                return lost();
            }
            value = (value << 6) | (b & 0x3F);
            i++;
            remain--;
        }
        if (partialRemain > 0 && remain == 0) {
            current = accept(current, value);
        }
        while (i < piece.length && current.length > 0) {
            int first = piece[i] & 0xFF;
            remain = sequenceLength(first) - 1;
            if (remain < 0) {
                return lost();
            }
            value = first & ((1 << (7 - remain)) - 1);
            i++;
            while (i < piece.length && remain > 0) {
                value = (value << 6) | (piece[i] & 0x3F);
                i++;
                remain--;
            }
            if (remain == 0) {
                current = accept(current, value);
            }
        }
        if (current.length == 0 || current.length > MAX_STACKS) {
            return lost();
        }
        return new GrammarState(automaton, current, remain > 0 ? value : 0, Math.max(remain, 0));
    }

    /** Fewest bytes that complete the text; {@link GrammarAutomaton#INFINITE} or more when none do. */
    public int shortestCompletionBytes() {
        int best = GrammarAutomaton.INFINITE;
        for (Frame stack : stacks) {
            best = Math.min(best, completionBytes(stack));
        }
        return best;
    }

    /** A shortest completion of the text, or null when there is none (a lost state). */
    public Completion shortestCompletion() {
        Frame best = null;
        int bestBytes = GrammarAutomaton.INFINITE;
        for (Frame stack : stacks) {
            int bytes = completionBytes(stack);
            if (bytes < bestBytes) {
                best = stack;
                bestBytes = bytes;
            }
        }
        if (best == null) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        byte[] pending = new byte[0];
        Frame frame = best;
        if (partialRemain > 0) {
            int cp = automaton.smallestIn(frame.pos, partialLow(), partialHigh());
            // The continuation bytes of cp, as llama.cpp's decoder reads them (cp may lie beyond
            // Unicode when the lead byte did: llama.cpp decodes it all the same).
            pending = new byte[partialRemain];
            for (int k = 0; k < partialRemain; k++) {
                pending[k] = (byte) (0x80 | ((cp >> (6 * (partialRemain - 1 - k))) & 0x3F));
            }
            text.append(automaton.shortestFrom(automaton.afterChar[frame.pos]));
            frame = frame.below;
        }
        for (; frame != Frame.BOTTOM; frame = frame.below) {
            text.append(automaton.shortestFrom(frame.pos));
        }
        return new Completion(pending, text.toString(), bestBytes);
    }

    private int completionBytes(Frame stack) {
        if (partialRemain == 0) {
            return stack.bytes;
        }
        if (stack == Frame.BOTTOM || !automaton.isCharElement(stack.pos)
                || automaton.smallestIn(stack.pos, partialLow(), partialHigh()) < 0) {
            return GrammarAutomaton.INFINITE;
        }
        return Math.min(GrammarAutomaton.INFINITE,
                partialRemain + automaton.restBytes[automaton.afterChar[stack.pos]] + stack.below.bytes);
    }

    /** The code points the pending bytes may still become (llama.cpp's match_partial_char range). */
    private int partialLow() {
        int low = partialValue << (partialRemain * 6);
        if (low == 0) {
            low = partialRemain == 2 ? 1 << 11 : partialRemain == 3 ? 1 << 16 : 0;
        }
        return low;
    }

    private int partialHigh() {
        return (partialValue << (partialRemain * 6)) | ((1 << (partialRemain * 6)) - 1);
    }

    private GrammarState lost() {
        return new GrammarState(automaton, NONE, 0, 0);
    }

    /** llama.cpp's table: bytes in a sequence by the first byte's high nibble (0: a continuation byte). */
    private static int sequenceLength(int first) {
        int high = first >> 4;
        return high < 8 ? 1 : high < 12 ? 0 : high < 14 ? 2 : high == 14 ? 3 : 4;
    }

    /** The stacks after one code point: every stack whose next class admits it, moved on. */
    private Frame[] accept(Frame[] from, int cp) {
        Set<Frame> next = new LinkedHashSet<>();
        for (Frame stack : from) {
            if (stack == Frame.BOTTOM || !automaton.isCharElement(stack.pos) || !automaton.matches(stack.pos, cp)) {
                continue;
            }
            int after = automaton.afterChar[stack.pos];
            Frame moved = automaton.isEndOfSequence(after) ? stack.below : push(automaton, after, stack.below);
            expand(automaton, moved, next);
            if (next.size() > MAX_STACKS) {
                break;
            }
        }
        return next.toArray(NONE);
    }

    private static Frame push(GrammarAutomaton automaton, int pos, Frame below) {
        return new Frame(pos, below, automaton.restBytes[pos]);
    }

    /** llama.cpp's advance_stack: expands rule references until every stack waits on a character. */
    private static void expand(GrammarAutomaton automaton, Frame stack, Set<Frame> out) {
        ArrayDeque<Frame> todo = new ArrayDeque<>();
        Set<Frame> seen = new HashSet<>();
        todo.push(stack);
        while (!todo.isEmpty()) {
            Frame current = todo.pop();
            if (!seen.add(current)) {
                continue;
            }
            if (current == Frame.BOTTOM || automaton.type[current.pos] != RULE_REF) {
                out.add(current);
                continue;
            }
            int pos = current.pos;
            Frame below = current.below;
            if (!automaton.isEndOfSequence(pos + 1)) {
                below = push(automaton, pos + 1, below);
            }
            for (int start : automaton.alternatives[automaton.value[pos]]) {
                todo.push(automaton.isEndOfSequence(start) ? below : push(automaton, start, below));
            }
        }
    }
}
