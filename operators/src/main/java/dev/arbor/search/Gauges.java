package dev.arbor.search;

/** Keeps the gauges of {@link EngineMetrics} (requests by state, branches, leases, cells, cache, checkpoints) after every pass. */
final class Gauges implements EngineListener {
    private final EngineMetrics metrics;

    Gauges(EngineMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void afterPass(EngineView view) {
        metrics.activeRequests = view.running().size();
        metrics.queuedRequests = view.queued();
        metrics.liveBranches = view.store().liveBranches();
        metrics.leasesInUse = view.store().nSeqMax() - view.store().available();
        metrics.kvCellsUsed = view.context().kvUsedCells();
        metrics.cacheEntries = view.cache().entries();
        metrics.cacheCells = view.cache().cells();
        dev.arbor.kv.CheckpointStats checkpoints = view.store().checkpointStats();
        metrics.checkpoints = checkpoints.live();
        metrics.checkpointBytes = checkpoints.bytes();
        metrics.checkpointPeakBytes = checkpoints.peakBytes();
        metrics.checkpointRestores = checkpoints.restored();
        metrics.replayedTokens = checkpoints.replayedTokens();
    }
}
