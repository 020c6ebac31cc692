package dev.arbor.flink;

import dev.arbor.annotation.Internal;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;

/**
 * How many task slots of this TaskManager share its cores: what the default threads per slot
 * ({@link ArborOptions#THREADS} 0) divides the cores by.
 *
 * <p>Why: ggml's decode threads meet at a spinning barrier after every operation, so slots that
 * each take every core run many times slower than one at a time (10-20x on 2 cores). A slot's
 * default is therefore its share, cores / slots, never less than one thread.
 *
 * <p>Where the count comes from: the TaskManager's {@code taskmanager.numberOfTaskSlots} when the
 * function can see the TaskManager's configuration (the DataStream operator can). An SQL function
 * cannot, so it assumes one slot per parallel subtask up to one per core: exact for an embedded job
 * (its one TaskManager has a slot per subtask), at worst too few threads on a cluster, where
 * {@code arbor.context.threads} should then be set.
 */
@Internal
public final class TaskSlots {
    private TaskSlots() {}

    /** The slots of the TaskManager that runs {@code context}. */
    public static int of(RuntimeContext context) {
        if (context instanceof StreamingRuntimeContext streaming) {
            return Math.max(1, streaming.getTaskManagerRuntimeInfo().getConfiguration()
                    .get(TaskManagerOptions.NUM_TASK_SLOTS));
        }
        return fromParallelism(context.getTaskInfo());
    }

    /** One slot per parallel subtask of {@code task}, at most one per core. */
    public static int fromParallelism(TaskInfo task) {
        int cores = Runtime.getRuntime().availableProcessors();
        return Math.max(1, Math.min(cores, task.getNumberOfParallelSubtasks()));
    }

    /** Threads each of {@code slots} slots decodes with by default on {@code cores} cores. */
    public static int defaultThreads(int cores, int slots) {
        return Math.max(1, cores / Math.max(1, slots));
    }
}
