package dev.arbor.jobs.run;

import dev.arbor.annotation.Internal;
import dev.arbor.jobs.io.OutputLock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

/**
 * A submitted job together with the lock on its output ({@link OutputLock}), for callers that start
 * a job and stop it themselves (tests, embedding): the lock is released when the job ends, however
 * it ends, and {@link #cancel()}, {@link #stopWithSavepoint} and {@link #getJobExecutionResult()}
 * complete only after that, so that whoever stopped the job can start the next one on the same
 * output at once. Everything else is the job's own client.
 */
@Internal
public final class LockedJobClient implements JobClient {
    private final JobClient job;
    /** Completes (normally) once the job has ended and the lock is released. */
    private final CompletableFuture<Void> released;

    public LockedJobClient(JobClient job, OutputLock lock) {
        this.job = job;
        this.released = job.getJobExecutionResult().handle((result, failure) -> {
            lock.close();
            return null;
        });
    }

    @Override
    public JobID getJobID() {
        return job.getJobID();
    }

    @Override
    public CompletableFuture<JobStatus> getJobStatus() {
        return job.getJobStatus();
    }

    @Override
    public CompletableFuture<Void> cancel() {
        return job.cancel().thenCompose(cancelled -> released);
    }

    @Override
    public CompletableFuture<String> stopWithSavepoint(boolean drain, String directory, SavepointFormatType format) {
        return job.stopWithSavepoint(drain, directory, format).thenCompose(path -> released.thenApply(done -> path));
    }

    @Override
    public CompletableFuture<String> triggerSavepoint(String directory, SavepointFormatType format) {
        return job.triggerSavepoint(directory, format);
    }

    @Override
    public CompletableFuture<Map<String, Object>> getAccumulators() {
        return job.getAccumulators();
    }

    @Override
    public CompletableFuture<JobExecutionResult> getJobExecutionResult() {
        return job.getJobExecutionResult().thenCombine(released, (result, done) -> result);
    }

    @Override
    public void reportHeartbeat(long expiredTimestamp) {
        job.reportHeartbeat(expiredTimestamp);
    }
}
