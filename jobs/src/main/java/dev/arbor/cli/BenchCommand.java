package dev.arbor.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code arbor bench}: runs the JMH benchmarks and prints their ratio tables. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run Arbor's benchmarks (JMH) and print side-by-side ratios.")
final class BenchCommand implements Runnable {
    @Parameters(arity = "0..*", description = "Benchmark name patterns (default: all)")
    List<String> patterns = new ArrayList<>();

    @Option(names = "--quick", description = "Fewer iterations: for a smoke run, not for figures")
    boolean quick;

    @Override
    public void run() {
        dev.arbor.bench.BenchRunner.run(patterns, quick);
    }
}
