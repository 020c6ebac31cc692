package dev.arbor.search;

/**
 * How a {@link SearchEngine} keeps the KV cells of prompt prefixes across requests (its prefix
 * cache; see {@link PrefixCache} for the policy).
 *
 * @param enabled whether the engine keeps prefixes at all; with per-sequence KV streams it never
 *     does (a fork there copies whole sequences, and part of one cannot be shared)
 * @param maxCells most KV cells the cache may keep on its own (cells no running request holds);
 *     0: no limit but the context, since entries always give way to requests
 * @param minPrefixTokens the shortest prefix worth keeping or starting from
 * @param checkpointInterval on models whose decodes overwrite history (sliding window, recurrent,
 *     hybrid), a prompt's prefill keeps a checkpoint every this many tokens, besides those at the
 *     points where prompts are known to part and just before the prompt's end; 0: only those
 */
@dev.arbor.annotation.PublicApi
public record PrefixCacheConfig(boolean enabled, int maxCells, int minPrefixTokens, int checkpointInterval) {
    /** What {@link #defaults()} starts from: shorter prefixes save too little prefill to be worth a lease. */
    public static final int DEFAULT_MIN_PREFIX_TOKENS = 16;
    /** What {@link #defaults()} starts from: a prefix is cached no more than this many tokens short of where it parts. */
    public static final int DEFAULT_CHECKPOINT_INTERVAL = 256;

    /** No prefix cache: every request prefills its whole prompt. */
    public static final PrefixCacheConfig DISABLED = new PrefixCacheConfig(false, 0, DEFAULT_MIN_PREFIX_TOKENS);

    public PrefixCacheConfig {
        if (maxCells < 0) {
            throw new IllegalArgumentException("maxCells must be >= 0 (0: no limit), was " + maxCells);
        }
        if (minPrefixTokens < 1) {
            throw new IllegalArgumentException("minPrefixTokens must be >= 1, was " + minPrefixTokens);
        }
        if (checkpointInterval < 0) {
            throw new IllegalArgumentException("checkpointInterval must be >= 0 (0: none), was " + checkpointInterval);
        }
    }

    /** With the default checkpoint interval. */
    public PrefixCacheConfig(boolean enabled, int maxCells, int minPrefixTokens) {
        this(enabled, maxCells, minPrefixTokens, DEFAULT_CHECKPOINT_INTERVAL);
    }

    /** Enabled, no cell limit beyond the context, prefixes of at least {@value #DEFAULT_MIN_PREFIX_TOKENS} tokens. */
    public static PrefixCacheConfig defaults() {
        return new PrefixCacheConfig(true, 0, DEFAULT_MIN_PREFIX_TOKENS);
    }
}
