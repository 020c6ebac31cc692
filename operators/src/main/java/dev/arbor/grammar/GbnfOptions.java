package dev.arbor.grammar;

import dev.arbor.annotation.PublicApi;

/**
 * Optional caps on what a schema leaves unbounded. JSON Schema lets a string, an array, the extra
 * properties of a map or the digits of a number grow without limit; a model sampling under such a
 * grammar (a random-weight test model above all) may then never close the value. A cap narrows the
 * grammar, so every output still validates; a schema's own bound always wins over a cap, and a
 * schema's minimum is never cut.
 *
 * <p>{@link #DEFAULTS} is what Arbor converts with unless told otherwise: digits bounded as
 * llama.cpp's own converter bounds them (16 in the integer part, 16 in the fraction, unless a
 * {@code minimum}/{@code maximum} says otherwise), strings and arrays as the schema says. A search's
 * closing budget ends whatever is left unbounded in time; a digit string has no natural end, and
 * numbers of more than 16 digits are beyond what a double holds anyway.
 *
 * @param maxStringLength most characters in a string whose schema has no {@code maxLength}
 * @param maxItems        most items of an array without {@code maxItems}, and most members of an
 *                        object's extra ({@code additionalProperties}) part or of a free-form object
 * @param maxDigits       most digits in the integer part, and in the fraction, of a number
 *
 * <p>Each is {@code null} for "no cap" or a positive count no larger than
 * {@value Expr#MAX_REPETITION}.
 */
@PublicApi
public record GbnfOptions(Integer maxStringLength, Integer maxItems, Integer maxDigits) {
    /** The largest cap (llama.cpp's repetition bound). */
    public static final int MAX_BOUND = Expr.MAX_REPETITION;
    /** Most digits of an integer part, and of a fraction, by default (llama.cpp's bound). */
    public static final int DEFAULT_MAX_DIGITS = 16;
    /** No caps: the grammar follows the schema exactly. */
    public static final GbnfOptions UNBOUNDED = new GbnfOptions(null, null, null);
    /** The default bounds: digits capped at {@value #DEFAULT_MAX_DIGITS}, strings and arrays as the schema says. */
    public static final GbnfOptions DEFAULTS = new GbnfOptions(null, null, DEFAULT_MAX_DIGITS);

    public GbnfOptions {
        check("maxStringLength", maxStringLength);
        check("maxItems", maxItems);
        check("maxDigits", maxDigits);
    }

    private static void check(String name, Integer cap) {
        if (cap != null && (cap < 1 || cap > Expr.MAX_REPETITION)) {
            throw new IllegalArgumentException(name + " must be 1.." + Expr.MAX_REPETITION + " or null, not " + cap);
        }
    }

    /** The upper bound to use: the schema's if it has one, else the cap (never below {@code min}). */
    static int upper(Integer schemaMax, Integer cap, int min) {
        if (schemaMax != null) {
            return schemaMax;
        }
        return cap == null ? -1 : Math.max(cap, min);
    }
}
