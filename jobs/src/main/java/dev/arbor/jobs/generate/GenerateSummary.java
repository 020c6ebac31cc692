package dev.arbor.jobs.generate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbor.annotation.Internal;
import dev.arbor.jobs.io.InputFiles;
import dev.arbor.jobs.io.JsonLines;
import dev.arbor.jobs.io.OutputFormat;
import dev.arbor.jobs.io.RejectedRecord;
import dev.arbor.jobs.run.Counters;
import dev.arbor.jobs.run.ProgressReporter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * What a finished generate job did: records in (counted before the run, or read by the job when
 * the input could not be counted), and results, rejected (invalid + search errors), generated
 * tokens, preference pairs and duplicate ids as committed to the outputs (see
 * {@link CommittedOutputs}), wall time, and where the outputs are.
 *
 * <p>Invariant of a correct job, failures and restarts included:
 * {@code recordsIn == results + invalid + searchErrors + damaged} ({@link #reconciles()}); the summary
 * says so when it does not. A run that reconciles is still {@link #incomplete()} when input was lost
 * (damaged files) or when not one record became a result.
 *
 * @param damaged stretches of input files that could not be read (their records are lost)
 * @param rejectedByCode rejections per code; {@code firstReasons} the first reason of each code
 */
@Internal
public record GenerateSummary(GenerateJob.Plan plan, long recordsIn, long results, long invalid, long searchErrors,
        long damaged, long generatedTokens, long promptTokens, long cachedPromptTokens, long pairs, Duration wall,
        long duplicateIds, Map<String, Long> rejectedByCode, Map<String, String> firstReasons) {

    static GenerateSummary of(GenerateJob.Plan plan, Map<String, Object> accumulators, Duration wall)
            throws IOException {
        CommittedOutputs committed = CommittedOutputs.read(plan);
        long counted = plan.input().total();
        long recordsIn = counted >= 0 ? counted : Counters.get(accumulators, Counters.RECORDS_IN);
        return new GenerateSummary(plan, recordsIn, committed.results(), committed.invalid(),
                committed.searchErrors(), committed.damaged(), committed.generatedTokens(), committed.promptTokens(),
                committed.cachedPromptTokens(), committed.pairs(), wall, committed.duplicateIds(),
                committed.rejectedByCode(), committed.firstReasons());
    }

    /** The share of the results' prompt tokens that the prefix cache served, 0 to 1. */
    public double cacheHitRate() {
        return promptTokens == 0 ? 0 : (double) cachedPromptTokens / promptTokens;
    }

    public long rejected() {
        return invalid + searchErrors + damaged;
    }

    /** records in = results + rejected. */
    public boolean reconciles() {
        return recordsIn == results + rejected();
    }

    /** Whether the run ended without all it was given: input lost to damage, or no result at all. */
    public boolean incomplete() {
        return damaged > 0 || noResults();
    }

    private boolean noResults() {
        return results == 0 && rejected() > 0;
    }

    /** The code most records were rejected with (the first in order on a tie), or null when none was. */
    public String commonRejection() {
        return rejectedByCode.entrySet().stream().max(Map.Entry.<String, Long>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
                .map(Map.Entry::getKey).orElse(null);
    }

    /** Prints the summary, then one result record as an example. */
    public void print(PrintStream out) {
        String root = InputFiles.consoleName(plan.output().root());
        out.printf(Locale.ROOT, "arbor generate: finished in %s%n", ProgressReporter.clock(wall));
        out.printf(Locale.ROOT, "  records in        %8d   %s%n", recordsIn, InputFiles.consoleName(plan.input().path()));
        out.printf(Locale.ROOT, "  results           %8d%s%n", results, plan.kafka().map(kafka -> "   (also in Kafka "
                + "topic " + kafka.outputTopic() + ")").orElse(""));
        out.printf(Locale.ROOT, "  rejected          %8d   (%d invalid records, %d search errors%s)%n", rejected(),
                invalid, searchErrors, damaged > 0 ? ", " + damaged + " damaged input" : "");
        out.printf(Locale.ROOT, "  generated tokens  %8d   (%s tokens/s over the wall time)%n", generatedTokens,
                ProgressReporter.rate(generatedTokens, wall));
        out.printf(Locale.ROOT, "  prompt tokens     %8d   (%d from the prefix cache: hit rate %.1f%%)%n", promptTokens,
                cachedPromptTokens, 100.0 * cacheHitRate());
        if (duplicateIds > 0) {
            out.printf(Locale.ROOT, "  duplicate ids     %8d   records whose id an earlier record has: ids seed "
                    + "sampling, so they get the same samples; give each record its own id%n", duplicateIds);
        }
        if (damaged > 0) {
            out.printf(Locale.ROOT, "  INPUT LOST: %d stretch(es) of input files could not be read (%s in rejected/ names "
                    + "the file and bytes); copy those files again and run them%n", damaged, RejectedRecord.DAMAGED);
        }
        if (noResults()) {
            String code = commonRejection();
            out.printf(Locale.ROOT, "  NO RESULTS: every record was rejected, %d of %d with %s: %s%n",
                    rejectedByCode.get(code), rejected(), code, firstReasons.get(code));
        }
        if (!reconciles()) {
            out.printf(Locale.ROOT, "  WARNING: records in (%d) != results + rejected (%d)%n", recordsIn,
                    results + rejected());
        }
        out.println("outputs in " + root + "/");
        if (plan.formats().contains(OutputFormat.AVRO)) {
            out.println("  " + GenerateJob.AVRO + "/       results, Avro container files (dev.arbor.flink.records.SearchResult)");
        }
        if (plan.formats().contains(OutputFormat.JSONL)) {
            out.println("  " + GenerateJob.JSONL + "/      results, JSON Lines (the same fields as JSON)");
        }
        if (plan.pairs()) {
            out.println("  " + GenerateJob.PAIRS + "/      " + pairs + " preference pairs, JSON Lines");
        }
        out.println("  " + GenerateJob.REJECTED + "/   " + rejected() + " rejected records, JSON Lines (file, line, code, "
                + "reason)");
        out.println("  " + GenerateJob.SUMMARY + " these counts");
        SampleRecord.first(plan.output(), plan.formats()).ifPresent(sample -> {
            out.println("one result (" + sample.source() + "):");
            out.println(sample.json());
        });
    }

    /** Writes {@link GenerateJob#SUMMARY} into the output directory. */
    void write() throws IOException {
        ObjectNode json = JsonLines.MAPPER.createObjectNode();
        json.put("input", InputFiles.displayName(plan.input().path()));
        json.put("recordsIn", recordsIn);
        json.put("results", results);
        json.put("rejected", rejected());
        json.put("invalid", invalid);
        json.put("searchErrors", searchErrors);
        json.put("damagedInput", damaged);
        json.put("generatedTokens", generatedTokens);
        json.put("promptTokens", promptTokens);
        json.put("cachedPromptTokens", cachedPromptTokens);
        json.put("preferencePairs", pairs);
        json.put("duplicateIds", duplicateIds);
        json.put("wallSeconds", wall.toMillis() / 1000.0);
        json.put("model", plan.model().path());
        Path file = plan.output().resolve(GenerateJob.SUMMARY);
        try (OutputStream out = file.getFileSystem().create(file, FileSystem.WriteMode.OVERWRITE)) {
            out.write(JsonLines.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
            out.write('\n');
        }
    }
}
