package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.kv.SamplerParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;

/**
 * A seeded mix of requests for the prefix cache tests: searches (beam and best-of-n, widths 1-8)
 * and likelihood measurements, most of them starting with one of a few long shared prefixes (a
 * system prompt, few-shot examples), the others with nothing in common; plus the checks that two
 * runs of it gave the same answers.
 */
final class PrefixWorkload {
    private static final String[] WORDS = {"the", "king", "sea", "dog", "old", "man", "tree", "home", "went", "a",
        "big", "house", "by", "water", "every", "day", "his", "and", "she", "said", "that", "blue", "sun", "cat"};

    /** One request of the mix: a search, or (with {@code continuation}) a likelihood measurement. */
    record Item(SearchRequest search, String id, String prompt, String continuation) {}

    /** What one item gave: a search result or a likelihood result. */
    record Answer(SearchOutcome search, LikelihoodResult likelihood) {}

    /** What every sixth search must produce: digits and spaces. */
    static final String DIGITS_GRAMMAR = "root ::= [0-9] [0-9 ]*";

    private PrefixWorkload() {}

    /** {@code n} items; {@code maxWidth} bounds search widths, {@code maxNewTokens} their lengths. */
    static List<Item> mix(int n, long seed, int maxWidth, int maxNewTokens) {
        Random random = new Random(seed);
        List<String> prefixes = List.of(words(random, 40), words(random, 24), words(random, 60) + " example one "
                + words(random, 12), words(random, 20));
        List<Item> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean shared = i % 10 < 7;
            String prefix = shared ? prefixes.get(random.nextInt(prefixes.size())) + " " : "";
            String prompt = prefix + "question " + i + " " + words(random, shared ? 2 + random.nextInt(6)
                    : 6 + random.nextInt(20));
            String id = "item-" + i;
            if (i % 5 == 4) {
                items.add(new Item(null, id, prompt, words(random, 1 + random.nextInt(5))));
                continue;
            }
            SearchRequest.Builder search = SearchRequest.builder(id).prompt(prompt)
                    .width(1 + random.nextInt(maxWidth)).maxNewTokens(1 + random.nextInt(maxNewTokens))
                    .returnCandidates(true).seed(i);
            if (random.nextBoolean()) {
                search.strategy(SearchStrategy.BEST_OF_N).sampler(SamplerParams.builder().temperature(0.9f).topP(0.95f)
                        .build());
            }
            if (i % 6 == 1) {
                // A root from the cache gets its own grammar state, as a fresh root does.
                search.grammar(DIGITS_GRAMMAR);
            }
            items.add(new Item(search.build(), id, prompt, null));
        }
        return items;
    }

    static String words(Random random, int n) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return text.toString();
    }

    /** Submits every item at once and waits for all answers, in item order. */
    static List<Answer> run(SearchEngine engine, List<Item> items) {
        List<CompletableFuture<Answer>> futures = new ArrayList<>(items.size());
        for (Item item : items) {
            futures.add(item.search() != null ? engine.submit(item.search()).thenApply(r -> new Answer(r, null))
                    : engine.likelihood(item.id(), item.prompt(), item.continuation())
                            .thenApply(r -> new Answer(null, r)));
        }
        List<Answer> answers = new ArrayList<>(items.size());
        for (CompletableFuture<Answer> future : futures) {
            try {
                answers.add(future.get(300, TimeUnit.SECONDS));
            } catch (Exception e) {
                throw new AssertionError("an item did not complete", e);
            }
        }
        return answers;
    }

    /** Same tokens in every candidate, same finish reasons, log-probabilities within llama.cpp's batch spread. */
    static void assertSameAnswers(List<Answer> actual, List<Answer> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Answer want = expected.get(i);
            Answer got = actual.get(i);
            if (want.search() != null) {
                assertSameSearch(got.search(), want.search());
            } else {
                assertThat(got.likelihood().isError()).isEqualTo(want.likelihood().isError());
                assertThat(got.likelihood().tokens()).isEqualTo(want.likelihood().tokens());
                assertClose(got.likelihood().tokenLogprobs(), want.likelihood().tokenLogprobs(),
                        got.likelihood().id());
            }
        }
    }

    private static void assertSameSearch(SearchOutcome got, SearchOutcome want) {
        assertThat(got.isError()).as(got.id() + " error: " + got.error()).isEqualTo(want.isError());
        assertThat(got.candidates()).as(got.id()).hasSameSizeAs(want.candidates());
        for (int c = 0; c < want.candidates().size(); c++) {
            RankedCompletion a = got.candidates().get(c);
            RankedCompletion b = want.candidates().get(c);
            String what = got.id() + " candidate " + c;
            assertThat(a.tokens()).as(what).isEqualTo(b.tokens());
            assertThat(a.finishReason()).as(what).isEqualTo(b.finishReason());
            assertClose(a.tokenLogprobs(), b.tokenLogprobs(), what);
            assertThat(a.score()).as(what).isCloseTo(b.score(), Offset.offset(1e-3));
        }
        assertThat(got.stats().promptTokens()).isEqualTo(want.stats().promptTokens());
        assertThat(got.stats().generatedTokens()).isEqualTo(want.stats().generatedTokens());
        assertThat(got.stats().peakKvCells()).as("cells are counted as without the cache")
                .isEqualTo(want.stats().peakKvCells());
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int t = 0; t < expected.length; t++) {
            assertThat((double) actual[t]).as(what + " token " + t).isCloseTo(expected[t], Offset.offset(1e-3));
        }
    }
}
