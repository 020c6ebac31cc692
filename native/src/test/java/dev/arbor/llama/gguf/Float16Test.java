package dev.arbor.llama.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Float16Test {

    private static int bits(float f) {
        return Float16.fromFloat(f) & 0xFFFF;
    }

    @Test
    void encodesExactValues() {
        assertThat(bits(0f)).isEqualTo(0x0000);
        assertThat(bits(-0f)).isEqualTo(0x8000);
        assertThat(bits(1f)).isEqualTo(0x3C00);
        assertThat(bits(-2f)).isEqualTo(0xC000);
        assertThat(bits(0.5f)).isEqualTo(0x3800);
        assertThat(bits(65504f)).isEqualTo(0x7BFF);
        assertThat(bits(0x1p-14f)).isEqualTo(0x0400);
        assertThat(bits(0x1p-24f)).isEqualTo(0x0001);
        assertThat(bits(0x3FFp-24f)).isEqualTo(0x03FF);
    }

    @Test
    void roundsToNearestEven() {
        // 1 + 2^-11 lies exactly between 1 and 1 + 2^-10: ties go to the even mantissa (1.0).
        assertThat(bits(1f + 0x1p-11f)).isEqualTo(0x3C00);
        // 1 + 3 * 2^-11 lies between 1 + 2^-10 (odd) and 1 + 2^-9 (even).
        assertThat(bits(1f + 3 * 0x1p-11f)).isEqualTo(0x3C02);
        // Just above a tie rounds up, just below rounds down.
        assertThat(bits(Math.nextUp(1f + 0x1p-11f))).isEqualTo(0x3C01);
        assertThat(bits(Math.nextDown(1f + 3 * 0x1p-11f))).isEqualTo(0x3C01);
        // 1/3 is 0x3555 in binary16.
        assertThat(bits(1f / 3f)).isEqualTo(0x3555);
        // A carry out of the mantissa moves to the next binade.
        assertThat(bits(2f - 0x1p-12f)).isEqualTo(0x4000);
    }

    @Test
    void handlesOverflowInfinityAndNan() {
        assertThat(bits(65519f)).isEqualTo(0x7BFF);
        assertThat(bits(65520f)).isEqualTo(0x7C00); // tie between max and 2^16 goes to "even" inf
        assertThat(bits(1e10f)).isEqualTo(0x7C00);
        assertThat(bits(-1e10f)).isEqualTo(0xFC00);
        assertThat(bits(Float.POSITIVE_INFINITY)).isEqualTo(0x7C00);
        assertThat(bits(Float.NEGATIVE_INFINITY)).isEqualTo(0xFC00);
        int nan = bits(Float.NaN);
        assertThat(nan & 0x7C00).isEqualTo(0x7C00);
        assertThat(nan & 0x03FF).isNotZero();
        // A NaN whose payload is only in the low bits must not become infinity.
        assertThat(bits(Float.intBitsToFloat(0x7F80_0001)) & 0x03FF).isNotZero();
        assertThat(Float16.toFloat((short) 0x7E00)).isNaN();
        assertThat(Float16.toFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
    }

    @Test
    void handlesSubnormalsAndUnderflow() {
        assertThat(bits(0x1p-25f)).isEqualTo(0x0000); // tie between 0 and 2^-24 goes to 0
        assertThat(bits(Math.nextUp(0x1p-25f))).isEqualTo(0x0001);
        assertThat(bits(3 * 0x1p-25f)).isEqualTo(0x0002); // tie between 1 and 2 units goes to 2
        assertThat(bits(-0x1p-30f)).isEqualTo(0x8000);
        assertThat(bits(Float.MIN_VALUE)).isEqualTo(0x0000);
        // Largest subnormal plus half a unit rounds up into the smallest normal.
        assertThat(bits(0x3FFp-24f + 0x1p-25f)).isEqualTo(0x0400);
        assertThat(Float16.toFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(Float16.toFloat((short) 0x8200)).isEqualTo(-0x1p-15f);
    }

    @Test
    void everyHalfRoundTripsThroughFloat() {
        for (int h = 0; h <= 0xFFFF; h++) {
            float f = Float16.toFloat((short) h);
            if (Float.isNaN(f)) {
                assertThat(h & 0x7C00).isEqualTo(0x7C00);
                continue;
            }
            assertThat(bits(f)).as("half 0x%04x", h).isEqualTo(h);
        }
    }

    @Test
    void randomFloatsEncodeToANearestHalf() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            // Exponents from far below the subnormal range to above the finite range.
            float f = (float) (random.nextDouble(-1, 1) * Math.pow(2, random.nextInt(-30, 17)));
            int h = bits(f);
            float got = Float16.toFloat((short) h);
            if (Math.abs(f) > Float16.MAX_VALUE) {
                continue;
            }
            double err = Math.abs((double) f - got);
            for (int neighbour : new int[] {h - 1, h + 1}) {
                if ((neighbour & 0x7C00) == 0x7C00 || neighbour < 0 || neighbour > 0xFFFF) {
                    continue;
                }
                if (((neighbour ^ h) & 0x8000) != 0) {
                    continue;
                }
                double other = Math.abs((double) f - Float16.toFloat((short) neighbour));
                assertThat(err).as("f=%s h=0x%04x", f, h).isLessThanOrEqualTo(other);
            }
        }
    }
}
