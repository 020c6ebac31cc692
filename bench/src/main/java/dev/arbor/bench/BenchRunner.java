package dev.arbor.bench;

import dev.arbor.annotation.Internal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks of {@link Comparison#all()} (or those matching the given patterns) in
 * one JMH run and prints, for each comparison and parameter set, both times and their ratio.
 * Ratios are only ever computed between methods measured in the same run on the same machine.
 */
@Internal
public final class BenchRunner {
    private BenchRunner() {}

    public static void run(List<String> patterns, boolean quick) {
        run(patterns, quick, List.of());
    }

    /** As {@link #run(List, boolean)}, the benchmarks with an {@code arch} parameter run on each of {@code architectures}. */
    public static void run(List<String> patterns, boolean quick, List<String> architectures) {
        List<Comparison> chosen = new ArrayList<>();
        for (Comparison comparison : Comparison.all()) {
            if (patterns.isEmpty() || patterns.stream().anyMatch(p -> comparison.benchmarkClass().contains(p))) {
                chosen.add(comparison);
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("no benchmark matches " + patterns);
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .forks(1)
                .warmupIterations(quick ? 1 : 3)
                .warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(quick ? 2 : 5)
                .measurementTime(TimeValue.seconds(quick ? 1 : 3))
                .timeUnit(TimeUnit.MILLISECONDS)
                .shouldFailOnError(true);
        for (Comparison comparison : chosen) {
            options.include("\\." + comparison.benchmarkClass() + "\\.");
        }
        if (!architectures.isEmpty()) {
            options.param("arch", architectures.stream().map(a -> a.strip().toUpperCase(java.util.Locale.ROOT))
                    .toArray(String[]::new));
        }
        // The forks choose their model from these (see BenchModels.file).
        List<String> modelProperties = new ArrayList<>();
        for (String property : List.of(BenchModels.MODEL_PROPERTY, BenchModels.VOCAB_PROPERTY,
                BenchModels.LAYERS_PROPERTY, BenchModels.BODY_PROPERTY)) {
            if (System.getProperty(property) != null) {
                modelProperties.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        options.jvmArgsAppend(modelProperties.toArray(new String[0]));
        System.out.println("benchmark model: " + BenchModels.describe());
        Collection<RunResult> results;
        try {
            results = new Runner(options.build()).run();
        } catch (RunnerException e) {
            throw new IllegalStateException("benchmark run failed: " + e.getMessage(), e);
        }
        System.out.println();
        for (Comparison comparison : chosen) {
            print(comparison, results);
        }
        if (patterns.isEmpty() || patterns.stream().anyMatch(p -> p.contains("KvFootprint")
                || p.contains("BranchCommit") || p.contains("BeamSearch"))) {
            KvFootprintReport.run("SMALL");
        }
    }

    private static void print(Comparison comparison, Collection<RunResult> results) {
        System.out.println("== " + comparison.title());
        Map<String, RunResult> candidates = byParams(results, comparison.benchmarkClass(), comparison.candidate());
        Map<String, RunResult> baselines = byParams(results, comparison.benchmarkClass(), comparison.baseline());
        for (Map.Entry<String, RunResult> entry : candidates.entrySet()) {
            RunResult baseline = baselines.get(entry.getKey());
            if (baseline == null) {
                continue;
            }
            Result<?> fast = entry.getValue().getPrimaryResult();
            Result<?> slow = baseline.getPrimaryResult();
            double ratio = slow.getScore() / fast.getScore();
            System.out.printf(Locale.ROOT, "   %s%n", entry.getKey());
            System.out.printf(Locale.ROOT, "   %-12s %10.3f ± %.3f %s%n", comparison.candidate(), fast.getScore(),
                    fast.getScoreError(), fast.getScoreUnit());
            System.out.printf(Locale.ROOT, "   %-12s %10.3f ± %.3f %s%n", comparison.baseline(), slow.getScore(),
                    slow.getScoreError(), slow.getScoreUnit());
            System.out.printf(Locale.ROOT, "   ratio        %10.2fx%s%n", ratio, goal(comparison.target(), ratio));
            if (comparison.workPerOp() > 0 && "ms/op".equals(fast.getScoreUnit())) {
                System.out.printf(Locale.ROOT, "   throughput   %10.1f vs %.1f %s/s%n",
                        comparison.workPerOp() / (fast.getScore() / 1000), comparison.workPerOp() / (slow.getScore() / 1000),
                        comparison.workUnit());
            }
            printShareOutsideDecode(comparison, entry.getValue(), baseline);
            for (String counter : comparison.counters()) {
                printCounter(counter, comparison.candidate(), entry.getValue());
                printCounter(counter, comparison.baseline(), baseline);
            }
        }
        System.out.println();
    }

    /**
     * A secondary result per measured iteration (mean and max). JMH's run-level figure of an EVENTS
     * counter is the sum over iterations, which is right for totals but not for a percentage or a peak.
     */
    private static void printCounter(String counter, String variant, RunResult result) {
        DoubleSummaryStatistics perIteration = new DoubleSummaryStatistics();
        for (BenchmarkResult benchmark : result.getBenchmarkResults()) {
            for (IterationResult iteration : benchmark.getIterationResults()) {
                Result<?> value = iteration.getSecondaryResults().get(counter);
                if (value != null) {
                    perIteration.accept(value.getScore());
                }
            }
        }
        if (perIteration.getCount() > 0) {
            System.out.printf(Locale.ROOT, "   %s (%s): %.2f per iteration, at most %.2f%n", counter, variant,
                    perIteration.getAverage(), perIteration.getMax());
        }
    }

    /** For benchmarks that split their time at llama_decode: the share of each variant's time outside it. */
    private static void printShareOutsideDecode(Comparison comparison, RunResult candidate, RunResult baseline) {
        if (!comparison.counters().contains(Comparison.OUTSIDE_DECODE)) {
            return;
        }
        System.out.printf(Locale.ROOT, "   outside llama_decode: %.1f%% (%s), %.1f%% (%s)%n", shareOutside(candidate),
                comparison.candidate(), shareOutside(baseline), comparison.baseline());
    }

    private static double shareOutside(RunResult result) {
        Result<?> outside = result.getSecondaryResults().get(Comparison.OUTSIDE_DECODE);
        Result<?> inside = result.getSecondaryResults().get(Comparison.INSIDE_DECODE);
        if (outside == null || inside == null) {
            return Double.NaN;
        }
        return 100.0 * outside.getScore() / (outside.getScore() + inside.getScore());
    }

    /** "(target >= 2.0x: met)", or for a slowdown (negative target) "(target <= 2.2x: met)". */
    private static String goal(double target, double ratio) {
        if (target == 0) {
            return "";
        }
        boolean met = target > 0 ? ratio >= target : ratio <= -target;
        // Two decimals where the target has them: 0.97 must not print as 1.0 beside a ratio of 0.97.
        String shown = new DecimalFormat("0.0#", DecimalFormatSymbols.getInstance(Locale.ROOT))
                .format(Math.abs(target));
        return String.format(Locale.ROOT, "   (target %s %sx: %s)", target > 0 ? ">=" : "<=", shown,
                met ? "met" : "NOT met");
    }

    /** Results of one method, keyed by their JMH parameters so that like is compared with like. */
    private static Map<String, RunResult> byParams(Collection<RunResult> results, String benchmarkClass,
            String method) {
        Map<String, RunResult> byParams = new TreeMap<>();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            if (name.endsWith("." + benchmarkClass + "." + method)) {
                StringBuilder key = new StringBuilder();
                for (String param : result.getParams().getParamsKeys()) {
                    key.append(param).append('=').append(result.getParams().getParam(param)).append(' ');
                }
                byParams.put(key.toString().strip(), result);
            }
        }
        return byParams;
    }
}
