package dev.arbor.kv;

/**
 * A tiny seeded random generator (the SplitMix64 recurrence) whose whole state is one long, so
 * that copying a sampler copies its future exactly and results do not depend on the JDK's
 * random classes. Not thread-safe.
 */
final class SplitMix64 {
    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1), 53 random bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    SplitMix64 copy() {
        SplitMix64 copy = new SplitMix64(0);
        copy.state = state;
        return copy;
    }
}
