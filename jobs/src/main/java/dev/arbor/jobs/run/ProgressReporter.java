package dev.arbor.jobs.run;

import dev.arbor.annotation.Internal;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The live progress line of a job. For a bounded job ({@code total} known): records done / total,
 * results and rejected, generated tokens per second and an ETA; for the unbounded evaluation: items
 * scored, accuracy so far, rejected and tokens per second. On a terminal it rewrites one line in
 * place ({@code \r}); otherwise (a log, a pipe) it prints a full line every {@link #PLAIN_EVERY},
 * so logs stay readable.
 *
 * <p>"Done" counts every way out of the job (results, invalid records, search errors), so it
 * reaches the total exactly when the job has seen every record. Tokens are counted as they are
 * generated when the job runs in this JVM ({@link LiveTokens}), else as records finish; the
 * evaluation's rate is over the time tokens were being generated, so it holds while it idles.
 */
@Internal
public final class ProgressReporter implements JobRunner.Listener {
    static final Duration PLAIN_EVERY = Duration.ofSeconds(10);

    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean terminal;
    private Duration lastPlain = Duration.ZERO;
    private Duration runningSince;
    /**
     * The poll before the first tokens: when generation began, within a poll. The ETA's rate counts
     * from here, not from when the tasks started, which leaves out the model's load.
     */
    private Duration generatingSince;
    private int lastWidth;

    private final boolean evaluation;
    private final LongSupplier liveTokens;
    private final long tokensPerRecordAtMost;
    private final long liveTokensAtStart;
    /** Time during which tokens were generated, for a rate that does not fall while the job idles. */
    private Duration busy = Duration.ZERO;
    private Duration lastPoll = Duration.ZERO;
    private long lastTokens;

    /** @param total records expected, or a negative number when unknown */
    public ProgressReporter(PrintStream out, String label, long total, boolean terminal) {
        this(out, label, total, terminal, false, () -> -1, 0);
    }

    /**
     * A bounded job's line with tokens counted as they are generated.
     *
     * @param liveTokens tokens generated so far by the job's searches, finished or not, or -1 when
     *     unknown (then tokens of finished records are counted)
     * @param tokensPerRecordAtMost the most tokens one record can generate (width x max new tokens):
     *     the ETA's estimate until records have finished, and its bound while long ones run
     */
    public ProgressReporter(PrintStream out, String label, long total, boolean terminal, LongSupplier liveTokens,
            long tokensPerRecordAtMost) {
        this(out, label, total, terminal, false, liveTokens, tokensPerRecordAtMost);
    }

    /** The line of an evaluation job: scored items and accuracy so far. */
    public static ProgressReporter evaluation(PrintStream out, boolean terminal) {
        return evaluation(out, terminal, () -> -1);
    }

    /** The line of an evaluation job, with tokens counted as they are generated (see above). */
    public static ProgressReporter evaluation(PrintStream out, boolean terminal, LongSupplier liveTokens) {
        return new ProgressReporter(out, "eval", -1, terminal, true, liveTokens, 0);
    }

    private ProgressReporter(PrintStream out, String label, long total, boolean terminal, boolean evaluation,
            LongSupplier liveTokens, long tokensPerRecordAtMost) {
        this.evaluation = evaluation;
        this.out = out;
        this.label = label;
        this.total = total;
        this.terminal = terminal;
        this.liveTokens = liveTokens;
        this.tokensPerRecordAtMost = tokensPerRecordAtMost;
        // -1 now: no reporter yet, it starts with this job's MiniCluster, so everything it counts is ours.
        this.liveTokensAtStart = Math.max(0, liveTokens.getAsLong());
    }

    /**
     * Whether standard error (where progress goes) is a terminal, so that the line can be redrawn in
     * place. Java only tells whether the console as a whole is one; on Linux, /proc says where
     * file descriptor 2 points, so {@code arbor generate > out.txt} still gets a live line.
     */
    public static boolean isTerminal() {
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    @Override
    public void progress(Map<String, Object> accumulators, Duration elapsed) {
        String line = line(accumulators, elapsed);
        if (terminal) {
            String padded = line.length() < lastWidth ? line + " ".repeat(lastWidth - line.length()) : line;
            out.print("\r" + padded);
            out.flush();
            lastWidth = line.length();
        } else if (elapsed.minus(lastPlain).compareTo(PLAIN_EVERY) >= 0) {
            out.println(line);
            lastPlain = elapsed;
        }
    }

    @Override
    public void ended(Duration elapsed) {
        if (terminal && lastWidth > 0) {
            out.println();
        }
    }

    /** The progress line for these accumulator values. */
    public String line(Map<String, Object> accumulators, Duration elapsed) {
        long results = Counters.get(accumulators, Counters.RESULTS);
        long rejected = Counters.get(accumulators, Counters.INVALID) + Counters.get(accumulators,
                Counters.SEARCH_REJECTED);
        long done = results + rejected;
        long finishedTokens = Counters.get(accumulators, Counters.GENERATED_TOKENS);
        long live = liveTokens.getAsLong();
        long tokens = live >= 0 ? Math.max(finishedTokens, live - liveTokensAtStart) : finishedTokens;
        if (!accumulators.isEmpty() && runningSince == null) {
            runningSince = elapsed; // the counters exist once the job's tasks run: start-up is over
        }
        if (tokens > 0 && generatingSince == null) {
            generatingSince = runningSince == null ? lastPoll : max(lastPoll, runningSince);
        }
        if (tokens > lastTokens) {
            busy = busy.plus(elapsed.minus(lastPoll));
        }
        lastTokens = Math.max(lastTokens, tokens);
        lastPoll = elapsed;
        StringBuilder line = new StringBuilder(label).append(": ");
        if (evaluation) {
            long scored = Counters.get(accumulators, Counters.SCORED);
            long correct = Counters.get(accumulators, Counters.CORRECT);
            return line.append(String.format(Locale.ROOT, "%d items scored, accuracy %s, %d rejected, %s tokens/s, %s",
                    scored, scored == 0 ? "-" : String.format(Locale.ROOT, "%.3f", (double) correct / scored),
                    rejected, rate(tokens, busy), clock(elapsed))).toString();
        }
        if (total >= 0) {
            line.append(String.format(Locale.ROOT, "%d/%d records (%d%%)", done, total,
                    total == 0 ? 100 : done * 100 / total));
        } else {
            line.append(done).append(" records");
        }
        line.append(String.format(Locale.ROOT, ", %d results, %d rejected, %s tokens/s", results, rejected,
                rate(tokens, elapsed)));
        line.append(", ETA ").append(eta(done, tokens, finishedTokens, elapsed)).append(", ").append(clock(elapsed));
        return line.toString();
    }

    /**
     * From the work done, in tokens: the records left need as many tokens as the finished ones did
     * on average (or, before any finished or once the running ones outgrow that, as many as a record
     * can generate at most), less what the running ones generated already; at the rate so far.
     */
    private String eta(long done, long tokens, long finishedTokens, Duration elapsed) {
        if (total < 0 || runningSince == null || (done == 0 && (tokens == 0 || tokensPerRecordAtMost <= 0))) {
            return "--:--";
        }
        if (done >= total) {
            return "0:00";
        }
        Duration since = generatingSince != null ? generatingSince : runningSince;
        double seconds = (elapsed.toMillis() - since.toMillis()) / 1000.0;
        if (seconds < 1) {
            return "--:--"; // no rate to go by yet
        }
        if (tokens == 0) {
            return clock(Duration.ofMillis((long) (seconds / done * (total - done) * 1000)));
        }
        long inFlight = Math.max(0, tokens - finishedTokens);
        double remaining = done > 0 ? (total - done) * ((double) finishedTokens / done) - inFlight : -1;
        if (remaining <= 0 && tokensPerRecordAtMost > 0) {
            remaining = (total - done) * (double) tokensPerRecordAtMost - inFlight;
        }
        return clock(Duration.ofMillis((long) (Math.max(0, remaining) / (tokens / seconds) * 1000)));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    public static String rate(long tokens, Duration elapsed) {
        double seconds = elapsed.toMillis() / 1000.0;
        return seconds <= 0 ? "0.0" : String.format(Locale.ROOT, "%.1f", tokens / seconds);
    }

    public static String clock(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60,
                seconds % 60) : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
