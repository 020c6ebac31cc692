package dev.arbor.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.JobFixtures;
import dev.arbor.llama.gguf.SyntheticArchitecture;
import dev.arbor.llama.gguf.SyntheticModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a user of a sliding-window, hybrid or recurrent model runs: {@code arbor generate} with the
 * prefix cache on (the default) over records sharing a long {@code prompt.prefix}, the same winners,
 * token for token, as with the cache off, and no record rejected. Before memory kinds were known to
 * the KV layer, 3-4 of 7 winners differed on the hybrids and mamba2 rejected 5 of 7 records.
 */
class MemoryKindsGenerateTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = JobFixtures.miniCluster();

    private static final String PREFIX = "You are a careful writer of short tales. Read the opening below and go on "
            + "with it in the same voice, with the same people, in the same place, in a few plain words: ";

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = SyntheticArchitecture.class, names = {"GEMMA3", "QWEN35", "LFM2", "MAMBA2"})
    void theCacheChangesNoWinner(SyntheticArchitecture arch) throws Exception {
        Path model = dir.resolve(arch.ggufName() + ".gguf");
        arch.write(model, SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, 42);
        Path input = dir.resolve("in");
        List<String> lines = new ArrayList<>();
        String[] openings = {"the king", "a dog ran home", "we went to the sea", "there was a cat", "the old man",
            "in the night", "two big trees"};
        // More requests than the default context runs at once (n-seq-max 16 / width 2 = 8), so that some
        // start while others run or have finished: requests admitted in the same pass share no prefix.
        String[] endings = {"", " and then", " one day"};
        for (int i = 0; i < openings.length * endings.length; i++) {
            lines.add("{\"id\": \"r" + i + "\", \"prompt\": \"" + openings[i % openings.length]
                    + endings[i / openings.length] + "\"}");
        }
        JobFixtures.write(input.resolve("records.jsonl"), lines.toArray(String[]::new));

        Map<String, SearchResult> on = run(model, input, dir.resolve("on"), true);
        Map<String, SearchResult> off = run(model, input, dir.resolve("off"), false);

        assertThat(on.keySet()).hasSize(lines.size()).isEqualTo(off.keySet());
        for (String id : off.keySet()) {
            assertThat(on.get(id).getError()).as(id).isNull();
            assertThat(on.get(id).getWinner().getTokens()).as("%s %s", arch, id)
                    .isEqualTo(off.get(id).getWinner().getTokens());
        }
    }

    private static Map<String, SearchResult> run(Path model, Path input, Path output, boolean cache) throws Exception {
        Map<String, String> overrides = JobFixtures.small(input, output);
        overrides.put("model.path", model.toString());
        overrides.put("job.parallelism", "1");
        // The context a user gets (n-ctx 4096, n-seq-max 16): it sizes the window cache (768 cells on
        // gemma3, not the whole context) and the recurrent states the cache competes for.
        overrides.remove("context.n-ctx");
        overrides.remove("context.n-seq-max");
        overrides.put("search.max-new-tokens", "8");
        overrides.put("prompt.prefix", PREFIX);
        if (!cache) {
            overrides.put("cache.enabled", "false");
        }
        GenerateSummary summary = GenerateJob.run(JobFixtures.config(overrides),
                new PrintStream(new ByteArrayOutputStream(), true));
        assertThat(summary.rejected()).as("rejected records").isZero();
        if (cache) {
            assertThat(summary.cachedPromptTokens()).as("prompt tokens the cache served").isPositive();
        }
        return JobFixtures.readAvro(output.resolve(GenerateJob.AVRO)).stream()
                .collect(Collectors.toMap(SearchResult::getId, Function.identity()));
    }
}
