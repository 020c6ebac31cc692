package dev.arbor.jobs.run;

import dev.arbor.annotation.Internal;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.CheckpointType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a bounded job promptly. Its outputs are committed at checkpoints, so once every record is
 * through, Flink's tasks still wait for the next periodic checkpoint (up to a whole interval)
 * before the job ends. As soon as the counters say every record is done, this asks the cluster for
 * a checkpoint now, and again until the job ends (a task that finishes after one checkpoint waits for
 * the next).
 *
 * <p>It needs the REST endpoint of the cluster that runs the job: the in-process MiniCluster's
 * (see {@link Environments}) or the one of {@code job.cluster}. Without one it does nothing and the
 * job ends at its next periodic checkpoint, as before.
 */
@Internal
public final class PromptEnd implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PromptEnd.class);

    private final long expected;
    private final Optional<Endpoint> endpoint;
    private RestClusterClient<StandaloneClusterId> client;
    private CompletableFuture<Long> pending;

    /** Where a cluster's REST API listens. */
    public record Endpoint(String host, int port) {}

    /**
     * @param expected records the job will read (its input, counted up front); not positive: unknown,
     *     so nothing is triggered
     */
    public PromptEnd(long expected, Optional<Endpoint> endpoint) {
        this.expected = expected;
        this.endpoint = endpoint;
    }

    /** Whether every record is through: the job's end is near, worth polling more often for. */
    public boolean isEnding() {
        return pending != null;
    }

    /** Called with each progress snapshot of the job's counters. */
    public void progress(JobID job, Map<String, Object> accumulators) {
        if (expected <= 0 || endpoint.isEmpty() || Counters.done(accumulators) < expected
                || (pending != null && !pending.isDone())) {
            return;
        }
        try {
            if (client == null) {
                Configuration rest = new Configuration();
                rest.set(RestOptions.ADDRESS, endpoint.get().host());
                rest.set(RestOptions.PORT, endpoint.get().port());
                client = new RestClusterClient<>(rest, StandaloneClusterId.getInstance());
            }
            pending = client.triggerCheckpoint(job, CheckpointType.DEFAULT);
        } catch (Exception e) {
            LOG.debug("could not trigger the final checkpoint; the job ends at its next periodic one", e);
            pending = CompletableFuture.completedFuture(-1L);
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
