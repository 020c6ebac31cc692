package dev.arbor.jobs.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * The numeric fields of a JSONL record, read strictly and with messages that say what is wrong:
 * a number that is not an integer where one is needed, or one out of the field's range (1e308 for
 * a 32-bit float, 1e20 for a 64-bit seed), rather than the value it would silently become
 * (Infinity, a wrapped-around integer). An integer written as 4.0 or 4e0 is an integer. Stateless.
 */
final class JsonNumbers {
    private JsonNumbers() {}

    static int int32(String name, JsonNode value) {
        BigDecimal integer = integral(name, value);
        if (integer.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) < 0
                || integer.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw outOfRange(name, value, "a 32-bit integer, at most " + Integer.MAX_VALUE);
        }
        return integer.intValueExact();
    }

    static long int64(String name, JsonNode value) {
        BigDecimal integer = integral(name, value);
        if (integer.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0
                || integer.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw outOfRange(name, value, "a 64-bit integer, at most " + Long.MAX_VALUE);
        }
        return integer.longValueExact();
    }

    static float float32(String name, JsonNode value) {
        double number = float64(name, value);
        if (Math.abs(number) > Float.MAX_VALUE) {
            throw outOfRange(name, value, "a 32-bit float, at most " + Float.MAX_VALUE);
        }
        return (float) number;
    }

    static double float64(String name, JsonNode value) {
        if (!value.isNumber()) {
            throw PromptLineParser.wrongType(name, "a number", value);
        }
        double number = value.doubleValue();
        if (!Double.isFinite(number)) { // JSON has no infinities: a literal too large for a double
            throw outOfRange(name, value, "a 64-bit float");
        }
        return number;
    }

    private static BigDecimal integral(String name, JsonNode value) {
        if (!value.isNumber()) {
            throw PromptLineParser.wrongType(name, "an integer", value);
        }
        if (!value.isIntegralNumber() && !value.isBigDecimal() && !Double.isFinite(value.doubleValue())) {
            throw outOfRange(name, value, "an integer");
        }
        BigDecimal decimal = value.isIntegralNumber() ? new BigDecimal(value.bigIntegerValue()) : value.decimalValue();
        if (decimal.signum() != 0 && decimal.stripTrailingZeros().scale() > 0) {
            throw PromptLineParser.wrongType(name, "an integer", value);
        }
        return decimal;
    }

    private static IllegalArgumentException outOfRange(String name, JsonNode value, String range) {
        return new IllegalArgumentException("field '" + name + "' is out of range: " + value + " does not fit "
                + range);
    }
}
