package dev.arbor.flink.sql;

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
 * {@code timeout}, or {@code table.exec.async-ml-predict.timeout}); so the engine's own deadline
 * is capped at 90% of it, and a slow row becomes a TIMEOUT row instead. Immutable.
 */
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
        Duration cap = planner.multipliedBy(9).dividedBy(10);
        if (!cap.isZero() && !cap.isNegative() && effective.get(ArborOptions.TIMEOUT).compareTo(cap) > 0) {
            effective = effective.toBuilder().set(ArborOptions.TIMEOUT, cap).build();
        }
        return new ArborPredictFunction(effective, effective.engineCapacity(), hasReference, outputs);
    }

    @Override
    public ModelProvider copy() {
        return new ArborModelProvider(config, plannerTimeout, hasReference, outputs);
    }
}
