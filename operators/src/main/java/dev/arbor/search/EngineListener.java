package dev.arbor.search;

/**
 * Told what the engine holds after every pass of its loop, on the engine thread: how the metrics'
 * gauges are kept ({@link Gauges}) and how tests check the engine's invariants as it runs. Must be
 * quick and must not block; it may read the view, never change it.
 */
interface EngineListener {
    void afterPass(EngineView view);
}
