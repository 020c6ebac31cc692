package dev.arbor.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.flink.records.SearchStats;
import dev.arbor.search.SearchTestModels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Small, fast settings on the tiny synthetic model, and record helpers, shared by the Flink tests. */
public final class TestSetup {
    public static final List<String> PROMPTS = List.of("once upon a time", "the king and the sea", "we go home",
            "hello world", "a tree grows", "the sea is blue", "in the morning", "she said that");

    private TestSetup() {}

    /** nCtx 1024, 4 sequences, one thread, beam width 2, 6 new tokens, a generous timeout. */
    public static ArborConfig.Builder small() {
        return ArborConfig.builder()
                .modelPath(SearchTestModels.tiny().toString())
                .set(ArborOptions.N_CTX, 1024)
                .set(ArborOptions.N_BATCH, 128)
                .set(ArborOptions.N_SEQ_MAX, 4)
                .set(ArborOptions.THREADS, 1)
                .set(ArborOptions.WIDTH, 2)
                .set(ArborOptions.MAX_NEW_TOKENS, 6)
                .set(ArborOptions.TIMEOUT, Duration.ofSeconds(60));
    }

    public static ModelRegistry.Key tinyKey() {
        return new ModelRegistry.Key(SearchTestModels.tiny(), 0);
    }

    public static PromptRequest request(String id, String prompt) {
        return PromptRequest.newBuilder().setId(id).setPrompt(prompt).setMetadata(Map.of("source", "test", "id", id))
                .build();
    }

    /** {@code n} good requests cycling over {@link #PROMPTS}, ids {@code prefix + i}. */
    public static List<PromptRequest> requests(String prefix, int n) {
        List<PromptRequest> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            requests.add(request(prefix + i, PROMPTS.get(i % PROMPTS.size())));
        }
        return requests;
    }

    /**
     * The result without what a re-run may change: its wall-clock timings, and how much of its prompt
     * the prefix cache served (that depends on what ran before in the same slot; a restored job starts cold).
     */
    public static SearchResult withoutTimings(SearchResult result) {
        SearchResult.Builder copy = SearchResult.newBuilder(result);
        if (result.getStats() != null) {
            copy.setStats(SearchStats.newBuilder(result.getStats()).setQueuedMs(0L).setRunMs(0L)
                    .setCachedPromptTokens(0).build());
        }
        return copy.build();
    }

    /** Results by id, without timings; fails on a duplicate id. */
    public static Map<String, SearchResult> byId(List<SearchResult> results) {
        Map<String, SearchResult> map = new HashMap<>();
        for (SearchResult result : results) {
            if (map.put(result.getId(), withoutTimings(result)) != null) {
                throw new AssertionError("duplicate result for " + result.getId());
            }
        }
        return map;
    }

    /**
     * Asserts that two result sets answer the same ids with the same results: identical text,
     * tokens, finish reasons, ranks, errors, metadata and stats (but timings); log-probabilities
     * and scores within 1e-3 (relative above 1). (llama.cpp's float sums depend slightly on which sequences share a
     * decode batch, so a re-run after a restore may differ in the last bits, never in tokens.)
     */
    public static void assertSameResults(Map<String, SearchResult> actual, Map<String, SearchResult> expected) {
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, SearchResult> entry : expected.entrySet()) {
            assertThat(actual.get(entry.getKey()))
                    .as("result of %s", entry.getKey())
                    .usingRecursiveComparison()
                    .ignoringFields("stats.queuedMs", "stats.runMs")
                    .withComparatorForType(TestSetup::closeEnough, Double.class)
                    .withComparatorForType((a, b) -> closeEnough((double) a, (double) b), Float.class)
                    .isEqualTo(entry.getValue());
        }
    }

    private static int closeEnough(Double a, Double b) {
        if (a == null || b == null) {
            return a == b ? 0 : 1;
        }
        double scale = Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
        return Math.abs(a - b) <= 1e-3 * scale ? 0 : Double.compare(a, b);
    }

    /** Waits (up to a minute) until no one holds the model in the JVM's registry; tasks close asynchronously. */
    public static void awaitReleased(ModelRegistry.Key key) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (ModelRegistry.shared().users(key) > 0 && System.nanoTime() < deadline) {
            sleep(10);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
