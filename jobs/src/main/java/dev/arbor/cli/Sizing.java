package dev.arbor.cli;

import dev.arbor.flink.ArborOptions;
import dev.arbor.flink.TaskSlots;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.MemorySizing;

/**
 * The sizing Arbor picks for a TaskManager on this machine when nothing is configured, for
 * {@code arbor info}: each slot decodes with its share of the cores ({@link TaskSlots}), holds one
 * context of the default n-ctx cells and n-seq-max sequences, and all slots share one copy of the
 * model. What the context's memory takes depends on the model's memory kind ({@link MemorySizing}):
 * attention cells, a window cache, a recurrent state per sequence.
 *
 * @param cores the cores this JVM may use
 * @param slots task slots of the TaskManager (an embedded job's parallelism)
 * @param context each slot's context, as the defaults make it
 * @param memory what the model's memory costs
 * @param modelBytes the model's weights, loaded once per TaskManager
 */
record Sizing(int cores, int slots, ContextParams context, MemorySizing memory, long modelBytes) {
    /** The defaults for {@code slots} slots of {@code model} on this machine. */
    static Sizing of(LlamaModel model, int slots) {
        int cores = Runtime.getRuntime().availableProcessors();
        ContextParams context = ContextParams.builder().nCtx(ArborOptions.N_CTX.defaultValue())
                .nBatch(ArborOptions.N_BATCH.defaultValue()).nSeqMax(ArborOptions.N_SEQ_MAX.defaultValue())
                .threads(TaskSlots.defaultThreads(cores, slots)).swaFull(ArborOptions.SWA_FULL.defaultValue()).build();
        return new Sizing(cores, slots, context, MemorySizing.measure(model), model.sizeBytes());
    }

    int threadsPerSlot() {
        return context.threads();
    }

    long memoryBytesPerSlot() {
        return memory.contextBytes(context);
    }

    /** Weights once, plus every slot's memory (compute buffers and the JVM come on top). */
    long taskManagerBytes() {
        return modelBytes + slots * memoryBytesPerSlot();
    }

    /** Lines for {@code arbor info}, the first without its label. */
    String describe() {
        StringBuilder lines = new StringBuilder(String.format("%d cores, %d slot(s): %d decode thread(s) per slot "
                + "(context.threads 0 = cores / slots)%n", cores, slots, threadsPerSlot()));
        lines.append(String.format("           per slot: n-ctx %,d cells for up to n-seq-max %d branches at once; "
                + "KV cache %s (%,d bytes per cell)%n", context.nCtx(), context.nSeqMax(),
                mib(memory.bytesPerCell() * context.nCtx()), memory.bytesPerCell()));
        if (memory.windowBytesPerCell() > 0) {
            lines.append(String.format("           + window cache %,d cells x %,d bytes = %s (context.swa-full %s)%n",
                    memory.windowCells(context), memory.windowBytesPerCell(),
                    mib(memory.windowBytesPerCell() * memory.windowCells(context)), context.swaFull()));
        }
        if (memory.stateBytes() > 0) {
            lines.append(String.format("           + recurrent state %s per sequence x %d = %s%n",
                    mib(memory.stateBytes()), context.nSeqMax(), mib(memory.stateBytes() * context.nSeqMax())));
        }
        lines.append(String.format("           a branch: %,d bytes per token", memory.bytesPerToken()));
        if (memory.memory().overwritesHistory()) {
            lines.append(String.format("; a checkpoint (to go back exactly) up to %s",
                    mib(memory.checkpointBytes(Integer.MAX_VALUE, context))));
        }
        lines.append(String.format("%n           per TaskManager: model %s once + %d x memory %s = %s, plus compute "
                + "buffers", mib(modelBytes), slots, mib(memoryBytesPerSlot()), mib(taskManagerBytes())));
        return lines.toString();
    }

    private static String mib(long bytes) {
        return String.format("%,.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
