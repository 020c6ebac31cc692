package dev.arbor.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code arbor bench}: runs the JMH benchmarks and prints their ratio tables; {@code arbor bench Soak}
 * runs the soak run instead ({@link dev.arbor.bench.SoakBenchmark}), which is never part of "all".
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run Arbor's benchmarks (JMH) and print side-by-side ratios.",
            "'arbor bench Soak' runs the soak run: many mixed requests through one engine, checking that leases "
                    + "and KV cells come back and memory stays flat (minutes; not included in 'all')."})
final class BenchCommand implements Callable<Integer> {
    private static final String SOAK = "Soak";

    @Parameters(arity = "0..*", description = "Benchmark name patterns (default: all but Soak)")
    List<String> patterns = new ArrayList<>();

    @Option(names = "--quick", description = "Fewer iterations: for a smoke run, not for figures")
    boolean quick;

    @Option(names = "--requests", paramLabel = "N", description = "Soak: requests, a multiple of 1000 (default 10000; "
            + "3000 with --quick)")
    Integer requests;

    @Option(names = "--size", paramLabel = "TINY|SMALL", description = "Soak: the synthetic model (default TINY)")
    String size = "TINY";

    @Option(names = "--arch", split = ",", paramLabel = "ARCH[,ARCH...]", description = "Benchmarks with an "
            + "architecture parameter (BeamSearch, PrefixCache, Checkpoint): the synthetic models' architectures to "
            + "run, side by side, e.g. LLAMA,QWEN35,GEMMA3 (default LLAMA; Checkpoint's QWEN35)")
    List<String> architectures = new ArrayList<>();
    @Option(names = "--vocab", paramLabel = "N", description = "Run on a synthetic qwen3 model with a byte-level "
            + "vocabulary of N tokens (e.g. 151936, Qwen3's) and the benchmark's body, instead of the 600-token llama")
    Integer vocab;

    @Option(names = "--layers", paramLabel = "L", description = "With --vocab: the body's layers (default the size's own)")
    Integer layers;

    @Option(names = "--model", paramLabel = "FILE", description = "Run every benchmark on this GGUF file")
    String model;

    @Option(names = "--body", paramLabel = "TINY|SMALL", description = "The synthetic body every benchmark runs on "
            + "(default: each benchmark's own, SMALL); TINY decodes cheaply, as a GPU would")
    String body;

    @Override
    public Integer call() throws Exception {
        setIfGiven(BenchModels.VOCAB_PROPERTY, vocab);
        setIfGiven(BenchModels.LAYERS_PROPERTY, layers);
        setIfGiven(BenchModels.MODEL_PROPERTY, model);
        setIfGiven(BenchModels.BODY_PROPERTY, body == null ? null : body.toUpperCase(java.util.Locale.ROOT));
        List<String> jmh = new ArrayList<>(patterns);
        boolean soak = jmh.removeIf(SOAK::equalsIgnoreCase);
        if (!jmh.isEmpty() || !soak) {
            dev.arbor.bench.BenchRunner.run(jmh, quick, architectures);
        }
        if (soak) {
            dev.arbor.bench.SoakBenchmark.run(requests != null ? requests : quick ? 3000 : 10_000,
                    size.toUpperCase(java.util.Locale.ROOT));
        }
        return 0;
    }

    /** Sets a model property for this JVM (the soak run, the reports) and the JMH forks (BenchRunner passes it on). */
    private static void setIfGiven(String property, Object value) {
        if (value != null) {
            System.setProperty(property, value.toString());
        }
    }
}
