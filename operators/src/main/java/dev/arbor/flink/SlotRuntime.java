package dev.arbor.flink;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaException;
import dev.arbor.search.ErrorCode;
import dev.arbor.search.LikelihoodResult;
import dev.arbor.search.SearchEngine;
import dev.arbor.search.SearchOutcome;
import dev.arbor.search.SearchRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one task slot runs: a lease on the shared model, this slot's own llama.cpp context, a
 * {@link SearchEngine} on it, the record mapping and the metrics. Used by the DataStream
 * operator ({@link TreeSearchFunction}) and the SQL predict function alike.
 *
 * <p>Lifecycle: {@link #open} acquires in the order model, context, engine; {@link #close}
 * releases in reverse (the engine answers what is pending with CANCELLED and drains its branches,
 * then the context is freed, then the model lease is returned, so the last slot frees the
 * model). {@link #submit} never throws and its future never completes exceptionally: every
 * record gets a result record, an error result for bad input or a failure.
 */
@Internal
public final class SlotRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlotRuntime.class);

    private final ModelRegistry.Lease lease;
    private final LlamaContext context;
    private final SearchEngine engine;
    private final RecordMapping mapping;
    private final EngineMetricsBinding metrics;
    /** The process reward model's lease and context, or null without one. */
    private final ModelRegistry.Lease prmLease;
    private final LlamaContext prmContext;
    private boolean closed;

    private SlotRuntime(ModelRegistry.Lease lease, LlamaContext context, SearchEngine engine, RecordMapping mapping,
            EngineMetricsBinding metrics, ModelRegistry.Lease prmLease, LlamaContext prmContext) {
        this.lease = lease;
        this.context = context;
        this.engine = engine;
        this.mapping = mapping;
        this.metrics = metrics;
        this.prmLease = prmLease;
        this.prmContext = prmContext;
    }

    /**
     * Takes the model from {@code registry} and creates this slot's context and engine; undoes
     * what it did when a later step fails.
     *
     * @throws ModelLoadException when the model can never be loaded (not retried by Flink)
     *
     * @param capacity the engine's in-flight hint (see {@link SearchEngine#capacity()})
     * @param metricGroup the operator's metric group; the metrics go in its "arbor" group
     */
    public static SlotRuntime open(ArborConfig config, int capacity, ModelRegistry registry, MetricGroup metricGroup) {
        return open(config, 1, capacity, registry, metricGroup);
    }

    /**
     * As {@link #open(ArborConfig, int, ModelRegistry, MetricGroup)} for a TaskManager with
     * {@code taskSlots} slots, which share its cores by default (see {@link TaskSlots}).
     */
    public static SlotRuntime open(ArborConfig config, int taskSlots, int capacity, ModelRegistry registry,
            MetricGroup metricGroup) {
        ModelRegistry.Lease lease;
        try {
            lease = registry.acquire(modelKey(config));
        } catch (LlamaException e) {
            // An I/O error may pass (a file system hiccup): let Flink retry. Anything else never loads.
            if (e.getCause() instanceof java.io.IOException) {
                throw e;
            }
            throw new ModelLoadException("the model " + config.modelPath() + " cannot be loaded: " + e.getMessage(), e);
        }
        LlamaContext context = null;
        ModelRegistry.Lease prmLease = null;
        LlamaContext prmContext = null;
        try {
            context = LlamaContext.create(lease.model(), config.contextParams(taskSlots));
            SearchEngine.Builder builder = SearchEngine.builder(context).capacity(capacity)
                    .prefixCache(config.prefixCache()).checkpointBytes(config.checkpointBytes())
                    .overcommit(config.overcommit());
            if (config.prmModelPath() != null) {
                prmLease = acquire(registry, config.prmModelKey(), config.prmModelPath());
                prmContext = LlamaContext.create(prmLease.model(), config.prmContextParams(taskSlots));
                builder.processRewardModel(config.processRewardModel(prmContext));
            }
            SearchEngine engine = builder.build();
            EngineMetricsBinding metrics = EngineMetricsBinding.bind(metricGroup, engine.metrics(), context)
                    .withModel(registry, lease.key());
            return new SlotRuntime(lease, context, engine, new RecordMapping(config, lease.model()), metrics,
                    prmLease, prmContext);
        } catch (RuntimeException | Error e) {
            closeAll(context, prmContext, prmLease);
            lease.close();
            throw e;
        }
    }

    private static ModelRegistry.Lease acquire(ModelRegistry registry, ModelRegistry.Key key, String path) {
        try {
            return registry.acquire(key);
        } catch (LlamaException e) {
            if (e.getCause() instanceof java.io.IOException) {
                throw e;
            }
            throw new ModelLoadException("the process reward model " + path + " cannot be loaded: " + e.getMessage(),
                    e);
        }
    }

    private static void closeAll(LlamaContext context, LlamaContext prmContext, ModelRegistry.Lease prmLease) {
        if (prmContext != null) {
            prmContext.close();
        }
        if (prmLease != null) {
            prmLease.close();
        }
        if (context != null) {
            context.close();
        }
    }

    /** The registry key of the configuration's model. */
    public static ModelRegistry.Key modelKey(ArborConfig config) {
        return new ModelRegistry.Key(Path.of(config.modelPath()), config.modelParams());
    }

    /**
     * Runs the record's search (and the likelihood of its reference, at the same time). The future
     * completes with the result record, never exceptionally; cancelling it cancels the search and
     * frees its branches.
     */
    public CompletableFuture<SearchResult> submit(PromptRequest record) {
        SearchRequest request;
        try {
            request = mapping.toSearchRequest(record);
        } catch (RecordMapping.Rejected rejected) {
            return CompletableFuture.completedFuture(counted(mapping.errorResult(record, rejected.code(),
                    rejected.getMessage())));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(record, e));
        }
        try {
            CompletableFuture<SearchOutcome> search = engine.submit(request);
            CompletableFuture<LikelihoodResult> reference = record.getReference() == null
                    ? CompletableFuture.completedFuture(null)
                    : engine.likelihood(request, record.getReference());
            CompletableFuture<SearchResult> result = search.thenCombine(reference,
                            (found, scored) -> counted(mapping.toResult(record, request, found, scored)))
                    // A cancelled search means the result was cancelled: no one reads it, count nothing.
                    .exceptionally(e -> isCancellation(e) ? null : failed(record, e));
            // Cancelling the result (a timeout upstream) must reach the engine, which then frees the branches.
            result.whenComplete((r, e) -> {
                if (result.isCancelled()) {
                    search.cancel(false);
                    reference.cancel(false);
                }
            });
            return result;
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(record, e));
        }
    }

    /** The TIMEOUT result for a record the operator gave up on after {@code after}. */
    public SearchResult timedOut(PromptRequest record, Duration after) {
        return timedOut(record, "no result within " + after + " (the operator's async timeout)");
    }

    /** The TIMEOUT result for a record given up on, saying why. */
    public SearchResult timedOut(PromptRequest record, String message) {
        return counted(mapping.errorResult(record, ErrorCode.TIMEOUT, message));
    }

    private SearchResult failed(PromptRequest record, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        // One line: the record's result carries the reason; the stack trace is for debugging.
        LOG.warn("record {} failed: {}", record.getId(), cause.toString());
        LOG.debug("record {} failed", record.getId(), cause);
        return counted(mapping.errorResult(record, ErrorCode.FAILED, String.valueOf(cause)));
    }

    private static boolean isCancellation(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof CancellationException;
    }

    private SearchResult counted(SearchResult result) {
        metrics.count(result);
        return result;
    }

    /** What this slot's context was created with: its size and its decode threads. */
    public ContextParams contextParams() {
        return context.params();
    }

    /** This slot's engine (its capacity, metrics, admission hook). */
    public SearchEngine engine() {
        return engine;
    }

    /** Idempotent: engine (answers pending requests with CANCELLED, drains), context, model lease. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            engine.close();
        } finally {
            try {
                closeAll(context, prmContext, prmLease);
            } finally {
                lease.close();
            }
        }
    }
}
