package dev.arbor.grammar;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Grammars for the canonical decimal spellings (no sign, no leading zeros) of the whole numbers in
 * a range, exactly: {@code [lo, hi]} becomes one alternative per digit count, and each of those is
 * split digit by digit into a lower edge, a free middle and an upper edge. The output is
 * unambiguous (each number has one derivation), which keeps llama.cpp's parse stacks few.
 * Stateless.
 */
final class IntegerRanges {
    private static final Expr DIGIT = Expr.charClass("[0-9]");

    private IntegerRanges() {
    }

    /**
     * The spellings of {@code lo..hi}; {@code hi == null} means no upper bound, except that
     * {@code maxDigits} (when not null) then limits the digit count, never below {@code lo}'s.
     */
    static Expr naturals(BigInteger lo, BigInteger hi, Integer maxDigits) {
        if (lo.signum() < 0 || (hi != null && hi.compareTo(lo) < 0)) {
            throw new IllegalArgumentException("bad range " + lo + ".." + hi);
        }
        String low = lo.toString();
        if (hi == null && maxDigits != null) {
            hi = BigInteger.TEN.pow(Math.max(maxDigits, low.length())).subtract(BigInteger.ONE);
        }
        List<Expr> alternatives = new ArrayList<>();
        if (hi == null) {
            alternatives.add(sameLength(low, nines(low.length())));
            alternatives.add(Expr.seq(Expr.charClass("[1-9]"), DIGIT.repeat(low.length(), -1)));
            return Expr.alt(alternatives);
        }
        String high = hi.toString();
        if (low.length() == high.length()) {
            return sameLength(low, high);
        }
        alternatives.add(sameLength(low, nines(low.length())));
        if (high.length() - low.length() >= 2) {
            // Every number of the lengths strictly between: [1-9] then the remaining digits.
            alternatives.add(Expr.seq(Expr.charClass("[1-9]"), DIGIT.repeat(low.length(), high.length() - 2)));
        }
        alternatives.add(sameLength("1" + "0".repeat(high.length() - 1), high));
        return Expr.alt(alternatives);
    }

    /** The digit strings from {@code a} to {@code b}, both of the same length. */
    private static Expr sameLength(String a, String b) {
        if (a.isEmpty()) {
            return Expr.EMPTY;
        }
        int common = 0;
        while (common < a.length() && a.charAt(common) == b.charAt(common)) {
            common++;
        }
        if (common > 0) {
            return Expr.seq(Expr.literal(a.substring(0, common)), sameLength(a.substring(common), b.substring(common)));
        }
        char first = a.charAt(0);
        char last = b.charAt(0);
        String restA = a.substring(1);
        String restB = b.substring(1);
        int n = restA.length();
        List<Expr> alternatives = new ArrayList<>();
        char middleFrom = first;
        char middleTo = last;
        if (!isAll(restA, '0')) {
            alternatives.add(Expr.seq(Expr.literal(String.valueOf(first)), sameLength(restA, nines(n))));
            middleFrom++;
        }
        if (!isAll(restB, '9')) {
            alternatives.add(Expr.seq(Expr.literal(String.valueOf(last)), sameLength("0".repeat(n), restB)));
            middleTo--;
        }
        if (middleFrom <= middleTo) {
            alternatives.add(Expr.seq(digitRange(middleFrom, middleTo), DIGIT.repeat(n, n)));
        }
        return Expr.alt(alternatives);
    }

    private static Expr digitRange(char from, char to) {
        if (from == to) {
            return Expr.literal(String.valueOf(from));
        }
        return Expr.charClass("[" + from + "-" + to + "]");
    }

    private static String nines(int n) {
        return "9".repeat(n);
    }

    private static boolean isAll(String s, char c) {
        return s.chars().allMatch(x -> x == c);
    }
}
