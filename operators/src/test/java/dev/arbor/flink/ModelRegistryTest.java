package dev.arbor.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.llama.LlamaException;
import dev.arbor.llama.LlamaModel;
import dev.arbor.search.SearchTestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One loaded model per (file, GPU layers) per JVM, shared by the task slots, freed by its last user. */
@SuppressWarnings("try") // CloseableIterator.close() throws Exception; fine in tests
class ModelRegistryTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4)
                    .build());

    private static final AtomicBoolean ALL_SLOTS_OPEN = new AtomicBoolean();

    @Test
    void leasesOfOneKeyShareOneModelAndTheLastCloseFreesIt() {
        ModelRegistry registry = new ModelRegistry();
        ModelRegistry.Key key = TestSetup.tinyKey();
        ModelRegistry.Lease first = registry.acquire(key);
        ModelRegistry.Lease second = registry.acquire(key);
        LlamaModel model = first.model();

        assertThat(second.model()).isSameAs(model);
        assertThat(registry.loads(key)).isEqualTo(1);
        assertThat(registry.users(key)).isEqualTo(2);

        first.close();
        first.close(); // a lease releases once
        assertThat(registry.users(key)).isEqualTo(1);
        assertThat(model.isClosed()).isFalse();
        assertThatThrownBy(first::model).isInstanceOf(IllegalStateException.class);

        second.close();
        assertThat(model.isClosed()).as("the last close frees the model").isTrue();
        assertThat(registry.isLoaded(key)).isFalse();

        try (ModelRegistry.Lease again = registry.acquire(key)) {
            assertThat(again.model()).isNotSameAs(model);
            assertThat(registry.loads(key)).isEqualTo(2);
        }
        assertThat(registry.peakUsers(key)).isEqualTo(2);
    }

    @Test
    void concurrentFirstUsersWaitForOneLoad() throws Exception {
        ModelRegistry registry = new ModelRegistry();
        ModelRegistry.Key key = TestSetup.tinyKey();
        int users = 4;
        CyclicBarrier start = new CyclicBarrier(users);
        ExecutorService pool = Executors.newFixedThreadPool(users);
        List<ModelRegistry.Lease> leases = new ArrayList<>();
        try {
            List<Future<ModelRegistry.Lease>> futures = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return registry.acquire(key);
                }));
            }
            for (Future<ModelRegistry.Lease> future : futures) {
                leases.add(future.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.loads(key)).isEqualTo(1);
        assertThat(leases).extracting(ModelRegistry.Lease::model).containsOnly(leases.get(0).model());
        LlamaModel model = leases.get(0).model();
        leases.forEach(ModelRegistry.Lease::close);
        assertThat(model.isClosed()).isTrue();
    }

    @Test
    void keysIdentifyTheFileAndTheGpuLayers() {
        Path tiny = SearchTestModels.tiny();
        assertThat(new ModelRegistry.Key(tiny.getParent().resolve("x/../" + tiny.getFileName()), 0))
                .isEqualTo(new ModelRegistry.Key(tiny, 0));
        assertThat(new ModelRegistry.Key(tiny, 1)).isNotEqualTo(new ModelRegistry.Key(tiny, 0));
    }

    @Test
    void aModelThatCannotLoadRegistersNothing() {
        ModelRegistry registry = new ModelRegistry();
        ModelRegistry.Key missing = new ModelRegistry.Key(Path.of("/nonexistent/model.gguf"), 0);
        assertThatThrownBy(() -> registry.acquire(missing)).isInstanceOf(LlamaException.class)
                .hasMessageContaining("/nonexistent/model.gguf");
        assertThat(registry.isLoaded(missing)).isFalse();
        assertThat(registry.loads(missing)).isZero();
    }

    @Test
    void fourSlotsOfOneTaskManagerLoadTheModelOnceAndTheLastCloseFreesIt() throws Exception {
        ModelRegistry registry = ModelRegistry.shared();
        ModelRegistry.Key key = TestSetup.tinyKey();
        assertThat(registry.isLoaded(key)).isFalse();
        int loadsBefore = registry.loads(key);

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(4);
        List<PromptRequest> requests = TestSetup.requests("p", 16);
        List<SearchResult> results = new ArrayList<>();
        try (var collected = TreeSearch.with(TestSetup.small().build())
                .apply(env.fromData(requests, new AvroTypeInfo<>(PromptRequest.class)))
                .all()
                .map(new AwaitAllSlotsOpen()).returns(new AvroTypeInfo<>(SearchResult.class))
                .executeAndCollect()) {
            collected.forEachRemaining(results::add); // ends when the job has finished
        }
        TestSetup.awaitReleased(key);

        assertThat(results).hasSize(16).allSatisfy(r -> assertThat(r.getError()).isNull());
        assertThat(ALL_SLOTS_OPEN).as("four slots held the model at once").isTrue();
        assertThat(registry.loads(key) - loadsBefore).as("loads of the model").isEqualTo(1);
        assertThat(registry.users(key)).isZero();
        assertThat(registry.isLoaded(key)).as("freed by the last slot's close").isFalse();
    }

    /**
     * Holds each subtask at its first result until all four slots hold the model at the same time,
     * so that no slot can finish and release it before the last one opens (which would load it again).
     */
    static final class AwaitAllSlotsOpen implements MapFunction<SearchResult, SearchResult> {
        private static final long serialVersionUID = 1L;

        @Override
        public SearchResult map(SearchResult result) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!ALL_SLOTS_OPEN.get()) {
                if (ModelRegistry.shared().users(TestSetup.tinyKey()) >= 4) {
                    ALL_SLOTS_OPEN.set(true);
                } else if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("four slots never held the model at once");
                } else {
                    Thread.sleep(5);
                }
            }
            return result;
        }
    }
}
