package dev.arbor.flink;

import dev.arbor.annotation.Internal;
import org.apache.flink.metrics.MetricGroup;

/**
 * What an Arbor function of a task slot holds between {@code open} and {@code close}, shared by
 * the DataStream function ({@link TreeSearchFunction}) and the SQL one
 * ({@link dev.arbor.flink.sql.ArborPredictFunction}): the slot's {@link SlotRuntime} on the JVM's
 * shared model, and whether the function is closing.
 *
 * <p>Invariants: {@link #runtime()} is usable from {@link #open} until {@link #close()}; once
 * closing, answers that arrive late (the engine answers pending work CANCELLED while it drains)
 * must be dropped by the caller: the async operator's checkpoint still holds those records and
 * re-issues them on restore. {@link #close()} is idempotent.
 */
@Internal
public final class SlotHolder implements AutoCloseable {
    private final SlotRuntime runtime;
    private volatile boolean closing;

    private SlotHolder(SlotRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * Opens the slot's runtime: takes the model from the JVM's {@link ModelRegistry}, creates the
     * context and engine, and binds the metrics under {@code metricGroup}.
     *
     * @param taskSlots the slots of this TaskManager, which share its cores ({@link TaskSlots})
     * @throws ModelLoadException when the model can never be loaded
     */
    public static SlotHolder open(ArborConfig config, int taskSlots, int capacity, MetricGroup metricGroup) {
        return new SlotHolder(SlotRuntime.open(config, taskSlots, capacity, ModelRegistry.shared(), metricGroup));
    }

    public SlotRuntime runtime() {
        return runtime;
    }

    /** Whether {@link #close()} began: late answers are to be dropped. */
    public boolean isClosing() {
        return closing;
    }

    /** Drains and releases the engine, the context and the model lease. */
    @Override
    public void close() {
        if (!closing) {
            closing = true;
            runtime.close();
        }
    }
}
