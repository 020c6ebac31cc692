package dev.arbor.grammar;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A GBNF expression under construction: its text and whether it is an atom (a literal, a class, a
 * rule name or a parenthesized group) that a suffix such as {@code ?} or {@code {m,n}} may follow
 * as is. Builders parenthesize only where precedence needs it, and never produce a newline, since
 * a newline ends a rule in GBNF. Immutable.
 */
record Expr(String text, boolean atomic) {
    /** The repetition bound llama.cpp's parser accepts ({@code MAX_REPETITION_THRESHOLD}). */
    static final int MAX_REPETITION = 2000;

    /** Matches only the empty string. */
    static final Expr EMPTY = new Expr("", false);

    static Expr literal(String s) {
        return new Expr(GbnfText.literal(s), true);
    }

    static Expr ref(String ruleName) {
        return new Expr(ruleName, true);
    }

    static Expr charClass(String classText) {
        return new Expr(classText, true);
    }

    boolean isEmpty() {
        return text.isEmpty();
    }

    static Expr seq(Expr... parts) {
        return seq(List.of(parts));
    }

    static Expr seq(List<Expr> parts) {
        List<String> texts = new ArrayList<>();
        Expr only = EMPTY;
        for (Expr p : parts) {
            if (!p.isEmpty()) {
                // A non-atom is a sequence or a suffixed item, both fine inside a sequence.
                texts.add(p.text);
                only = p;
            }
        }
        if (texts.size() <= 1) {
            return only;
        }
        return new Expr(String.join(" ", texts), false);
    }

    /** Any one of the alternatives; an empty alternative makes the whole optional. */
    static Expr alt(List<Expr> alternatives) {
        Set<String> distinct = new LinkedHashSet<>();
        boolean optional = false;
        for (Expr a : alternatives) {
            if (a.isEmpty()) {
                optional = true;
            } else {
                distinct.add(a.text);
            }
        }
        if (distinct.isEmpty()) {
            return EMPTY;
        }
        Expr choice = distinct.size() == 1
                ? alternatives.stream().filter(a -> !a.isEmpty()).findFirst().orElseThrow()
                : new Expr(group(String.join(" | ", distinct)), true);
        return optional ? choice.optional() : choice;
    }

    Expr optional() {
        return isEmpty() ? EMPTY : suffix("?");
    }

    Expr star() {
        return isEmpty() ? EMPTY : suffix("*");
    }

    /** This expression {@code min..max} times; {@code max < 0} means no upper bound. */
    Expr repeat(int min, int max) {
        if (isEmpty() || max == 0) {
            return EMPTY;
        }
        if (min == 0 && max < 0) {
            return star();
        }
        if (min == 0 && max == 1) {
            return optional();
        }
        if (min == 1 && max == 1) {
            return this;
        }
        if (min == 1 && max < 0) {
            return suffix("+");
        }
        if (min == max) {
            return suffix("{" + min + "}");
        }
        return suffix("{" + min + "," + (max < 0 ? "" : Integer.toString(max)) + "}");
    }

    private Expr suffix(String op) {
        return new Expr((atomic ? text : group(text)) + op, false);
    }

    private static String group(String text) {
        return "(" + text + ")";
    }
}
