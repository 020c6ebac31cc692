package dev.arbor.grammar;

import dev.arbor.annotation.PublicApi;
import java.util.Objects;

/**
 * A GBNF grammar as llama.cpp's grammar engine reads it: the text (one rule per line,
 * {@code name ::= alternatives}) and the name of the rule generation starts from. Arbor does not
 * parse GBNF itself: llama.cpp's parser is the judge of the text, and a grammar it refuses is
 * reported with its reason when the sampler is created.
 *
 * <p>Invariants: the text is non-blank and the root is a GBNF rule name ({@code [a-zA-Z0-9-]+}).
 * Grammars from {@link SchemaToGbnf} always use the root {@value #DEFAULT_ROOT} and define it.
 */
@PublicApi
public record GrammarSource(String text, String root) {
    /** The rule name llama.cpp starts from when none is given, and the one this package emits. */
    public static final String DEFAULT_ROOT = "root";

    public GrammarSource {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(root, "root");
        if (text.isBlank()) {
            throw new IllegalArgumentException("a grammar needs at least one rule");
        }
        if (!root.matches("[a-zA-Z0-9-]+")) {
            throw new IllegalArgumentException("not a GBNF rule name: '" + root + "'");
        }
    }

    /** A hand-written grammar whose start rule is {@value #DEFAULT_ROOT}. */
    public static GrammarSource of(String text) {
        return new GrammarSource(text, DEFAULT_ROOT);
    }
}
