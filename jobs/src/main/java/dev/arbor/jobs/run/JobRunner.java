package dev.arbor.jobs.run;

import dev.arbor.annotation.Internal;
import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.io.OutputLock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits a built job, reports its accumulators while it runs, and waits for its end. When the
 * client process is stopped (Ctrl-C) while the job runs, the job is stopped too ({@link OnExit}): a
 * bounded job is cancelled, an unbounded one is stopped with a savepoint that a restart resumes
 * from (a cancel would leave its output files in progress and forget what it had read).
 */
@Internal
public final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    /** What the caller sees of a running job. */
    public interface Listener {
        /** Called every poll interval with the latest accumulator values (possibly empty). */
        void progress(Map<String, Object> accumulators, Duration elapsed);

        /** Called once when the job has ended, whatever the outcome, before {@link #run} returns. */
        default void ended(Duration elapsed) {}
    }

    /**
     * What to do with a job still running when this JVM shuts down (Ctrl-C, SIGTERM), and when to
     * stop it while it runs. Immutable: each method returns a new one.
     */
    public static final class OnExit {
        private final boolean suspend;
        private final Supplier<String> report;
        private final OutputLock lock;
        private final BooleanSupplier cannotSuspend;
        private final Supplier<String> cancelReport;
        private final Supplier<String> giveUp;

        private OnExit(boolean suspend, Supplier<String> report, OutputLock lock, BooleanSupplier cannotSuspend,
                Supplier<String> cancelReport, Supplier<String> giveUp) {
            this.suspend = suspend;
            this.report = report;
            this.lock = lock;
            this.cannotSuspend = cannotSuspend;
            this.cancelReport = cancelReport;
            this.giveUp = giveUp;
        }

        /** Cancel the job (a bounded job: its uncommitted outputs are dropped). */
        public static OnExit cancel() {
            return new OnExit(false, () -> "job cancelled", null, () -> false, null, () -> null);
        }

        /**
         * Stop the job with a savepoint into its configured savepoint directory (no drain): the
         * records in flight and the sources' positions are kept in it and the output files are
         * committed, so a restart from it continues exactly where the job stopped. {@code report}
         * says afterwards what is done and how to go on.
         */
        public static OnExit suspend(Supplier<String> report) {
            return new OnExit(true, report, null, () -> false, null, () -> null);
        }

        /**
         * The same, and {@code lock} (the job's output) released once the job is stopped, not before:
         * a second job must not start on the output while this one still commits to it.
         */
        public OnExit releasing(OutputLock lock) {
            return new OnExit(suspend, report, lock, cannotSuspend, cancelReport, giveUp);
        }

        /**
         * The same, but cancel instead of suspending when {@code when} holds at the stop (a savepoint
         * that cannot be taken, as while the job's Kafka broker is away, would only delay the stop);
         * {@code report} then says what is kept and how to go on.
         */
        public OnExit cancellingWhen(BooleanSupplier when, Supplier<String> report) {
            return new OnExit(suspend, this.report, lock, when, report, giveUp);
        }

        /**
         * The same, and the job cancelled while it runs once {@code reason} gives a reason (checked at
         * every poll); the run then fails with that reason as a {@link ConfigException}: something the
         * user must put right before running again.
         */
        public OnExit givingUpWhen(Supplier<String> reason) {
            return new OnExit(suspend, report, lock, cannotSuspend, cancelReport, reason);
        }
    }

    private JobRunner() {}

    /**
     * Runs the job built in {@code env} to its end.
     *
     * @return its result, or null when the environment is detached (the job keeps running on its cluster)
     * @throws Exception the job's failure, unwrapped to its cause
     */
    public static JobExecutionResult run(StreamExecutionEnvironment env, String name, Duration pollInterval,
            Listener listener, OnExit onExit) throws Exception {
        return run(env, name, pollInterval, listener, onExit, new PromptEnd(0, java.util.Optional.empty()));
    }

    /** As {@link #run(StreamExecutionEnvironment, String, Duration, Listener, OnExit)}, ending the job promptly. */
    public static JobExecutionResult run(StreamExecutionEnvironment env, String name, Duration pollInterval,
            Listener listener, OnExit onExit, PromptEnd end) throws Exception {
        long start = System.nanoTime();
        JobClient client = env.executeAsync(name);
        if (!env.getConfiguration().get(DeploymentOptions.ATTACHED)) {
            LOG.info("Submitted job {} ({}) detached", name, client.getJobID());
            return null;
        }
        try (end) {
            return await(client, pollInterval, listener, onExit, start, end);
        }
    }

    /** Waits for a submitted job as {@link #run} does. */
    public static JobExecutionResult await(JobClient client, Duration pollInterval, Listener listener, OnExit onExit,
            long startNanos) throws Exception {
        return await(client, pollInterval, listener, onExit, startNanos, new PromptEnd(0, java.util.Optional.empty()));
    }

    private static JobExecutionResult await(JobClient client, Duration pollInterval, Listener listener, OnExit onExit,
            long startNanos, PromptEnd end) throws Exception {
        CompletableFuture<JobExecutionResult> result = client.getJobExecutionResult();
        Thread hook = new Thread(() -> stop(client, result, onExit), "arbor-stop-job");
        Runtime.getRuntime().addShutdownHook(hook);
        if (onExit.lock != null) {
            onExit.lock.releaseOnShutdown(); // from now on the stop above releases it, once the job is stopped
        }
        try {
            while (!result.isDone()) {
                try {
                    result.get(end.isEnding() ? Math.min(200, pollInterval.toMillis()) : pollInterval.toMillis(),
                            TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    giveUpIf(onExit.giveUp.get(), client);
                    Map<String, Object> accumulators = accumulators(client);
                    listener.progress(accumulators, Duration.ofNanos(System.nanoTime() - startNanos));
                    end.progress(client.getJobID(), accumulators);
                }
            }
            return result.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        } finally {
            listener.ended(Duration.ofNanos(System.nanoTime() - startNanos));
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: nothing to remove
            }
        }
    }

    /** Cancels the job and fails the run with {@code reason}, when there is one. */
    private static void giveUpIf(String reason, JobClient client) throws Exception {
        if (reason == null) {
            return;
        }
        try {
            client.cancel().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Cancelling job {}: {}", client.getJobID(), e.toString());
        }
        throw new ConfigException(reason);
    }

    private static Map<String, Object> accumulators(JobClient client) {
        try {
            return client.getAccumulators().get(5, TimeUnit.SECONDS);
        } catch (Exception e) { // not yet running, or just finished: the next poll (or the result) tells
            return Map.of();
        }
    }

    private static void stop(JobClient client, CompletableFuture<JobExecutionResult> result, OnExit onExit) {
        try {
            stopJob(client, result, onExit);
        } finally {
            if (onExit.lock != null) {
                onExit.lock.close();
            }
        }
    }

    private static void stopJob(JobClient client, CompletableFuture<JobExecutionResult> result, OnExit onExit) {
        if (result.isDone()) {
            return;
        }
        System.err.println();
        System.err.println("arbor: stopping job " + client.getJobID() + " ...");
        try {
            if (onExit.suspend && onExit.cannotSuspend.getAsBoolean()) {
                client.cancel().get(60, TimeUnit.SECONDS);
                System.err.println("arbor: " + onExit.cancelReport.get());
                return;
            }
            if (onExit.suspend) {
                String savepoint = suspend(client);
                System.err.println("arbor: job stopped with a savepoint (" + savepoint + ")");
            } else {
                client.cancel().get(30, TimeUnit.SECONDS);
            }
            System.err.println("arbor: " + onExit.report.get());
        } catch (Exception e) {
            System.err.println("arbor: could not stop the job cleanly: " + ExceptionUtils.stringifyException(e)
                    .lines().findFirst().orElse(""));
            client.cancel();
        }
    }

    /**
     * Stops a job with a savepoint into its configured savepoint directory, without a drain, so
     * that a restart from it resumes exactly where it stopped (what Ctrl-C does to {@code arbor eval}).
     *
     * @return the savepoint's path
     */
    public static String suspend(JobClient client) throws Exception {
        return client.stopWithSavepoint(false, null, SavepointFormatType.CANONICAL).get(120, TimeUnit.SECONDS);
    }

    private static Exception unwrap(ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        return cause instanceof Exception exception ? exception : new RuntimeException(cause);
    }
}
