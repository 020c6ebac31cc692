package dev.arbor.llama;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One grammar state as llama.cpp 0.5.0 holds it: the set of pushdown stacks of element positions
 * in {@link GbnfRules} (each stack's top a character element, or the stack empty once the text is
 * a complete sentence) and the partial UTF-8 character the accepted text ends in. Immutable: a
 * state {@link #accept accepts} a token's piece into a new state.
 *
 * <p>Equal states are offered exactly the same tokens, which is what makes a state a sound key for
 * a cached token mask ({@link GrammarMasks}): the stacks are kept as a sorted set, and the partial
 * character only when one is pending (once a character is complete llama.cpp keeps its value but
 * never reads it again). The stack transitions mirror llama.cpp's {@code advance_stack},
 * {@code match_char} and {@code accept_token}, and the decoding of a piece its {@code decode_utf8}
 * (NUL ends a piece; an invalid lead byte discards the piece's characters).
 */
final class GrammarStacks {
    private static final int[] UTF8_LENGTH = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 2, 2, 3, 4};

    private final GbnfRules rules;
    /** The stacks, bottom first, sorted so that equal sets have equal arrays. */
    private final int[][] stacks;
    private final int partialValue;
    private final int partialRemain;
    private final int hash;

    private GrammarStacks(GbnfRules rules, Set<Stack> stacks, int partialValue, int partialRemain) {
        this.rules = rules;
        this.stacks = new int[stacks.size()][];
        int i = 0;
        for (Stack stack : stacks) {
            this.stacks[i++] = stack.positions;
        }
        Arrays.sort(this.stacks, Arrays::compare);
        // Only a pending character's bits matter; a complete one's value is never read again.
        this.partialRemain = Math.max(0, partialRemain);
        this.partialValue = this.partialRemain > 0 ? partialValue : 0;
        this.hash = 31 * (31 * Arrays.deepHashCode(this.stacks) + this.partialValue) + this.partialRemain;
    }

    /** The state before any text: the root rule's alternatives, advanced to their first characters. */
    static GrammarStacks initial(GbnfRules rules) {
        Set<Stack> stacks = new LinkedHashSet<>();
        int pos = rules.ruleStart[rules.root];
        while (true) {
            advance(rules, rules.isEndOfSequence(pos) ? new int[0] : new int[] {pos}, stacks);
            while (!rules.isEndOfSequence(pos)) {
                pos++;
            }
            if (rules.types[pos] != GbnfRules.ALT) {
                break;
            }
            pos++;
        }
        return new GrammarStacks(rules, stacks, 0, 0);
    }

    /** Whether the accepted text ends inside a UTF-8 character, whose remaining bytes the next token starts with. */
    boolean hasPendingCharacter() {
        return partialRemain > 0;
    }

    /** Whether the text so far is a complete sentence (some stack is empty). */
    boolean isComplete() {
        return stacks.length > 0 && stacks[0].length == 0;
    }

    /**
     * The state after {@code piece} (the token's bytes as llama.cpp's grammar sees them); for an
     * end-of-generation token the state stays as it is, as in llama.cpp.
     */
    GrammarStacks accept(byte[] piece, boolean endOfGeneration) {
        if (endOfGeneration) {
            return this;
        }
        Decoded decoded = decode(piece);
        Set<Stack> next = new LinkedHashSet<>();
        for (int[] stack : stacks) {
            if (stack.length == 0) {
                continue;
            }
            List<int[]> current = List.of(stack);
            for (int codePoint : decoded.codePoints) {
                Set<Stack> advanced = new LinkedHashSet<>();
                for (int[] candidate : current) {
                    acceptChar(candidate, codePoint, advanced);
                }
                current = new ArrayList<>(advanced.size());
                for (Stack s : advanced) {
                    current.add(s.positions);
                }
                if (current.isEmpty()) {
                    break;
                }
            }
            for (int[] survivor : current) {
                next.add(new Stack(survivor));
            }
        }
        return new GrammarStacks(rules, next, decoded.partialValue, decoded.partialRemain);
    }

    private void acceptChar(int[] stack, int codePoint, Set<Stack> out) {
        if (stack.length == 0) {
            return; // a complete parse takes no more characters
        }
        int top = stack[stack.length - 1];
        int after = matchChar(top, codePoint);
        if (after < 0) {
            return;
        }
        int[] next = rules.isEndOfSequence(after) ? Arrays.copyOf(stack, stack.length - 1)
                : withTop(stack, stack.length - 1, after);
        advance(rules, next, out);
    }

    /** The position after the character element at {@code pos} if it matches {@code chr}, else -1. */
    private int matchChar(int pos, int chr) {
        int[] types = rules.types;
        int[] values = rules.values;
        boolean positive = types[pos] == GbnfRules.CHAR || types[pos] == GbnfRules.CHAR_ANY;
        boolean found = false;
        int p = pos;
        do {
            if (types[p + 1] == GbnfRules.CHAR_RNG_UPPER) {
                found = found || (Integer.compareUnsigned(values[p], chr) <= 0
                        && Integer.compareUnsigned(chr, values[p + 1]) <= 0);
                p += 2;
            } else if (types[p] == GbnfRules.CHAR_ANY) {
                found = true;
                p += 1;
            } else {
                found = found || values[p] == chr;
                p += 1;
            }
        } while (types[p] == GbnfRules.CHAR_ALT);
        return found == positive ? p : -1;
    }

    /**
     * Expands {@code stack} until every resulting stack ends at a character element (or is empty),
     * adding each to {@code out} once: a rule reference on top is replaced by each of the rule's
     * alternatives, followed by what came after the reference.
     */
    private static void advance(GbnfRules rules, int[] stack, Set<Stack> out) {
        List<int[]> todo = new ArrayList<>();
        todo.add(stack);
        Set<Stack> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            int[] current = todo.remove(todo.size() - 1);
            if (!seen.add(new Stack(current))) {
                continue;
            }
            if (current.length == 0) {
                out.add(new Stack(current));
                continue;
            }
            int pos = current[current.length - 1];
            int type = rules.types[pos];
            if (type == GbnfRules.RULE_REF) {
                int sub = rules.ruleStart[rules.values[pos]];
                while (true) {
                    int[] next = Arrays.copyOf(current, current.length - 1);
                    if (!rules.isEndOfSequence(pos + 1)) {
                        next = withTop(next, next.length, pos + 1);
                    }
                    if (!rules.isEndOfSequence(sub)) {
                        next = withTop(next, next.length, sub);
                    }
                    todo.add(next);
                    while (!rules.isEndOfSequence(sub)) {
                        sub++;
                    }
                    if (rules.types[sub] != GbnfRules.ALT) {
                        break;
                    }
                    sub++;
                }
            } else if (type == GbnfRules.CHAR || type == GbnfRules.CHAR_NOT || type == GbnfRules.CHAR_ANY) {
                out.add(new Stack(current));
            } else {
                throw new IllegalStateException("a grammar stack stopped on element type " + type);
            }
        }
    }

    /** {@code stack[0..length)} followed by {@code top}. */
    private static int[] withTop(int[] stack, int length, int top) {
        int[] next = Arrays.copyOf(stack, length + 1);
        next[length] = top;
        return next;
    }

    /** A piece's code points after this state's partial character, and the partial one it ends in. */
    private record Decoded(int[] codePoints, int partialValue, int partialRemain) {}

    private Decoded decode(byte[] piece) {
        int[] out = new int[piece.length + 1];
        int n = 0;
        int pos = 0;
        int value = partialValue;
        int remain = partialRemain;
        while (pos < piece.length && piece[pos] != 0 && remain > 0) {
            int next = piece[pos] & 0xFF;
            if ((next >> 6) != 2) {
                return new Decoded(new int[0], 0, -1); // invalid continuation: nothing of the piece counts
            }
            value = (value << 6) + (next & 0x3F);
            pos++;
            remain--;
        }
        if (partialRemain > 0 && remain == 0) {
            out[n++] = value;
        }
        while (pos < piece.length && piece[pos] != 0) {
            int first = piece[pos] & 0xFF;
            remain = UTF8_LENGTH[first >> 4] - 1;
            if (remain < 0) {
                return new Decoded(new int[0], 0, remain); // invalid lead byte: the piece's characters are dropped
            }
            value = first & ((1 << (7 - remain)) - 1);
            pos++;
            while (pos < piece.length && piece[pos] != 0 && remain > 0) {
                value = (value << 6) + (piece[pos] & 0x3F);
                pos++;
                remain--;
            }
            if (remain == 0) {
                out[n++] = value;
            }
        }
        return new Decoded(Arrays.copyOf(out, n), value, remain);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GrammarStacks that && hash == that.hash && rules == that.rules
                && partialValue == that.partialValue && partialRemain == that.partialRemain
                && Arrays.deepEquals(stacks, that.stacks);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** One stack as a set element (arrays compare by identity). */
    private record Stack(int[] positions) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Stack that && Arrays.equals(positions, that.positions);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(positions);
        }
    }
}
