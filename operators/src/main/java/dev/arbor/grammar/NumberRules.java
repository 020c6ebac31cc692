package dev.arbor.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Grammars for {@code integer} and {@code number} schemas with {@code minimum}, {@code maximum},
 * {@code exclusiveMinimum} and {@code exclusiveMaximum}, exactly. Integers take any bounds (a
 * fractional bound is rounded inward). Numbers take bounds that are whole numbers: a number is
 * split into its integer part, which {@link IntegerRanges} bounds, and a fraction that is free,
 * zero or non-zero depending on whether the integer part sits on a bound. A fractional bound on a
 * number is refused. Bounded numbers never use an exponent. Stateless apart from its rule set.
 */
final class NumberRules {
    /** A bound value, whether the value itself is allowed, and the keyword it came from. */
    private record Bound(BigDecimal value, boolean inclusive, String keyword) {
        Bound negate() {
            return new Bound(value.negate(), inclusive, keyword);
        }
    }

    private final JsonRules json;

    NumberRules(JsonRules json) {
        this.json = json;
    }

    Expr integer(JsonNode schema, SchemaPath at) {
        Bound lower = lower(schema, at);
        Bound upper = upper(schema, at);
        if (lower == null && upper == null) {
            return json.integer();
        }
        BigInteger lo = lower == null ? null : roundUp(lower);
        BigInteger hi = upper == null ? null : roundDown(upper);
        if (lo != null && hi != null && lo.compareTo(hi) > 0) {
            throw new MalformedSchemaException(at.toString(), "no integer lies between the minimum and the maximum");
        }
        List<Expr> parts = new ArrayList<>();
        if (hi == null || hi.signum() >= 0) {
            parts.add(naturals(lo == null ? BigInteger.ZERO : lo.max(BigInteger.ZERO), hi));
        }
        if (lo == null || lo.signum() < 0) {
            BigInteger from = hi == null ? BigInteger.ONE : hi.negate().max(BigInteger.ONE);
            parts.add(Expr.seq(Expr.literal("-"), naturals(from, lo == null ? null : lo.negate())));
        }
        return Expr.alt(parts);
    }

    Expr number(JsonNode schema, SchemaPath at) {
        Bound lower = lower(schema, at);
        Bound upper = upper(schema, at);
        if (lower == null && upper == null) {
            return json.number();
        }
        requireWhole(lower, at);
        requireWhole(upper, at);
        if (lower != null && upper != null && isEmpty(lower, upper)) {
            throw new MalformedSchemaException(at.toString(), "no number lies between the minimum and the maximum");
        }
        List<Expr> parts = new ArrayList<>();
        Expr nonNegative = nonNegative(lower, upper);
        // EMPTY means "no such numbers"; as an alternative it would make the value optional.
        if (!nonNegative.isEmpty()) {
            parts.add(nonNegative);
        }
        Expr negative = nonNegative(upper == null ? null : upper.negate(), lower == null ? null : lower.negate());
        if (!negative.isEmpty()) {
            parts.add(Expr.seq(Expr.literal("-"), negative));
        }
        return Expr.alt(parts);
    }

    /**
     * The non-negative numbers within the bounds, or {@link Expr#EMPTY} if there are none. With
     * whole bounds, v = I.F satisfies {@code v >= L} iff {@code I >= L}, and {@code v <= U} iff
     * {@code I < U} or ({@code I == U} and F is zero), so only the integer parts on a bound need
     * care about the fraction.
     */
    private Expr nonNegative(Bound lower, Bound upper) {
        if (upper != null && (upper.value.signum() < 0 || (upper.value.signum() == 0 && !upper.inclusive))) {
            return Expr.EMPTY;
        }
        if (lower != null && (lower.value.signum() < 0 || (lower.value.signum() == 0 && lower.inclusive))) {
            lower = null;
        }
        BigInteger lo = lower == null ? BigInteger.ZERO : lower.value.toBigIntegerExact();
        BigInteger hi = upper == null ? null : upper.value.toBigIntegerExact();
        List<Expr> parts = new ArrayList<>();
        BigInteger freeFrom = lower == null || lower.inclusive ? lo : lo.add(BigInteger.ONE);
        BigInteger freeTo = hi == null ? null : hi.subtract(BigInteger.ONE);
        if (freeTo == null || freeFrom.compareTo(freeTo) <= 0) {
            parts.add(Expr.seq(naturals(freeFrom, freeTo), json.fraction().optional()));
        }
        if (lower != null && !lower.inclusive && (hi == null || lo.compareTo(hi) < 0)) {
            parts.add(Expr.seq(Expr.literal(lo.toString()), nonZeroFraction()));
        }
        if (upper != null && upper.inclusive && (lower == null || satisfies(hi, lower))) {
            parts.add(Expr.seq(Expr.literal(hi.toString()), zeroFraction().optional()));
        }
        return Expr.alt(parts);
    }

    private Expr naturals(BigInteger lo, BigInteger hi) {
        return IntegerRanges.naturals(lo, hi, json.options().maxDigits());
    }

    private Expr zeroFraction() {
        return Expr.seq(Expr.literal("."), Expr.literal("0").repeat(1, digitCap()));
    }

    /** A fraction with some non-zero digit: zeros, the first non-zero digit, then any digits. */
    private Expr nonZeroFraction() {
        int cap = digitCap();
        return Expr.seq(Expr.literal("."), Expr.literal("0").repeat(0, cap < 0 ? -1 : cap - 1),
                Expr.charClass("[1-9]"), Expr.charClass("[0-9]").repeat(0, cap < 0 ? -1 : cap - 1));
    }

    private int digitCap() {
        Integer cap = json.options().maxDigits();
        return cap == null ? -1 : cap;
    }

    private static boolean satisfies(BigInteger value, Bound lower) {
        int c = new BigDecimal(value).compareTo(lower.value);
        return lower.inclusive ? c >= 0 : c > 0;
    }

    private static boolean isEmpty(Bound lower, Bound upper) {
        int c = lower.value.compareTo(upper.value);
        return c > 0 || (c == 0 && !(lower.inclusive && upper.inclusive));
    }

    private static void requireWhole(Bound bound, SchemaPath at) {
        if (bound != null && bound.value.stripTrailingZeros().scale() > 0) {
            throw new UnsupportedSchemaException(bound.keyword, at.child(bound.keyword).toString(),
                    "a number's bounds must be whole numbers, not " + bound.value.toPlainString());
        }
    }

    private static BigInteger roundUp(Bound b) {
        BigDecimal v = b.value.setScale(0, RoundingMode.CEILING);
        if (!b.inclusive && v.compareTo(b.value) == 0) {
            v = v.add(BigDecimal.ONE);
        }
        return v.toBigIntegerExact();
    }

    private static BigInteger roundDown(Bound b) {
        BigDecimal v = b.value.setScale(0, RoundingMode.FLOOR);
        if (!b.inclusive && v.compareTo(b.value) == 0) {
            v = v.subtract(BigDecimal.ONE);
        }
        return v.toBigIntegerExact();
    }

    private static Bound lower(JsonNode schema, SchemaPath at) {
        return stricter(bound(schema, "minimum", true, at), bound(schema, "exclusiveMinimum", false, at), 1);
    }

    private static Bound upper(JsonNode schema, SchemaPath at) {
        return stricter(bound(schema, "maximum", true, at), bound(schema, "exclusiveMaximum", false, at), -1);
    }

    /** The tighter of two bounds on the same side; {@code sign} 1 for lower bounds, -1 for upper. */
    private static Bound stricter(Bound a, Bound b, int sign) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        int c = a.value.compareTo(b.value) * sign;
        if (c != 0) {
            return c > 0 ? a : b;
        }
        return a.inclusive ? b : a;
    }

    private static Bound bound(JsonNode schema, String keyword, boolean inclusive, SchemaPath at) {
        JsonNode v = schema.get(keyword);
        if (v == null) {
            return null;
        }
        if (v.isBoolean()) {
            throw new UnsupportedSchemaException(keyword, at.child(keyword).toString(),
                    "the draft-04 boolean form; use a number (draft 6 and later)");
        }
        if (!v.isNumber()) {
            throw new MalformedSchemaException(at.child(keyword).toString(), keyword + " must be a number");
        }
        return new Bound(v.decimalValue(), inclusive, keyword);
    }
}
