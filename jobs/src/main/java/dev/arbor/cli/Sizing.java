package dev.arbor.cli;

import dev.arbor.flink.ArborOptions;
import dev.arbor.flink.TaskSlots;
import dev.arbor.llama.KvSize;
import dev.arbor.llama.LlamaModel;

/**
 * The sizing Arbor picks for a TaskManager on this machine when nothing is configured, for
 * {@code arbor info}: each slot decodes with its share of the cores ({@link TaskSlots}), holds one
 * context of the default n-ctx cells, and all slots share one copy of the model.
 *
 * @param cores the cores this JVM may use
 * @param slots task slots of the TaskManager (an embedded job's parallelism)
 * @param nCtx KV cells of each slot's context
 * @param nSeqMax sequences (branch leases) of each context
 * @param kvBytesPerCell what one cell takes (see {@link KvSize})
 * @param modelBytes the model's weights, loaded once per TaskManager
 */
record Sizing(int cores, int slots, int nCtx, int nSeqMax, long kvBytesPerCell, long modelBytes) {
    /** The defaults for {@code slots} slots of {@code model} on this machine. */
    static Sizing of(LlamaModel model, int slots) {
        return new Sizing(Runtime.getRuntime().availableProcessors(), slots, ArborOptions.N_CTX.defaultValue(),
                ArborOptions.N_SEQ_MAX.defaultValue(), KvSize.bytesPerCell(model), model.sizeBytes());
    }

    int threadsPerSlot() {
        return TaskSlots.defaultThreads(cores, slots);
    }

    long kvBytesPerSlot() {
        return kvBytesPerCell * nCtx;
    }

    /** Weights once, plus every slot's KV cache (compute buffers and the JVM come on top). */
    long taskManagerBytes() {
        return modelBytes + slots * kvBytesPerSlot();
    }

    /** Lines for {@code arbor info}, the first without its label. */
    String describe() {
        return String.format("%d cores, %d slot(s): %d decode thread(s) per slot (context.threads 0 = cores / slots)%n"
                        + "           per slot: n-ctx %,d cells for up to n-seq-max %d branches at once; "
                        + "KV cache %s (%,d bytes per cell)%n"
                        + "           per TaskManager: model %s once + %d x KV = %s, plus compute buffers",
                cores, slots, threadsPerSlot(), nCtx, nSeqMax, mib(kvBytesPerSlot()), kvBytesPerCell,
                mib(modelBytes), slots, mib(taskManagerBytes()));
    }

    private static String mib(long bytes) {
        return String.format("%,.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
