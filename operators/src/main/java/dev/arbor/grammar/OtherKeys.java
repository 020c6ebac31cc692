package dev.arbor.grammar;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * The grammar of a JSON object key that is none of a given set of names: the keys of an object's
 * extra ({@code additionalProperties}) members, which must not repeat a declared property. It is
 * the complement of the names' trie: at each trie node, either stop (unless a name ends there),
 * take a child's character and go on, or take any other character and then anything. Such keys are
 * written without escape sequences, since {@code \}{@code u0061} would spell the declared name
 * {@code a} in a way the trie cannot see. Used by one conversion on one thread.
 */
final class OtherKeys {
    /** A trie node: the names through it continue with these characters; {@code end}: one ends here. */
    private static final class Node {
        final TreeMap<Integer, Node> children = new TreeMap<>();
        boolean end;
    }

    private final JsonRules json;
    private final RuleSet rules;
    private final String hint;
    private int nodes;

    private OtherKeys(JsonRules json, RuleSet rules, String hint) {
        this.json = json;
        this.rules = rules;
        this.hint = hint;
    }

    /** A quoted key differing from every one of {@code names}. */
    static Expr except(Collection<String> names, JsonRules json, RuleSet rules, String hint) {
        Node root = new Node();
        for (String name : names) {
            // A name that needs an escape cannot be spelled by escape-free keys anyway.
            if (name.codePoints().allMatch(cp -> cp >= 0x20 && cp != '"' && cp != '\\')) {
                insert(root, name);
            }
        }
        OtherKeys keys = new OtherKeys(json, rules, hint);
        return Expr.seq(JsonRules.QUOTE, keys.complement(root), JsonRules.QUOTE);
    }

    private static void insert(Node root, String name) {
        Node node = root;
        for (int cp : name.codePoints().toArray()) {
            node = node.children.computeIfAbsent(cp, c -> new Node());
        }
        node.end = true;
    }

    /** The suffixes that, after this node's prefix, spell no name. */
    private Expr complement(Node node) {
        List<Expr> alternatives = new ArrayList<>();
        for (var child : node.children.entrySet()) {
            Expr next = complement(child.getValue());
            alternatives.add(Expr.seq(Expr.literal(Character.toString(child.getKey())), next));
        }
        alternatives.add(Expr.seq(otherChar(node), plainChars()));
        if (!node.end) {
            alternatives.add(Expr.EMPTY);
        }
        Expr body = Expr.alt(alternatives);
        return rules.define(hint + "-key-" + (nodes++), body);
    }

    /** A plain string character that no name continues with at this node. */
    private static Expr otherChar(Node node) {
        StringBuilder cls = new StringBuilder("[^\\x22\\x5C\\x00-\\x1F");
        node.children.keySet().forEach(cp -> cls.append(GbnfText.classChar(cp)));
        return Expr.charClass(cls.append(']').toString());
    }

    private Expr plainChars() {
        Integer cap = json.options().maxStringLength();
        return JsonRules.PLAIN_CHAR.repeat(0, cap == null ? -1 : cap);
    }
}
