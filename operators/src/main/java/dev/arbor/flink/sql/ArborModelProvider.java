package dev.arbor.flink.sql;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.ArborConfig;
import dev.arbor.flink.ArborOptions;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.config.MLPredictRuntimeConfigOptions;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;

/**
 * The runtime side of an {@code arbor} model: creates the {@link ArborPredictFunction} of each
 * ML_PREDICT call, with the query's CONFIG overrides applied.
 *
 * <p>The planner fails the job when a row outlives its async timeout (ML_PREDICT's
 * {@code timeout}, or {@code table.exec.async-ml-predict.timeout}); so every row is answered a
 * margin before it ({@link AnswerDeadline}): the engine's own deadline is capped there, and the
 * function answers TIMEOUT there whatever the engine is doing. Immutable.
 */
@Internal
public final class ArborModelProvider implements AsyncPredictRuntimeProvider {
    private final ArborConfig config;
    private final Duration plannerTimeout;
    private final boolean hasReference;
    private final List<OutputColumn> outputs;

    ArborModelProvider(ArborConfig config, Duration plannerTimeout, boolean hasReference, List<OutputColumn> outputs) {
        this.config = config;
        this.plannerTimeout = plannerTimeout;
        this.hasReference = hasReference;
        this.outputs = List.copyOf(outputs);
    }

    @Override
    public AsyncPredictFunction createAsyncPredictFunction(ModelProvider.Context context) {
        ReadableConfig query = context.runtimeConfig();
        ArborConfig effective;
        try {
            effective = SqlOptions.withQueryOverrides(config, query);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("Invalid ML_PREDICT CONFIG for an arbor model: " + e.getMessage(), e);
        }
        Duration planner = query.getOptional(MLPredictRuntimeConfigOptions.ASYNC_TIMEOUT).orElse(plannerTimeout);
        AnswerDeadline deadline = AnswerDeadline.before(planner);
        if (!deadline.atOnce() && effective.get(ArborOptions.TIMEOUT).compareTo(deadline.within()) > 0) {
            effective = effective.toBuilder().set(ArborOptions.TIMEOUT, deadline.within()).build();
        }
        return new ArborPredictFunction(effective, effective.engineCapacity(), hasReference, outputs, deadline);
    }

    @Override
    public ModelProvider copy() {
        return new ArborModelProvider(config, plannerTimeout, hasReference, outputs);
    }
}
