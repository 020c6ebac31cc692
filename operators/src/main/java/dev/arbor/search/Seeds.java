package dev.arbor.search;

import java.nio.charset.StandardCharsets;

/**
 * Sampling seeds derived from (request id, request seed, branch index) alone, so that a request
 * samples the same tokens whatever else shares its batches, and again after a restart.
 */
final class Seeds {
    private Seeds() {}

    static long derive(String requestId, long seed, int index) {
        long hash = 0xCBF29CE484222325L; // FNV-1a over the id's UTF-8 bytes
        for (byte b : requestId.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return mix(mix(hash ^ mix(seed)) + index * 0x9E3779B97F4A7C15L);
    }

    /** The SplitMix64 finalizer: spreads every input bit over the whole output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
