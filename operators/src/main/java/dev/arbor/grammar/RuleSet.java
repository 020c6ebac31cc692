package dev.arbor.grammar;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The rules of one grammar under construction. It gives each rule a unique GBNF name derived from a
 * hint (a property or definition name), reuses the existing rule when the same body is defined
 * again (so a schema used in many places costs one rule), and lets a name be reserved before its
 * body exists, which is how recursive {@code $ref}s refer to themselves. Invariant: every name it
 * returns is either defined or reserved, and {@link #render} refuses to print while a reserved
 * name is still undefined. Used by one conversion on one thread.
 */
final class RuleSet {
    private final Map<String, String> bodies = new LinkedHashMap<>();
    private final Map<String, String> nameByBody = new HashMap<>();
    private final Set<String> reserved = new HashSet<>();

    /** Defines a rule for {@code body} (or finds the identical one) and returns a reference to it. */
    Expr define(String hint, Expr body) {
        String existing = nameByBody.get(body.text());
        if (existing != null) {
            return Expr.ref(existing);
        }
        String name = freshName(hint);
        put(name, body);
        return Expr.ref(name);
    }

    /** Takes a name now whose body {@link #complete} will supply later. */
    String reserve(String hint) {
        String name = freshName(hint);
        reserved.add(name);
        return name;
    }

    /** Whether {@code name} is reserved and still waits for its body. */
    boolean isPending(String name) {
        return reserved.contains(name);
    }

    void complete(String reservedName, Expr body) {
        if (!reserved.remove(reservedName)) {
            throw new IllegalStateException("not a reserved rule: " + reservedName);
        }
        put(reservedName, body);
    }

    /** The grammar text, one rule a line, the root first. */
    String render(String root) {
        if (!reserved.isEmpty()) {
            throw new IllegalStateException("rules reserved but never defined: " + reserved);
        }
        if (!bodies.containsKey(root)) {
            throw new IllegalStateException("no rule named " + root);
        }
        StringBuilder out = new StringBuilder();
        appendRule(out, root, bodies.get(root));
        bodies.forEach((name, body) -> {
            if (!name.equals(root)) {
                appendRule(out, name, body);
            }
        });
        return out.toString();
    }

    private void put(String name, Expr body) {
        // An empty rule body is legal GBNF but reads as a mistake; spell it as an empty literal.
        String text = body.isEmpty() ? "\"\"" : body.text();
        bodies.put(name, text);
        nameByBody.putIfAbsent(body.text(), name);
    }

    private String freshName(String hint) {
        String base = sanitize(hint);
        String name = base;
        for (int n = 2; bodies.containsKey(name) || reserved.contains(name); n++) {
            name = base + "-" + n;
        }
        return name;
    }

    /** GBNF names are {@code [a-zA-Z0-9-]+}; anything else in a hint becomes a dash. */
    static String sanitize(String hint) {
        String s = hint.replaceAll("[^a-zA-Z0-9]+", "-").replaceAll("^-+|-+$", "");
        // Long names only make the grammar harder to read: keep the most specific end.
        if (s.length() > 40) {
            s = s.substring(s.length() - 40).replaceAll("^-+", "");
        }
        return s.isEmpty() ? "rule" : s;
    }

    private static void appendRule(StringBuilder out, String name, String body) {
        out.append(name).append(" ::= ").append(body).append('\n');
    }
}
