package dev.arbor.flink.sql;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.ArborConfig;
import dev.arbor.flink.RecordMapping;
import dev.arbor.flink.SlotHolder;
import dev.arbor.flink.TaskSlots;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.search.ErrorCode;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

/**
 * ML_PREDICT's function for an {@code arbor} model: each parallel instance runs one
 * {@link SlotRuntime} (a context and search engine on the JVM's shared model) and answers every
 * input row with exactly one row of the model's output columns.
 *
 * <p>Input: the first DESCRIPTOR column is the prompt; a second, when the model's input declares
 * it, is the reference continuation to score. The row's record id, which seeds sampling, is the
 * prompt itself, so a prompt always gets the same answer (also after a restore). Bad input (a
 * NULL or empty prompt, one too long, ...) gives a row with NULL results and the error columns
 * set; it never fails the query. Every row is answered before the planner's async timeout, with a
 * TIMEOUT row if need be ({@link AnswerDeadline}). Public and serializable: the planner
 * instantiates it from the plan.
 */
@Internal
public class ArborPredictFunction extends AsyncPredictFunction {
    private static final long serialVersionUID = 1L;

    private final ArborConfig config;
    private final int capacity;
    private final boolean hasReference;
    private final List<OutputColumn> outputs;
    private final AnswerDeadline deadline;

    private transient SlotHolder slot;
    private transient ScheduledThreadPoolExecutor timer;

    ArborPredictFunction(ArborConfig config, int capacity, boolean hasReference, List<OutputColumn> outputs,
            AnswerDeadline deadline) {
        this.config = config;
        this.capacity = capacity;
        this.hasReference = hasReference;
        this.outputs = List.copyOf(outputs);
        this.deadline = deadline;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        super.open(context);
        slot = SlotHolder.open(config, TaskSlots.fromParallelism(context.getTaskInfo()), capacity,
                context.getMetricGroup());
        timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "arbor-predict-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // answered rows must not keep their task until the deadline
        // The first row's clock runs from the planner's timer: class loading must not eat its margin.
        row(new RecordMapping(config).errorResult(PromptRequest.newBuilder().setId("").build(), ErrorCode.TIMEOUT,
                "warm-up"));
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncPredict(RowData input) {
        long arrival = System.nanoTime(); // the planner's timer runs already: count from here, not later
        String prompt = string(input, 0);
        PromptRequest.Builder request = PromptRequest.newBuilder()
                .setId(prompt == null ? "" : prompt)
                .setPrompt(prompt);
        if (hasReference) {
            request.setReference(string(input, 1));
        }
        CompletableFuture<Collection<RowData>> rows = new CompletableFuture<>();
        SlotHolder holder = slot;
        PromptRequest record = request.build();
        if (deadline.atOnce()) {
            rows.complete(row(holder.runtime().timedOut(record, deadline.message())));
            return rows;
        }
        CompletableFuture<SearchResult> result = holder.runtime().submit(record);
        result.thenAccept(answer -> {
            // While closing, pending rows are answered CANCELLED by the engine: leave them unanswered, as
            // the DataStream operator does; the async operator's checkpoint holds them for a restore.
            if (!holder.isClosing()) {
                rows.complete(row(answer));
            }
        });
        // The planner fails the job if its own timer fires first: answer TIMEOUT before it, whatever
        // the engine is doing. Cancelling succeeds only if no answer came, and frees the branches.
        ScheduledFuture<?> due = timer.schedule(() -> {
            if (!holder.isClosing() && result.cancel(false)) {
                rows.complete(row(holder.runtime().timedOut(record, deadline.message())));
            }
        }, deadline.within().toNanos() - (System.nanoTime() - arrival), TimeUnit.NANOSECONDS);
        result.whenComplete((answer, failure) -> due.cancel(false));
        return rows;
    }

    private Collection<RowData> row(SearchResult result) {
        GenericRowData row = new GenericRowData(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            row.setField(i, outputs.get(i).read(result));
        }
        return List.of(row);
    }

    private static String string(RowData row, int index) {
        if (row.getArity() <= index || row.isNullAt(index)) {
            return null;
        }
        StringData value = row.getString(index);
        return value == null ? null : value.toString();
    }

    /** Drains and releases the slot's engine, context and model lease. */
    @Override
    public void close() throws Exception {
        try {
            if (timer != null) {
                timer.shutdownNow();
            }
            if (slot != null) {
                slot.close();
            }
        } finally {
            timer = null;
            slot = null;
            super.close();
        }
    }
}
