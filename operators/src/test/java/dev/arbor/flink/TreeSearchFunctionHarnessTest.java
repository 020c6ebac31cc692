package dev.arbor.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.search.EngineMetrics;
import dev.arbor.search.SearchEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.util.TestingTaskManagerRuntimeInfo;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link TreeSearchFunction} inside Flink's real async operator, driven by Flink's operator test
 * harness: results, snapshot and restore with records in flight, timeouts, close.
 */
@SuppressWarnings("try") // the harness and iterators declare close() throws Exception; fine in tests
class TreeSearchFunctionHarnessTest {
    private static final long ASYNC_TIMEOUT_MS = 30_000;
    private static final int CAPACITY = 16;

    private static OneInputStreamOperatorTestHarness<PromptRequest, SearchResult> harness(TreeSearchFunction function,
            long asyncTimeoutMs) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(function, asyncTimeoutMs, CAPACITY, AsyncDataStream.OutputMode.UNORDERED),
                new AvroSerializer<>(PromptRequest.class));
    }

    private static TreeSearchFunction function(ArborConfig config) {
        return new TreeSearchFunction(config, CAPACITY, Duration.ofMillis(ASYNC_TIMEOUT_MS));
    }

    /** Runs the mails of completed results on this (the mailbox) thread until {@code n} results are out. */
    private static void awaitOutputs(OneInputStreamOperatorTestHarness<?, SearchResult> harness, int n)
            throws Exception {
        TaskMailbox mailbox = harness.getTaskMailbox();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (harness.extractOutputValues().size() < n && System.nanoTime() < deadline) {
            Optional<Mail> mail;
            while ((mail = mailbox.tryTake(TaskMailbox.MIN_PRIORITY)).isPresent()) {
                mail.get().run();
            }
            TestSetup.sleep(2);
        }
        assertThat(harness.extractOutputValues()).as("results out").hasSizeGreaterThanOrEqualTo(n);
    }

    private static List<SearchResult> runToEnd(List<PromptRequest> requests) throws Exception {
        try (var harness = harness(function(TestSetup.small().build()), ASYNC_TIMEOUT_MS)) {
            harness.open();
            for (PromptRequest request : requests) {
                harness.processElement(request, 0L);
            }
            harness.endInput();
            return new ArrayList<>(harness.extractOutputValues());
        }
    }

    @Test
    void everyRecordGetsItsResultCarryingPromptAndMetadata() throws Exception {
        List<PromptRequest> requests = TestSetup.requests("r", 8);
        List<SearchResult> results = runToEnd(requests);

        assertThat(results).extracting(SearchResult::getId)
                .containsExactlyInAnyOrderElementsOf(requests.stream().map(PromptRequest::getId).toList());
        for (SearchResult result : results) {
            PromptRequest request = requests.stream().filter(r -> r.getId().equals(result.getId())).findFirst()
                    .orElseThrow();
            assertThat(result.getError()).as(result.getId()).isNull();
            assertThat(result.getPrompt()).isEqualTo(request.getPrompt());
            assertThat(result.getMetadata()).isEqualTo(request.getMetadata());
            assertThat(result.getWinner().getTokens()).hasSizeBetween(1, 6);
            assertThat(result.getWinner().getRank()).isZero();
            assertThat(result.getStats().getPromptTokens()).isPositive();
            assertThat(result.getCandidates()).as("not asked for").isEmpty();
        }
        assertThat(ModelRegistry.shared().isLoaded(TestSetup.tinyKey())).as("released after close").isFalse();
    }

    @Test
    void eachSlotDecodesWithItsShareOfTheCoresByDefault() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        assumeTrue(cores >= 2, "needs two cores to tell a share from all of them");
        assertThat(threadsOfASlotAmong(1)).as("the only slot").isEqualTo(cores);
        assertThat(threadsOfASlotAmong(2)).as("one of two slots").isEqualTo(cores / 2);
        assertThat(threadsOfASlotAmong(cores * 2)).as("more slots than cores").isEqualTo(1);
    }

    /** The decode threads of a slot opened on a TaskManager that has {@code slots} task slots. */
    private static int threadsOfASlotAmong(int slots) throws Exception {
        Configuration taskManager = new Configuration();
        taskManager.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        MockEnvironment environment = new MockEnvironmentBuilder()
                .setTaskManagerRuntimeInfo(new TestingTaskManagerRuntimeInfo(taskManager)).build();
        TreeSearchFunction function = function(TestSetup.small().set(ArborOptions.THREADS, 0).build());
        try (environment; var harness = new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(function, ASYNC_TIMEOUT_MS, CAPACITY, AsyncDataStream.OutputMode.UNORDERED),
                new AvroSerializer<>(PromptRequest.class), environment)) {
            harness.open();
            return function.runtime().contextParams().threads();
        }
    }

    @Test
    void aSnapshotWithRecordsInFlightRestoresIntoAFreshHarnessAndCompletesEachRecordOnce() throws Exception {
        List<PromptRequest> requests = TestSetup.requests("s", 8);
        Map<String, SearchResult> expected = TestSetup.byId(runToEnd(requests));

        TreeSearchFunction first = function(TestSetup.small().build());
        OperatorSubtaskState snapshot;
        List<SearchResult> emittedBeforeSnapshot;
        try (var harness = harness(first, ASYNC_TIMEOUT_MS)) {
            harness.open();
            for (PromptRequest request : requests.subList(0, 3)) {
                harness.processElement(request, 0L);
            }
            awaitOutputs(harness, 1);
            // Results are emitted only when this thread runs the operator's mails: these five stay in flight.
            for (PromptRequest request : requests.subList(3, 8)) {
                harness.processElement(request, 0L);
            }
            snapshot = harness.snapshot(1L, 1L);
            emittedBeforeSnapshot = new ArrayList<>(harness.extractOutputValues());
        } // closing with records in flight: what it emits now is after the checkpoint, as in a failover
        assertThat(emittedBeforeSnapshot).hasSizeBetween(1, 3);

        List<SearchResult> afterRestore;
        try (var harness = harness(function(TestSetup.small().build()), ASYNC_TIMEOUT_MS)) {
            harness.initializeState(snapshot);
            harness.open(); // re-issues the records held in the snapshot
            harness.endInput();
            afterRestore = new ArrayList<>(harness.extractOutputValues());
        }

        assertThat(afterRestore).hasSize(8 - emittedBeforeSnapshot.size());
        List<SearchResult> all = new ArrayList<>(emittedBeforeSnapshot);
        all.addAll(afterRestore);
        // exactly once: byId fails on a duplicate, and every id is there
        TestSetup.assertSameResults(TestSetup.byId(all), expected);
    }

    @Test
    void theOperatorsTimeoutAnswersTimeoutAndFreesTheSearch() throws Exception {
        TreeSearchFunction function = function(TestSetup.small().build());
        try (var harness = harness(function, 1_000)) {
            harness.setProcessingTime(0);
            harness.open();
            SearchEngine engine = function.runtime().engine();
            CountDownLatch admitted = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // Hold the engine thread at admission, so that the search cannot finish before the timer fires.
            engine.onAdmit(id -> {
                if (id.equals("slow")) {
                    admitted.countDown();
                    awaitQuietly(release);
                }
            });
            harness.processElement(TestSetup.request("slow", "once upon a time"), 0L);
            assertThat(admitted.await(60, TimeUnit.SECONDS)).isTrue();
            harness.setProcessingTime(1_001); // fires the async operator's timer: timeout()
            release.countDown();
            awaitOutputs(harness, 1);

            SearchResult timedOut = harness.extractOutputValues().get(0);
            assertThat(timedOut.getId()).isEqualTo("slow");
            assertThat(timedOut.getWinner()).isNull();
            assertThat(timedOut.getError().getCode()).isEqualTo("TIMEOUT");
            assertThat(timedOut.getMetadata()).containsEntry("id", "slow");
            awaitIdle(engine.metrics());

            // The operator goes on, and the abandoned search never yields a second result.
            harness.processElement(TestSetup.request("next", "we go home"), 0L);
            harness.endInput();
            assertThat(harness.extractOutputValues()).extracting(SearchResult::getId).containsExactly("slow", "next");
            assertThat(harness.extractOutputValues().get(1).getError()).isNull();
        }
    }

    @Test
    void theEnginesOwnDeadlineAnswersTimeout() throws Exception {
        ArborConfig config = TestSetup.small().set(ArborOptions.TIMEOUT, Duration.ofNanos(1)).build();
        try (var harness = harness(function(config), ASYNC_TIMEOUT_MS)) {
            harness.open();
            harness.processElement(TestSetup.request("late", "once upon a time"), 0L);
            harness.endInput();
            SearchResult result = harness.extractOutputValues().get(0);
            assertThat(result.getError().getCode()).isEqualTo("TIMEOUT");
            assertThat(result.getError().getMessage()).contains("did not finish within");
        }
    }

    @Test
    void closeWithRecordsInFlightDrainsTheEngineEmitsNothingAndFreesTheModel() throws Exception {
        TreeSearchFunction function = function(TestSetup.small().set(ArborOptions.MAX_NEW_TOKENS, 40)
                .set(ArborOptions.STOP_AT_EOG, false).build());
        SearchEngine engine;
        var harness = harness(function, ASYNC_TIMEOUT_MS);
        try {
            harness.open();
            engine = function.runtime().engine();
            assertThat(ModelRegistry.shared().users(TestSetup.tinyKey())).isEqualTo(1);
            for (PromptRequest request : TestSetup.requests("c", 8)) {
                harness.processElement(request, 0L);
            }
        } finally {
            harness.close();
        }
        // Anything not emitted is in the checkpoint and will be re-issued: close must not answer it (CANCELLED).
        assertThat(harness.extractOutputValues()).noneMatch(r -> r.getError() != null);
        assertThat(engine.metrics().leasesInUse()).as("branches drained").isZero();
        assertThat(engine.metrics().activeRequests()).isZero();
        assertThat(engine.submit(dev.arbor.search.SearchRequest.builder("after").prompt("hi").build())
                .get().error().code()).isEqualTo(dev.arbor.search.ErrorCode.CANCELLED);
        assertThat(function.runtime()).isNull();
        assertThat(ModelRegistry.shared().users(TestSetup.tinyKey())).isZero();
        assertThat(ModelRegistry.shared().isLoaded(TestSetup.tinyKey())).isFalse();
    }

    @Test
    void endInputThenCloseEmitsEverythingFirst() throws Exception {
        TreeSearchFunction function = function(TestSetup.small().build());
        Set<String> ids = new HashSet<>();
        try (var harness = harness(function, ASYNC_TIMEOUT_MS)) {
            harness.open();
            for (PromptRequest request : TestSetup.requests("e", 6)) {
                harness.processElement(request, 0L);
            }
            harness.endInput();
            harness.extractOutputValues().forEach(r -> ids.add(r.getId()));
        }
        assertThat(ids).hasSize(6);
        assertThat(ModelRegistry.shared().isLoaded(TestSetup.tinyKey())).isFalse();
    }

    private static void awaitIdle(EngineMetrics metrics) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((metrics.activeRequests() > 0 || metrics.leasesInUse() > 0) && System.nanoTime() < deadline) {
            TestSetup.sleep(5);
        }
        assertThat(metrics.activeRequests()).isZero();
        assertThat(metrics.leasesInUse()).as("the timed-out search's branches are freed").isZero();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
