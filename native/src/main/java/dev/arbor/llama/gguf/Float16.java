package dev.arbor.llama.gguf;

/**
 * Conversion between {@code float} and IEEE 754 binary16 ("half", ggml's F16), held in the low
 * 16 bits of a {@code short}.
 *
 * <p>{@link #fromFloat} rounds to nearest, ties to even, as IEEE requires and as ggml's own
 * conversion does, so a model written as F16 here holds the same bits a llama.cpp converter would
 * produce from the same F32 values. Overflow gives infinity, values below half the smallest
 * subnormal give a signed zero, and NaN stays NaN (quiet, sign kept).
 */
@dev.arbor.annotation.Internal
public final class Float16 {
    /** The largest finite half, 65504. */
    public static final float MAX_VALUE = 65504f;
    /** The smallest positive subnormal half, 2^-24. */
    public static final float MIN_VALUE = 0x1p-24f;

    private static final int FLOAT_MANTISSA_BITS = 23;
    private static final int HALF_MANTISSA_BITS = 10;
    private static final int DROPPED_BITS = FLOAT_MANTISSA_BITS - HALF_MANTISSA_BITS;
    private static final int EXPONENT_REBIAS = 127 - 15;

    private Float16() {
    }

    /** Encodes {@code value} as the nearest half (ties to even). */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> FLOAT_MANTISSA_BITS) & 0xFF;
        int mantissa = bits & 0x7F_FFFF;

        if (exponent == 0xFF) {
            if (mantissa == 0) {
                return (short) (sign | 0x7C00);
            }
            // Keep the payload's top bits for debuggability but force the quiet bit so that a
            // payload living only in the dropped low bits cannot turn the NaN into infinity.
            return (short) (sign | 0x7C00 | 0x0200 | (mantissa >>> DROPPED_BITS));
        }

        int halfExponent = exponent - EXPONENT_REBIAS;
        if (halfExponent >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (halfExponent <= 0) {
            // Result is subnormal (or zero): value = full * 2^(exponent-150) and a subnormal half
            // counts units of 2^-24, so the number of low bits to drop is 126 - exponent.
            int shift = 126 - exponent;
            if (shift > 24) {
                // Below 2^-25, i.e. less than half the smallest subnormal: rounds to zero.
                // Float subnormals (exponent 0) land here too.
                return (short) sign;
            }
            int full = mantissa | 0x80_0000;
            return (short) (sign | roundShift(full, shift));
        }

        // A carry out of the mantissa correctly bumps the exponent, up to infinity (0x7C00).
        int combined = (halfExponent << FLOAT_MANTISSA_BITS) | mantissa;
        return (short) (sign | roundShift(combined, DROPPED_BITS));
    }

    /** Decodes a half (low 16 bits of {@code half}) exactly into a float. */
    public static float toFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> HALF_MANTISSA_BITS) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << DROPPED_BITS));
        }
        if (exponent == 0) {
            // Subnormal or zero: exact in float, and the multiplication by a power of two is too.
            float magnitude = mantissa * MIN_VALUE;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(
                sign | ((exponent + EXPONENT_REBIAS) << FLOAT_MANTISSA_BITS)
                        | (mantissa << DROPPED_BITS));
    }

    /** {@code value >>> shift}, rounded to nearest with ties to even; shift is in 1..24. */
    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int remainder = value & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (remainder > halfway || (remainder == halfway && (kept & 1) != 0)) {
            kept++;
        }
        return kept;
    }
}
