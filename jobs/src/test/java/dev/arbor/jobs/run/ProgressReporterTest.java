package dev.arbor.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress line: done counts every way out, the ETA runs from when the tasks started. */
class ProgressReporterTest {
    @Test
    void boundedLineWithEta() {
        ProgressReporter reporter = new ProgressReporter(new PrintStream(new ByteArrayOutputStream()), "generate", 40,
                false);
        assertThat(reporter.line(Map.of(), Duration.ofSeconds(2))).startsWith("generate: 0/40 records (0%)")
                .contains("ETA --:--");
        reporter.line(Map.of(Counters.RECORDS_IN, 0L), Duration.ofSeconds(4)); // tasks running from 0:04
        String line = reporter.line(Map.of(Counters.RESULTS, 8L, Counters.INVALID, 1L, Counters.SEARCH_REJECTED, 1L,
                Counters.GENERATED_TOKENS, 1400L), Duration.ofSeconds(14));
        assertThat(line).isEqualTo("generate: 10/40 records (25%), 8 results, 2 rejected, 100.0 tokens/s, ETA 0:30, "
                + "0:14");
    }

    @Test
    void terminalRedrawsInPlaceAndPlainOutputPrintsEveryTenSeconds() {
        ByteArrayOutputStream tty = new ByteArrayOutputStream();
        ProgressReporter live = new ProgressReporter(new PrintStream(tty, true), "generate", 2, true);
        live.progress(Map.of(Counters.RESULTS, 1L), Duration.ofSeconds(1));
        live.progress(Map.of(Counters.RESULTS, 2L), Duration.ofSeconds(2));
        live.ended(Duration.ofSeconds(2));
        assertThat(tty.toString()).startsWith("\rgenerate: 1/2").contains("\rgenerate: 2/2").endsWith("\n");

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ProgressReporter plain = new ProgressReporter(new PrintStream(log, true), "generate", 2, false);
        plain.progress(Map.of(), Duration.ofSeconds(3));
        plain.progress(Map.of(Counters.RESULTS, 1L), Duration.ofSeconds(11));
        plain.progress(Map.of(Counters.RESULTS, 1L), Duration.ofSeconds(12));
        assertThat(log.toString().lines()).hasSize(1).allMatch(l -> l.startsWith("generate: 1/2"));
    }

    /** Issue 10: tokens count as they are generated, and the ETA follows a long record instead of sitting at 0. */
    @Test
    void liveTokensAndAnEtaFromWorkDoneWhileALongRecordRuns() {
        AtomicLong live = new AtomicLong(500); // other jobs of this JVM generated 500 before
        ProgressReporter reporter = new ProgressReporter(new PrintStream(new ByteArrayOutputStream()), "generate", 10,
                false, live::get, 1000);
        reporter.line(Map.of(Counters.RECORDS_IN, 0L), Duration.ZERO);
        live.addAndGet(90 + 200); // nine records of 10 tokens finished, the tenth has 200 so far
        assertThat(reporter.line(Map.of(Counters.RESULTS, 9L, Counters.GENERATED_TOKENS, 90L), Duration.ofSeconds(5)))
                .contains("9/10 records").contains("58.0 tokens/s").contains("ETA 0:13");
        live.addAndGet(400);
        assertThat(reporter.line(Map.of(Counters.RESULTS, 9L, Counters.GENERATED_TOKENS, 90L), Duration.ofSeconds(10)))
                .contains("69.0 tokens/s").contains("ETA 0:05");
    }

    @Test
    void aLongFirstRecordHasAnEtaBeforeAnyRecordFinished() {
        AtomicLong live = new AtomicLong(-1); // the reporter starts with the job's MiniCluster, after this
        ProgressReporter reporter = new ProgressReporter(new PrintStream(new ByteArrayOutputStream()), "generate", 2,
                false, live::get, 100);
        reporter.line(Map.of(Counters.RECORDS_IN, 0L), Duration.ZERO);
        live.set(50);
        assertThat(reporter.line(Map.of(Counters.RECORDS_IN, 2L), Duration.ofSeconds(5)))
                .contains("0/2 records").contains("10.0 tokens/s").contains("ETA 0:15");
    }

    /** Issue 22, defect 9: the first ETA counts from the first tokens, not from a start-up spent loading the model. */
    @Test
    void theFirstEtaLeavesOutTheStartUp() {
        AtomicLong live = new AtomicLong(-1);
        ProgressReporter reporter = new ProgressReporter(new PrintStream(new ByteArrayOutputStream()), "generate", 10,
                false, live::get, 100);
        for (int second = 0; second <= 8; second++) { // tasks running, the model loading
            live.set(0);
            assertThat(reporter.line(Map.of(Counters.RECORDS_IN, 10L), Duration.ofSeconds(second))).contains("ETA --:--");
        }
        live.set(100);
        reporter.line(Map.of(Counters.RECORDS_IN, 10L), Duration.ofSeconds(9));
        live.set(200);
        assertThat(reporter.line(Map.of(Counters.RECORDS_IN, 10L), Duration.ofSeconds(10)))
                .as("800 tokens left at 100 tokens/s since 0:08").contains("ETA 0:08");
    }

    @Test
    void theEvaluationRateHoldsWhileTheJobIdles() {
        ProgressReporter reporter = ProgressReporter.evaluation(new PrintStream(new ByteArrayOutputStream()), false);
        Map<String, Object> counters = Map.of(Counters.SCORED, 4L, Counters.GENERATED_TOKENS, 50L);
        assertThat(reporter.line(counters, Duration.ofSeconds(10))).contains("5.0 tokens/s");
        assertThat(reporter.line(counters, Duration.ofSeconds(60))).as("idle for 50 s").contains("5.0 tokens/s");
        assertThat(reporter.line(Map.of(Counters.SCORED, 5L, Counters.GENERATED_TOKENS, 60L), Duration.ofSeconds(61)))
                .contains("5.5 tokens/s");
    }

    @Test
    void evaluationLine() {
        ProgressReporter reporter = ProgressReporter.evaluation(new PrintStream(new ByteArrayOutputStream()), false);
        assertThat(reporter.line(Map.of(Counters.SCORED, 4L, Counters.CORRECT, 1L, Counters.INVALID, 2L,
                Counters.GENERATED_TOKENS, 50L), Duration.ofSeconds(10)))
                .isEqualTo("eval: 4 items scored, accuracy 0.250, 2 rejected, 5.0 tokens/s, 0:10");
    }
}
