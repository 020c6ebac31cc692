package dev.arbor.flink;

import dev.arbor.annotation.Internal;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.ModelParams;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Shares loaded models between the task slots of one JVM: one {@link LlamaModel} per
 * (model file, GPU layers), loaded by its first user and closed by its last.
 *
 * <p>The weights of a model are read-only and can back many contexts, so the slots of a
 * TaskManager should not each hold a copy. {@link #acquire} hands out a {@link Lease}; closing the
 * last lease of a model closes the model. Invariants: a key maps to an open model exactly while
 * it has unreleased leases; a lease releases at most once. Thread-safe; a load runs under the
 * registry's lock, so concurrent first users wait for one load instead of racing.
 *
 * <p>"Per JVM" means per class loader that loaded this class: with Arbor in Flink's {@code lib/}
 * that is the TaskManager; inside a job jar it is each job's user-code class loader.
 *
 * <p>It counts, per model, its loads, failed loads and the most users it had at once: each slot
 * reports them for its model as metrics ({@link EngineMetricsBinding#withModel}), which tell whether
 * the slots of a TaskManager share one copy and whether a model failed to load there.
 */
@Internal
public final class ModelRegistry {
    private static final ModelRegistry SHARED = new ModelRegistry();

    /** Which model file, loaded how: the identity of a shared model. */
    public record Key(Path path, ModelParams params) {
        public Key {
            path = path.toAbsolutePath().normalize();
            Objects.requireNonNull(params, "params");
        }

        /** The file loaded memory-mapped with {@code gpuLayers} layers on a GPU. */
        public Key(Path path, int gpuLayers) {
            this(path, ModelParams.builder().nGpuLayers(gpuLayers).build());
        }
    }

    private static final class Entry {
        final LlamaModel model;
        int users;

        Entry(LlamaModel model) {
            this.model = model;
        }
    }

    private final Map<Key, Entry> entries = new HashMap<>();
    private final Map<Key, Integer> loads = new HashMap<>();
    private final Map<Key, Integer> failedLoads = new HashMap<>();
    private final Map<Key, Integer> peakUsers = new HashMap<>();

    /** A registry of its own (tests); operators use {@link #shared()}. */
    public ModelRegistry() {}

    /** The registry of this JVM (class loader), used by every Arbor operator in it. */
    public static ModelRegistry shared() {
        return SHARED;
    }

    /**
     * Takes a lease on the model, loading it when no one holds it.
     *
     * @throws dev.arbor.llama.LlamaException when the model cannot be loaded (nothing is registered then)
     */
    public synchronized Lease acquire(Key key) {
        Objects.requireNonNull(key, "key");
        Entry entry = entries.get(key);
        if (entry == null) {
            LlamaModel model;
            try {
                model = LlamaModel.load(key.path(), key.params());
            } catch (RuntimeException e) {
                failedLoads.merge(key, 1, Integer::sum);
                throw e;
            }
            entry = new Entry(model);
            entries.put(key, entry);
            loads.merge(key, 1, Integer::sum);
        }
        entry.users++;
        peakUsers.merge(key, entry.users, Math::max);
        return new Lease(key, entry.model);
    }

    private synchronized void release(Key key) {
        Entry entry = entries.get(key);
        if (entry == null || entry.users == 0) {
            throw new IllegalStateException("no lease on " + key);
        }
        entry.users--;
        if (entry.users == 0) {
            entries.remove(key);
            // Leases are released after their contexts are closed (see SlotRuntime), so this does not throw.
            entry.model.close();
        }
    }

    /** Unreleased leases on the model, 0 when it is not loaded. */
    public synchronized int users(Key key) {
        Entry entry = entries.get(key);
        return entry == null ? 0 : entry.users;
    }

    /** Whether the model is loaded now. */
    public synchronized boolean isLoaded(Key key) {
        return entries.containsKey(key);
    }

    /** How many times the model was loaded by this registry, ever (1 while its users share one copy). */
    public synchronized int loads(Key key) {
        return loads.getOrDefault(key, 0);
    }

    /** How many times loading the model failed in this registry, ever. */
    public synchronized int failedLoads(Key key) {
        return failedLoads.getOrDefault(key, 0);
    }

    /** The most leases the model had at once, ever (over all its loads). */
    public synchronized int peakUsers(Key key) {
        return peakUsers.getOrDefault(key, 0);
    }

    /**
     * One user's hold on a shared model. Close it once every context created on the model is
     * closed; closing twice is a no-op.
     */
    public final class Lease implements AutoCloseable {
        private final Key key;
        private final LlamaModel model;
        private volatile boolean released;

        private Lease(Key key, LlamaModel model) {
            this.key = key;
            this.model = model;
        }

        public Key key() {
            return key;
        }

        /** The shared model; do not close it, close the lease. */
        public LlamaModel model() {
            if (released) {
                throw new IllegalStateException("the lease on " + key + " was released");
            }
            return model;
        }

        @Override
        public void close() {
            synchronized (ModelRegistry.this) {
                if (released) {
                    return;
                }
                released = true;
                release(key);
            }
        }
    }
}
