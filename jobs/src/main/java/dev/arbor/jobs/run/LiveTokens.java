package dev.arbor.jobs.run;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.EngineMetricsBinding;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Tokens generated so far by every search engine of the jobs that run in this JVM, as they are
 * generated: a Flink metric reporter that watches each subtask's
 * {@value EngineMetricsBinding#GENERATED_TOKENS_PER_SECOND} meter (whose count is the engine's
 * running total). The progress line reads {@link #total()}; accumulators would only count the
 * tokens of finished records. Only an in-process MiniCluster has its reporters in this JVM: on a
 * remote cluster the total stays -1 ("unknown").
 *
 * <p>Totals of subtasks that ended are kept, so the total never goes down.
 */
@Internal
public final class LiveTokens implements MetricReporter {
    private static final Map<Meter, Boolean> LIVE = new ConcurrentHashMap<>();
    private static final AtomicLong ENDED = new AtomicLong();
    private static volatile boolean reporting;

    /** Adds the reporter to a configuration of a MiniCluster this JVM starts. */
    public static void addTo(Configuration flink) {
        flink.setString("metrics.reporter.arbor-live-tokens.factory.class", Factory.class.getName());
    }

    /** Tokens generated so far in this JVM, or -1 when no reporter runs here. */
    public static long total() {
        if (!reporting) {
            return -1;
        }
        long total = ENDED.get();
        for (Meter meter : LIVE.keySet()) {
            total += meter.getCount();
        }
        return total;
    }

    @Override
    public void open(MetricConfig config) {
        reporting = true;
    }

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Meter meter && name.equals(EngineMetricsBinding.GENERATED_TOKENS_PER_SECOND)) {
            LIVE.put(meter, Boolean.TRUE);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Meter meter && LIVE.remove(meter) != null) {
            ENDED.addAndGet(meter.getCount());
        }
    }

    /** How Flink creates the reporter (named in the configuration by {@link #addTo}). */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new LiveTokens();
        }
    }
}
