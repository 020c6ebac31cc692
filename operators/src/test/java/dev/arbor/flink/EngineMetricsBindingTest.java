package dev.arbor.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.flink.records.PromptRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/**
 * What a slot reports besides the engine's figures: the time its context spends inside llama_decode
 * (sampled on the engine thread), and how its shared model is used in this JVM.
 */
class EngineMetricsBindingTest {
    /** Keeps what is registered in it (and in its subgroups) by name. */
    private static final class Recording extends UnregisteredMetricsGroup {
        final Map<String, Metric> metrics = new HashMap<>();

        @Override
        public <C extends org.apache.flink.metrics.Counter> C counter(String name, C counter) {
            metrics.put(name, counter);
            return counter;
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            metrics.put(name, gauge);
            return gauge;
        }

        @Override
        public <H extends Histogram> H histogram(String name, H histogram) {
            metrics.put(name, histogram);
            return histogram;
        }

        @Override
        public MetricGroup addGroup(String name) {
            return this;
        }

        Object gauge(String name) {
            return ((Gauge<?>) metrics.get(name)).getValue();
        }
    }

    @Test
    void aSlotReportsItsTimeInsideLlamaDecodeAndItsSharedModel() throws Exception {
        ModelRegistry registry = new ModelRegistry();
        Recording first = new Recording();
        Recording second = new Recording();
        try (SlotRuntime slot = SlotRuntime.open(TestSetup.small().build(), 8, registry, first);
                SlotRuntime other = SlotRuntime.open(TestSetup.small().build(), 8, registry, second)) {
            PromptRequest request = TestSetup.request("metrics", "once upon a time");
            assertThat(slot.submit(request).get(60, TimeUnit.SECONDS).getError()).isNull();

            assertThat((Long) first.gauge(EngineMetricsBinding.LLAMA_DECODE_CALLS)).isPositive();
            Histogram decode = (Histogram) first.metrics.get(EngineMetricsBinding.LLAMA_DECODE_LATENCY);
            Histogram steps = (Histogram) first.metrics.get(EngineMetricsBinding.DECODE_STEP_LATENCY);
            assertThat(decode.getCount()).as("one sample per step").isEqualTo(steps.getCount()).isPositive();
            assertThat(decode.getStatistics().getMax()).isPositive();

            assertThat(first.gauge(EngineMetricsBinding.MODEL_LOADS)).as("two slots, one copy").isEqualTo(1);
            assertThat(first.gauge(EngineMetricsBinding.MODEL_USERS)).isEqualTo(2);
            assertThat(second.gauge(EngineMetricsBinding.MODEL_PEAK_USERS)).isEqualTo(2);
            assertThat(second.gauge(EngineMetricsBinding.MODEL_LOAD_FAILURES)).isEqualTo(0);
        }
        assertThat(registry.users(SlotRuntime.modelKey(TestSetup.small().build()))).isZero();
    }
}
