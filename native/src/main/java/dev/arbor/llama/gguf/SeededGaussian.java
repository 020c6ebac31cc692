package dev.arbor.llama.gguf;

/**
 * Counter-based standard normal numbers: the value for (stream, index) is a pure function of
 * the two, so a tensor can be generated element by element, in any order, any number of times,
 * and always gives the same bits.
 *
 * <p>Uniforms come from the SplitMix64 finaliser applied to a Weyl sequence, normals from the
 * Box-Muller transform. {@link StrictMath} is used for log and cos because {@link Math} may use
 * platform intrinsics whose last bit differs between machines, which would break byte-identical
 * model files.
 */
final class SeededGaussian {
    private static final long GOLDEN_GAMMA = 0x9E37_79B9_7F4A_7C15L;
    private static final double TWO_PI = 2 * Math.PI;
    private static final double UNIT_53 = 0x1p-53;

    private SeededGaussian() {
    }

    /** A stream id for sub-stream {@code id} of a user seed; distinct ids give unrelated values. */
    static long stream(long seed, long id) {
        return mix64(mix64(seed) + mix64(id * GOLDEN_GAMMA + 1));
    }

    /** The standard normal value at {@code index} of {@code stream}. */
    static double gaussian(long stream, long index) {
        long base = stream + 2 * index * GOLDEN_GAMMA;
        long h1 = mix64(base + GOLDEN_GAMMA);
        long h2 = mix64(base + 2 * GOLDEN_GAMMA);
        // u1 lies in (0, 1] so that log(u1) is finite.
        double u1 = ((h1 >>> 11) + 1) * UNIT_53;
        double u2 = (h2 >>> 11) * UNIT_53;
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(TWO_PI * u2);
    }

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
