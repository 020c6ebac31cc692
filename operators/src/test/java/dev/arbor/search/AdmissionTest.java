package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.LlamaModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** 50 requests into a context that holds 3 at a time: all complete, admitted first come first served. */
class AdmissionTest {
    @Test
    void fiftyRequestsThroughThreeSlotsAreAdmittedInOrder() throws Exception {
        try (LlamaModel model = LlamaModel.load(SearchTestModels.tiny());
                EngineFixture fixture = new EngineFixture(model, 2048, 6)) {
            List<String> admitted = Collections.synchronizedList(new ArrayList<>());
            fixture.engine.onAdmit(admitted::add);
            AtomicInteger peakLeases = new AtomicInteger();
            AtomicInteger peakActive = new AtomicInteger();
            AtomicBoolean watching = new AtomicBoolean(true);
            Thread watcher = new Thread(() -> {
                while (watching.get()) {
                    peakLeases.accumulateAndGet(fixture.engine.metrics().leasesInUse(), Math::max);
                    peakActive.accumulateAndGet(fixture.engine.metrics().activeRequests(), Math::max);
                    Thread.onSpinWait();
                }
            });
            watcher.start();
            List<String> submitted = new ArrayList<>();
            List<CompletableFuture<SearchOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String id = "request-" + i;
                submitted.add(id);
                futures.add(fixture.engine.submit(SearchRequest.builder(id).prompt("story number " + i + " begins")
                        .strategy(i % 2 == 0 ? SearchStrategy.BEAM : SearchStrategy.BEST_OF_N).width(2).maxNewTokens(4 + i % 5)
                        .build()));
            }
            for (CompletableFuture<SearchOutcome> future : futures) {
                SearchOutcome result = future.get();
                assertThat(result.isError()).as(result.id()).isFalse();
                assertThat(result.stats().peakLeases()).isLessThanOrEqualTo(2);
            }
            watching.set(false);
            watcher.join();
            assertThat(admitted).containsExactlyElementsOf(submitted);
            assertThat(peakLeases.get()).isLessThanOrEqualTo(6);
            assertThat(peakActive.get()).isLessThanOrEqualTo(3);
            assertThat(futures.stream().mapToLong(f -> f.join().stats().queuedMs()).max().orElse(0)).isPositive();
            fixture.assertIdleAndEmpty();
        }
    }
}
