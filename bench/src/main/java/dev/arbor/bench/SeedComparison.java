package dev.arbor.bench;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.FlashAttention;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import dev.arbor.search.SearchEngine;
import dev.arbor.search.SearchOutcome;
import dev.arbor.search.SearchRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Arbor's side of {@code bench/seed-side-by-side.sh}, which runs it alternately with the seed's own
 * package on the same model file and the same prompt tokens, flash attention on for both.
 *
 * <ul>
 *   <li>{@code model SIZE}: prints the benchmark model's file ({@link BenchModels#file}, which reads
 *       {@code -Darbor.bench.vocab} and {@code -Darbor.bench.layers}).
 *   <li>{@code prompt MODEL FILE}: writes the workload (prompt tokens and sizes) as JSON for both sides.
 *   <li>{@code arbor MODEL FILE REPETITIONS}: beam search (width 4, 64 new tokens, the 128-token
 *       prompt of {@link BeamSearchBenchmark}, end of generation ignored) through a
 *       {@link SearchEngine}, and the 8-sequence step (one {@link BranchStore#commit} of a token to
 *       8 branches forked from a 32-token prompt, 32 steps); prints one JSON line of medians in ms.
 * </ul>
 */
public final class SeedComparison {
    static final int WIDTH = BeamSearchBenchmark.WIDTH;
    static final int BEAM_PROMPT = BeamSearchBenchmark.PROMPT;
    static final int NEW_TOKENS = BeamSearchBenchmark.NEW_TOKENS;
    static final int SEQUENCES = 8;
    static final int STEP_PROMPT = 32;
    static final int STEPS = 32;

    private SeedComparison() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "model" -> System.out.println(BenchModels.file(args[1]));
            case "prompt" -> writeWorkload(Path.of(args[1]), Path.of(args[2]));
            case "arbor" -> run(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("usage: model SIZE | prompt MODEL FILE | arbor MODEL FILE "
                    + "REPETITIONS");
        }
    }

    private static void writeWorkload(Path modelFile, Path workload) throws Exception {
        try (LlamaModel model = LlamaModel.load(modelFile)) {
            int[] beamPrompt = BenchModels.prompt(model, BEAM_PROMPT);
            int[] stepPrompt = BenchModels.prompt(model, STEP_PROMPT + 1);
            Files.writeString(workload, String.format(Locale.ROOT,
                    "{\"beamPrompt\": %s, \"stepPrompt\": %s, \"width\": %d, \"newTokens\": %d, \"sequences\": %d, "
                            + "\"steps\": %d, \"stepToken\": %d}%n",
                    Arrays.toString(beamPrompt), Arrays.toString(Arrays.copyOf(stepPrompt, STEP_PROMPT)), WIDTH,
                    NEW_TOKENS, SEQUENCES, STEPS, stepPrompt[STEP_PROMPT]));
        }
    }

    private static void run(Path modelFile, Path workload, int repetitions) throws Exception {
        String json = Files.readString(workload);
        int[] beamPrompt = intArray(json, "beamPrompt");
        int[] stepPrompt = intArray(json, "stepPrompt");
        int stepToken = intArray(json, "stepToken")[0];
        try (LlamaModel model = LlamaModel.load(modelFile);
                LlamaContext beamContext = LlamaContext.create(model, context()
                        .nCtx(WIDTH * (BEAM_PROMPT + NEW_TOKENS) + 64).nBatch(BEAM_PROMPT).nSeqMax(WIDTH).build());
                LlamaContext stepContext = LlamaContext.create(model, context()
                        .nCtx(SEQUENCES * (STEP_PROMPT + STEPS) + 64).nBatch(Math.max(STEP_PROMPT, SEQUENCES))
                        .nSeqMax(SEQUENCES).build());
                SearchEngine engine = new SearchEngine(beamContext)) {
            beamSearch(engine, beamPrompt); // warm-up, as the seed's side does
            stepTime(stepContext, stepPrompt, stepToken);
            List<Double> beamMs = new ArrayList<>();
            List<Double> stepMs = new ArrayList<>();
            List<Double> stepDecodeMs = new ArrayList<>();
            for (int r = 0; r < repetitions; r++) {
                long start = System.nanoTime();
                beamSearch(engine, beamPrompt);
                beamMs.add((System.nanoTime() - start) / 1e6);
                double[] step = stepTime(stepContext, stepPrompt, stepToken);
                stepMs.add(step[0]);
                stepDecodeMs.add(step[1]);
            }
            System.out.printf(Locale.ROOT, "{\"side\": \"arbor\", \"beamMs\": %.3f, \"stepMs\": %.3f, "
                    + "\"stepDecodeMs\": %.3f, \"beamAll\": %s, \"stepAll\": %s}%n", median(beamMs), median(stepMs),
                    median(stepDecodeMs), list(beamMs), list(stepMs));
        }
    }

    /** Benchmark context settings with flash attention on, as the seed always runs. */
    private static ContextParams.Builder context() {
        return BenchModels.context().flashAttention(FlashAttention.ON);
    }

    private static void beamSearch(SearchEngine engine, int[] prompt) throws Exception {
        SearchOutcome result = engine.submit(SearchRequest.builder("seed-comparison").promptTokens(prompt)
                .width(WIDTH).maxNewTokens(NEW_TOKENS).stopAtEndOfGeneration(false).build()).get();
        if (result.isError()) {
            throw new IllegalStateException(result.error().message());
        }
    }

    /**
     * The median time of one commit of a token to 8 branches that share a prompt, over 32 steps, and
     * the mean time per step inside llama_decode.
     */
    private static double[] stepTime(LlamaContext context, int[] prompt, int token) {
        try (BranchStore store = new BranchStore(context)) {
            Branch root = Branch.create(store, prompt, SamplerParams.greedy());
            List<Branch> branches = new ArrayList<>(List.of(root));
            for (int i = 1; i < SEQUENCES; i++) {
                branches.add(root.fork());
            }
            int[] tokens = new int[SEQUENCES];
            Arrays.fill(tokens, token);
            List<Double> times = new ArrayList<>();
            long decodeBefore = context.decodeNanos();
            for (int s = 0; s < STEPS; s++) {
                long start = System.nanoTime();
                store.commit(branches, tokens);
                times.add((System.nanoTime() - start) / 1e6);
            }
            return new double[] {median(times), (context.decodeNanos() - decodeBefore) / 1e6 / STEPS};
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static String list(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.3f", v))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** The integers of {@code "key": [ ... ]} or {@code "key": n} in the workload file. */
    private static int[] intArray(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(\\[[^\\]]*\\]|-?\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + key + " in the workload file");
        }
        return Arrays.stream(m.group(1).replace("[", "").replace("]", "").split(",")).map(String::strip)
                .filter(v -> !v.isEmpty()).mapToInt(Integer::parseInt).toArray();
    }
}
