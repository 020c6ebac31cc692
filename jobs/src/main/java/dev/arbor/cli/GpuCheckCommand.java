package dev.arbor.cli;

import dev.arbor.jobs.config.ModelChoice;
import dev.arbor.llama.Batch;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.DecodeStatus;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaLibrary;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.LlamaRuntime;
import dev.arbor.llama.ModelParams;
import dev.arbor.llama.ThreadPolicy;
import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticModels;
import dev.arbor.search.SearchEngine;
import dev.arbor.search.SearchOutcome;
import dev.arbor.search.SearchRequest;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code arbor gpu-check}: one command for a GPU machine that was handed a built Arbor (the
 * {@code cuda} build): says which backends and devices loaded (or why CUDA did not), then times the
 * 8-sequence decode step and a width-4 beam search with every layer on the GPU and on the CPU,
 * and prints tokens/s and the GPU/CPU ratio. Exit code 0 when a GPU ran, 3 when none was usable.
 */
@Command(name = "gpu-check", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Check the GPU backend and measure decode and beam search on the GPU against the CPU.")
final class GpuCheckCommand implements Callable<Integer> {
    private static final int SEQUENCES = 8;
    private static final int PROMPT = 128;
    private static final int NEW_TOKENS = 64;
    private static final int WIDTH = 4;

    @Option(names = {"-m", "--model"}, paramLabel = "GGUF", description = "Model to run (default: the synthetic "
            + "SMALL model)")
    Path model;

    @Option(names = "--steps", description = "Decode steps to time per device (default: ${DEFAULT-VALUE})")
    int steps = 200;

    @Option(names = "--searches", description = "Beam searches to time per device (default: ${DEFAULT-VALUE})")
    int searches = 5;

    @Override
    public Integer call() {
        LlamaRuntime llama = LlamaLibrary.runtime();
        System.out.printf("llama.cpp %s (%s), backends %s%n", llama.llamaVersion(), llama.commit(),
                String.join(", ", llama.backends()));
        for (LlamaRuntime.Device device : llama.devices()) {
            System.out.printf("  %s %s: %s, %,d MiB free of %,d MiB%n", device.type(), device.name(),
                    device.description(), device.freeBytes() >> 20, device.totalBytes() >> 20);
        }
        if (!llama.hasGpu()) {
            System.out.println("no GPU device: " + llama.gpuProblem().orElse("this is the CPU build of Arbor "
                    + "(build the cuda variant with: mvn -Pcuda package)"));
            return ExitCode.NO_GPU.code();
        }
        Path file = model != null ? model
                : SyntheticModels.cached(SyntheticModel.Size.SMALL, SyntheticModel.Precision.F32, ModelChoice.SYNTHETIC_SEED);
        System.out.printf("model %s%n", file);
        Figures cpu = measure(file, 0);
        Figures gpu = measure(file, Integer.MAX_VALUE);
        report("decode step, 8 sequences", gpu.decodeTokensPerSecond, cpu.decodeTokensPerSecond);
        report("beam search width 4, 128-token prompt, 64 tokens", gpu.beamTokensPerSecond, cpu.beamTokensPerSecond);
        return ExitCode.SUCCESS.code();
    }

    private record Figures(double decodeTokensPerSecond, double beamTokensPerSecond) {}

    private Figures measure(Path file, int gpuLayers) {
        try (LlamaModel loaded = LlamaModel.load(file, ModelParams.builder().nGpuLayers(gpuLayers).build())) {
            ContextParams params = ContextParams.builder().nCtx(2 * WIDTH * (PROMPT + NEW_TOKENS) + 256)
                    .nBatch(PROMPT).nSeqMax(SEQUENCES).threadPolicy(ThreadPolicy.FIXED).build();
            double decode;
            try (LlamaContext context = LlamaContext.create(loaded, params)) {
                decode = decodeTokensPerSecond(loaded, context);
            }
            double beam;
            try (LlamaContext context = LlamaContext.create(loaded, params); SearchEngine engine = new SearchEngine(context)) {
                beam = beamTokensPerSecond(loaded, engine);
            }
            return new Figures(decode, beam);
        }
    }

    private double decodeTokensPerSecond(LlamaModel loaded, LlamaContext context) {
        int[] prompt = loaded.tokenize("once upon a time there was a king who lived by the sea", true, false);
        try (Batch batch = new Batch(context.nBatch())) {
            for (int seq = 0; seq < SEQUENCES; seq++) {
                batch.clear();
                for (int i = 0; i < prompt.length; i++) {
                    batch.add(prompt[i], i, seq, i == prompt.length - 1);
                }
                require(context.decode(batch));
            }
            long start = 0;
            for (int step = -10; step < steps; step++) {
                if (step == 0) {
                    start = System.nanoTime();
                }
                batch.clear();
                for (int seq = 0; seq < SEQUENCES; seq++) {
                    context.seqRemove(seq, prompt.length, -1);
                    batch.add(prompt[1], prompt.length, seq, true);
                }
                require(context.decode(batch));
                context.logits(0);
            }
            return SEQUENCES * steps / ((System.nanoTime() - start) / 1e9);
        }
    }

    private double beamTokensPerSecond(LlamaModel loaded, SearchEngine engine) {
        int[] words = loaded.tokenize("once upon a time there was a king who lived in a big house by the sea", true,
                false);
        int[] prompt = new int[PROMPT];
        for (int i = 0; i < PROMPT; i++) {
            prompt[i] = words[i % words.length];
        }
        long generated = 0;
        long start = 0;
        for (int run = -1; run < searches; run++) {
            if (run == 0) {
                start = System.nanoTime();
            }
            SearchOutcome result = engine.submit(SearchRequest.builder("gpu-check-" + run).promptTokens(prompt)
                    .width(WIDTH).maxNewTokens(NEW_TOKENS).stopAtEndOfGeneration(false).build()).join();
            if (result.isError()) {
                throw new IllegalStateException(result.error().message());
            }
            if (run >= 0) {
                generated += result.stats().generatedTokens();
            }
        }
        return generated / ((System.nanoTime() - start) / 1e9);
    }

    private static void report(String what, double gpu, double cpu) {
        System.out.printf(Locale.ROOT, "%-52s GPU %10.1f tokens/s   CPU %10.1f tokens/s   GPU/CPU %.2fx%n", what, gpu,
                cpu, gpu / cpu);
    }

    private static void require(DecodeStatus status) {
        if (status != DecodeStatus.OK) {
            throw new IllegalStateException("decode returned " + status);
        }
    }
}
