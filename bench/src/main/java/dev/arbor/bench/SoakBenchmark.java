package dev.arbor.bench;

import dev.arbor.annotation.Internal;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import dev.arbor.search.EngineMetrics;
import dev.arbor.search.SearchEngine;
import dev.arbor.search.SearchOutcome;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code arbor bench Soak}: many mixed requests ({@link SoakMix}: beam search, best-of-n,
 * cancelled, timed out, rejected) through one engine, in rounds of a thousand, as a long-running
 * job would see them. After every round the engine must be idle with every lease and KV cell free;
 * at the end, the heap after a full collection and the resident set size must be flat within
 * {@value #FLAT_PERCENT}% between the end of the second round (everything warmed up) and the end of
 * the last. Not a JMH benchmark and not part of {@code mvn verify}: it takes minutes.
 *
 * <p>Prints one line per round and a verdict; throws when an invariant does not hold, so the
 * command exits with a failure.
 */
@Internal
public final class SoakBenchmark {
    static final int ROUND = 1000;
    static final double FLAT_PERCENT = 5.0;

    private final int requests;
    private final Map<String, Long> outcomes = new TreeMap<>();
    private final List<MemorySample> samples = new ArrayList<>();

    private SoakBenchmark(int requests) {
        if (requests < 3 * ROUND || requests % ROUND != 0) {
            throw new IllegalArgumentException("requests must be a multiple of " + ROUND + ", at least " + 3 * ROUND);
        }
        this.requests = requests;
    }

    /**
     * Runs {@code requests} requests (a multiple of 1000, at least 3000) on the synthetic model of
     * {@code size}, in a JVM of its own whose heap is fixed and touched up front ({@value #HEAP})
     * and that compiles with C1 only, so that the resident set size moves with what the code
     * allocates, not with the garbage collector resizing the heap or the JIT compiler's arenas.
     *
     * @throws IllegalStateException when the soak run found a problem (it says which)
     */
    public static void run(int requests, String size) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!argument.startsWith("-Xm") && !argument.startsWith("-agentlib")) {
                command.add(argument); // -D settings (threads, native library) go along
            }
        }
        // C1 only: the C2 compiler's arenas come and go by tens of megabytes for minutes, which would
        // drown what the soak looks for; Arbor's own work is in llama.cpp either way.
        command.addAll(List.of(HEAP, HEAP.replace("-Xmx", "-Xms"), "-XX:+AlwaysPreTouch", "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"), SoakBenchmark.class.getName(), Integer.toString(requests),
                size));
        int code = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (code != 0) {
            throw new IllegalStateException("the soak run failed (see above)");
        }
    }

    static final String HEAP = "-Xmx64m";

    /** The soak run itself: {@code SoakBenchmark <requests> <size>}; exit code 1 when it found a problem. */
    public static void main(String[] args) {
        try {
            new SoakBenchmark(Integer.parseInt(args[0])).soak(args[1]);
        } catch (Exception e) {
            System.out.println("soak: " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    private void soak(String size) throws Exception {
        System.out.printf(Locale.ROOT, "== soak: %d mixed requests through one engine (%s model, %d threads, "
                + "heap %s)%n", requests, size, BenchModels.threads(), HEAP);
        System.out.println("   round   done   wall s   heap MiB   RSS MiB   leases  KV cells   outcomes so far");
        long start = System.nanoTime();
        ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor();
        try (LlamaModel model = LlamaModel.load(BenchModels.file(size));
                LlamaContext context = LlamaContext.create(model, ContextParams.builder().nCtx(4096).nBatch(512)
                        .nSeqMax(16).threads(BenchModels.threads()).build())) {
            SearchEngine engine = new SearchEngine(context);
            try {
                for (int round = 0; round < requests / ROUND; round++) {
                    runRound(engine, round, canceller);
                    awaitIdle(engine.metrics());
                    MemorySample sample = MemorySample.take();
                    samples.add(sample);
                    EngineMetrics metrics = engine.metrics();
                    System.out.printf(Locale.ROOT, "   %5d  %5d  %7.1f  %9.1f  %8.1f  %7d  %8d   %s%n", round + 1,
                            (round + 1) * ROUND, (System.nanoTime() - start) / 1e9, mib(sample.heapBytes()),
                            mib(sample.rssBytes()), metrics.leasesInUse(), metrics.kvCellsUsed(), outcomes);
                    if (metrics.leasesInUse() != 0 || metrics.kvCellsUsed() != 0 || metrics.liveBranches() != 0) {
                        throw new IllegalStateException("after round " + (round + 1) + " the idle engine holds "
                                + metrics.leasesInUse() + " leases, " + metrics.kvCellsUsed() + " KV cells and "
                                + metrics.liveBranches() + " branches");
                    }
                }
                verdict(engine.metrics());
            } finally {
                engine.close();
            }
        } finally {
            canceller.shutdownNow();
        }
    }

    private void runRound(SearchEngine engine, int round, ScheduledExecutorService canceller) throws Exception {
        Semaphore inFlight = new Semaphore(engine.capacity());
        List<CompletableFuture<SearchOutcome>> futures = new ArrayList<>(ROUND);
        for (int i = round * ROUND; i < (round + 1) * ROUND; i++) {
            inFlight.acquire();
            CompletableFuture<SearchOutcome> future = engine.submit(SoakMix.request(i));
            future.whenComplete((result, failure) -> inFlight.release());
            if (SoakMix.kind(i) == SoakMix.Kind.CANCELLED) {
                canceller.schedule(() -> future.cancel(false), i % 7, TimeUnit.MILLISECONDS);
            }
            futures.add(future);
        }
        for (int i = 0; i < futures.size(); i++) {
            count(round * ROUND + i, futures.get(i));
        }
    }

    private void count(int i, CompletableFuture<SearchOutcome> future) {
        String outcome;
        if (future.isCancelled()) {
            outcome = "CANCELLED";
        } else {
            SearchOutcome result = future.join();
            outcome = result.isError() ? result.error().code().name() : "OK";
        }
        outcomes.merge(outcome, 1L, Long::sum);
        if (outcome.equals("FAILED")) {
            throw new IllegalStateException("request " + i + " (" + SoakMix.kind(i) + ") failed: "
                    + future.join().error().message());
        }
    }

    /** Cancelled requests leave the engine at its next step: wait for that, then for nothing queued. */
    private static void awaitIdle(EngineMetrics metrics) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (metrics.activeRequests() > 0 || metrics.queuedRequests() > 0 || metrics.leasesInUse() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the engine did not become idle within 60 s");
            }
            Thread.sleep(10);
        }
        Thread.sleep(200); // the gauges are updated after the step that released the last branches
    }

    private void verdict(EngineMetrics metrics) {
        long answered = outcomes.values().stream().mapToLong(Long::longValue).sum();
        if (answered != requests) {
            throw new IllegalStateException(answered + " answers for " + requests + " requests");
        }
        Map<SoakMix.Kind, Long> kinds = new EnumMap<>(SoakMix.Kind.class);
        for (int i = 0; i < requests; i++) {
            kinds.merge(SoakMix.kind(i), 1L, Long::sum);
        }
        MemorySample second = samples.get(1);
        MemorySample last = samples.get(samples.size() - 1);
        double heapDrift = 100 * MemorySample.drift(second.heapBytes(), last.heapBytes());
        double rssDrift = 100 * MemorySample.drift(second.rssBytes(), last.rssBytes());
        System.out.printf(Locale.ROOT, "   mix %s; engine: %d completed, %d rejected, %d timed out, %d cancelled, "
                + "%d failed, %d preempted%n", kinds, metrics.completed(), metrics.rejected(), metrics.timedOut(),
                metrics.cancelled(), metrics.failed(), metrics.preempted());
        System.out.printf(Locale.ROOT, "   heap after GC: %.1f MiB after round 2, %.1f MiB after round %d: %.2f%%%n",
                mib(second.heapBytes()), mib(last.heapBytes()), samples.size(), heapDrift);
        System.out.printf(Locale.ROOT, "   RSS:           %.1f MiB after round 2, %.1f MiB after round %d: %.2f%%%n",
                mib(second.rssBytes()), mib(last.rssBytes()), samples.size(), rssDrift);
        boolean flat = heapDrift <= FLAT_PERCENT && rssDrift <= FLAT_PERCENT;
        System.out.printf(Locale.ROOT, "   leases and KV cells free after every round; memory flat within %.0f%%: %s%n",
                FLAT_PERCENT, flat ? "yes" : "NO");
        if (!flat) {
            throw new IllegalStateException("memory grew by more than " + FLAT_PERCENT + "% between round 2 and round "
                    + samples.size());
        }
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
