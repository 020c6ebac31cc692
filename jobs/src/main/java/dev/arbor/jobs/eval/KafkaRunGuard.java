package dev.arbor.jobs.eval;

import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.io.InputFiles;
import dev.arbor.jobs.kafka.KafkaPreflight;
import dev.arbor.jobs.kafka.KafkaSettings;
import dev.arbor.jobs.kafka.KafkaWatch;
import dev.arbor.jobs.run.JobRunner;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code arbor eval} on Kafka needs beyond its pipeline, so that losing the broker never loses
 * committed work and never leaves the user without a next step:
 *
 * <ul>
 *   <li>the saved state belongs to one Kafka cluster: a resume against another one (a broker that was
 *       reset or replaced, whose transactions and offsets are gone) is refused before the job starts,
 *       with the two ways on in plain words ({@link #checkSameCluster});
 *   <li>while the job runs, an outage is told once ({@link KafkaWatch}); Ctrl-C during it cancels at
 *       once instead of waiting for a savepoint that cannot be taken; an outage longer than
 *       {@code kafka.outage-timeout} stops the job; a job that fails while the broker is away, or
 *       against a broker that lost its transactions, says so ({@link #explain}).
 * </ul>
 *
 * In every case the last completed checkpoint stays in the state directory, and the same command
 * resumes from it. Stateless.
 */
final class KafkaRunGuard {
    private KafkaRunGuard() {}

    /**
     * Refuses to resume a state made against another Kafka cluster than the one {@code kafka} reaches
     * now; notes the cluster otherwise (call once the state directory is prepared: {@link #remember}).
     *
     * @return the id of the cluster reached now
     */
    static String checkSameCluster(EvalState state, KafkaSettings kafka, boolean resuming) throws IOException {
        String now = KafkaPreflight.clusterId(kafka);
        Optional<String> before = state.kafkaCluster();
        if (resuming && before.isPresent() && !before.get().equals(now)) {
            throw new ConfigException(lostState(state, kafka) + " (cluster " + before.get() + " then, " + now + " now)");
        }
        return now;
    }

    /** Notes the cluster the state is now made against. */
    static void remember(EvalState state, String cluster) throws IOException {
        state.rememberKafkaCluster(cluster);
    }

    /** Ctrl-C while the broker is away cancels at once; an outage past its timeout stops the job. */
    static JobRunner.OnExit guard(JobRunner.OnExit onExit, KafkaWatch watch, KafkaSettings kafka, EvalState state) {
        return onExit.cancellingWhen(watch::isDown, () -> "the Kafka broker at " + kafka.bootstrap() + " does not "
                + "answer, so no savepoint could be taken: the job was cancelled instead; " + resumeHint(state))
                .givingUpWhen(() -> {
                    String reason = watch.gaveUp();
                    return reason == null ? null : reason + "; " + resumeHint(state);
                });
    }

    /** The job's failure in the user's terms when Kafka caused it; the failure itself otherwise. */
    static Exception explain(Exception failure, KafkaWatch watch, KafkaSettings kafka, EvalState state,
            boolean resuming) {
        if (failure instanceof ConfigException) {
            return failure;
        }
        if (watch.isDown()) {
            return new ConfigException("the job failed while the Kafka broker at " + kafka.bootstrap() + " did not "
                    + "answer (" + watch.outage() + "): " + firstLine(failure) + "; " + resumeHint(state), failure);
        }
        if (resuming && lostTransactions(failure)) {
            return new ConfigException(lostState(state, kafka), failure);
        }
        return failure;
    }

    private static String lostState(EvalState state, KafkaSettings kafka) {
        String out = InputFiles.displayName(state.root().getParent());
        return "the saved state in " + InputFiles.displayName(state.root()) + " cannot be resumed at " + kafka.bootstrap()
                + ": that Kafka broker no longer has the transactions and offsets the state was saved with (it was "
                + "reset or replaced since the run stopped). Either start afresh on this output with --overwrite (the "
                + "saved state is deleted; the input topic is read from kafka.starting-offsets, "
                + kafka.startingOffsets().name() + "), or keep it and start afresh with another --output than " + out;
    }

    private static String resumeHint(EvalState state) {
        return "what was committed is kept in the last checkpoint (" + InputFiles.displayName(state.root()) + "): run "
                + "the same command once the broker is back to resume from it (items read after it are read again, "
                + "and each score is still written once)";
    }

    /** Kafka's words for a producer whose transactions the broker does not know (any more). */
    private static boolean lostTransactions(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String text = (t.getClass().getName() + " " + t.getMessage()).toLowerCase(Locale.ROOT);
            if (text.contains("potentially lost") || text.contains("producerfenced")
                    || text.contains("invalidpidmapping") || text.contains("invalidtxnstate")
                    || text.contains("unknown producer id")) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
