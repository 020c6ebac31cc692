package dev.arbor.kv;

/**
 * What a store's checkpoints hold and what they did, for metrics ({@link BranchStore#checkpointStats()}).
 *
 * @param live checkpoints held now (one shared by many branches counts once)
 * @param bytes what they hold
 * @param peakBytes the most they held at once over the store's life
 * @param maxBytes the store's budget; {@code bytes <= peakBytes <= maxBytes} always
 * @param taken checkpoints taken over the store's life
 * @param skipped checkpoints not taken because the budget was spent
 * @param restored restores of a checkpoint into a sequence (forkAt and truncate below a head)
 * @param replayedTokens tokens decoded again from a checkpoint below the position asked for
 */
@dev.arbor.annotation.PublicApi
public record CheckpointStats(int live, long bytes, long peakBytes, long maxBytes, long taken, long skipped, long restored,
        long replayedTokens) {}
