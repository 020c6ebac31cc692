package dev.arbor.grammar;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The fixed rules every JSON grammar shares: whitespace, string characters, numbers, literals and
 * the free-form value. Each is added to the {@link RuleSet} the first time it is used.
 *
 * <p>Whitespace: {@code ws ::= " "?} wherever JSON allows whitespace between tokens (after
 * {@code { [ , :} and before {@code } ]}), none before or after the root value. One optional space
 * keeps output compact and leaves a model no way to stall on endless blanks or newlines.
 *
 * <p>Strings: any character but {@code "}, {@code \} and controls, or an escape; {@code \}{@code u}
 * escapes exclude the surrogate range, so a string's length in characters is its length in code
 * points, which is what {@code minLength}/{@code maxLength} count. Numbers: no exponent, no leading
 * zeros. Used by one conversion on one thread.
 */
final class JsonRules {
    /** A JSON string character: unescaped, or one escape. */
    private static final String CHAR = "[^\\x22\\x5C\\x00-\\x1F] | \"\\\\\" ([\\x22\\x5C/bfnrt] | \"u\" "
            + "([0-9a-cA-Ce-fE-F] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2}))";
    /** A string character written without escapes (for keys that must differ from given names). */
    static final Expr PLAIN_CHAR = Expr.charClass("[^\\x22\\x5C\\x00-\\x1F]");
    static final Expr QUOTE = Expr.literal("\"");

    private final RuleSet rules;
    private final GbnfOptions options;
    private final Map<String, Expr> made = new HashMap<>();

    JsonRules(RuleSet rules, GbnfOptions options) {
        this.rules = rules;
        this.options = options;
    }

    GbnfOptions options() {
        return options;
    }

    Expr ws() {
        return once("ws", () -> Expr.literal(" ").optional());
    }

    Expr character() {
        return once("char", () -> new Expr(CHAR, false));
    }

    /** Any JSON string within the string-length cap. */
    Expr string() {
        return once("string", () -> stringOf(0, GbnfOptions.upper(null, options.maxStringLength(), 0)));
    }

    /** A JSON string of {@code min..max} characters ({@code max < 0}: unbounded). */
    Expr stringOf(int min, int max) {
        return Expr.seq(QUOTE, character().repeat(min, max), QUOTE);
    }

    Expr integer() {
        return once("integer", () -> Expr.seq(Expr.literal("-").optional(), naturalDigits()));
    }

    Expr number() {
        return once("number", () -> Expr.seq(integer(), fraction().optional()));
    }

    /** {@code 0} or a digit string without a leading zero, within the digit cap. */
    Expr naturalDigits() {
        int more = options.maxDigits() == null ? -1 : options.maxDigits() - 1;
        return Expr.alt(List.of(Expr.literal("0"),
                Expr.seq(Expr.charClass("[1-9]"), Expr.charClass("[0-9]").repeat(0, more))));
    }

    /** A decimal point and at least one digit, within the digit cap. */
    Expr fraction() {
        int max = options.maxDigits() == null ? -1 : options.maxDigits();
        return Expr.seq(Expr.literal("."), Expr.charClass("[0-9]").repeat(1, max));
    }

    Expr bool() {
        return once("boolean", () -> Expr.alt(List.of(Expr.literal("true"), Expr.literal("false"))));
    }

    Expr nullValue() {
        return once("null", () -> Expr.literal("null"));
    }

    /** Any JSON value (a schema of {@code true} or {@code {}}), free-form objects and arrays included. */
    Expr value() {
        Expr existing = made.get("value");
        if (existing != null) {
            return existing;
        }
        String name = rules.reserve("value");
        Expr ref = Expr.ref(name);
        made.put("value", ref);
        int maxItems = GbnfOptions.upper(null, options.maxItems(), 0);
        Expr member = Expr.seq(string(), ws(), Expr.literal(":"), ws(), ref);
        Expr object = rules.define("object", container("{", member, "}", maxItems));
        Expr array = rules.define("array", container("[", ref, "]", maxItems));
        rules.complete(name, Expr.alt(List.of(object, array, string(), number(), bool(), nullValue())));
        return ref;
    }

    /** {@code open ws (item (ws "," ws item)* ws)? close} with at most {@code max} items. */
    Expr container(String open, Expr item, String close, int max) {
        Expr more = Expr.seq(ws(), Expr.literal(","), ws(), item).repeat(0, max < 0 ? -1 : max - 1);
        Expr items = Expr.seq(item, more, ws()).repeat(0, max == 0 ? 0 : 1);
        return Expr.seq(Expr.literal(open), ws(), items, Expr.literal(close));
    }

    /** The rule {@code name}, defined from {@code body} the first time it is asked for. */
    Expr once(String name, Supplier<Expr> body) {
        Expr existing = made.get(name);
        if (existing == null) {
            existing = rules.define(name, body.get());
            made.put(name, existing);
        }
        return existing;
    }
}
