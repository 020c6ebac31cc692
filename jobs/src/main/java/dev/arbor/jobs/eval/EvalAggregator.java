package dev.arbor.jobs.eval;

import dev.arbor.annotation.Internal;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessAllWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The windowed aggregates of evaluation scores: {@link Sum} folds a window's scores into
 * {@link EvalTotals} incrementally (no per-item state), {@link Emit} stamps the window and logs
 * the aggregate as it is emitted.
 */
@Internal
public final class EvalAggregator {
    private static final Logger LOG = LoggerFactory.getLogger(EvalAggregator.class);

    private EvalAggregator() {}

    /** Incremental sums of one window. */
    public static final class Sum implements AggregateFunction<EvalScore, EvalTotals, EvalTotals> {
        private static final long serialVersionUID = 1L;

        @Override
        public EvalTotals createAccumulator() {
            return new EvalTotals();
        }

        @Override
        public EvalTotals add(EvalScore score, EvalTotals totals) {
            return totals.add(score);
        }

        @Override
        public EvalTotals getResult(EvalTotals totals) {
            return totals;
        }

        @Override
        public EvalTotals merge(EvalTotals a, EvalTotals b) {
            return a.merge(b);
        }
    }

    /** Turns a window's totals into its {@link EvalAggregate} and logs it. */
    public static final class Emit extends ProcessAllWindowFunction<EvalTotals, EvalAggregate, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(Context context, Iterable<EvalTotals> totals, Collector<EvalAggregate> out) {
            for (EvalTotals total : totals) {
                // A timer fires at the window's last millisecond (end - 1) of the system clock (processing
                // time): that is a complete window. A drain fires it earlier (see FlushOnDrainTrigger).
                EvalAggregate aggregate = EvalAggregate.of(total, context.window().getStart(),
                        context.window().getEnd(), System.currentTimeMillis() + 1);
                LOG.info("eval {}", aggregate);
                out.collect(aggregate);
            }
        }
    }
}
