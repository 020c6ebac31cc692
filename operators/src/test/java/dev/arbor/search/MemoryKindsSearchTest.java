package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.gguf.SyntheticArchitecture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine on every memory kind llama.cpp has (dense, sliding window, experts, two hybrids,
 * recurrent), through the path users take: beam search keeps what a re-decode oracle keeps, and the
 * prefix cache (on by default for users) gives the same answers as without it, grammar-constrained
 * and likelihood requests included, while it really serves prefixes on every kind.
 */
class MemoryKindsSearchTest {
    private static final String[] PROMPTS = {
        "once upon a time", "the king and the sea", "hello world", "a dog ran home", "we went to the old house",
        "there was a cat", "in the night the light", "the fire and the water",
    };

    @ParameterizedTest
    @EnumSource(SyntheticArchitecture.class)
    void beamSearchKeepsWhatARedecodeOracleKeeps(SyntheticArchitecture arch) throws Exception {
        try (LlamaModel model = LlamaModel.load(SearchTestModels.tiny(arch));
                EngineFixture fixture = new EngineFixture(model, 2048, 16);
                NaiveBeamSearch reference = new NaiveBeamSearch(model)) {
            for (int width : new int[] {1, 2, 4}) {
                List<CompletableFuture<SearchOutcome>> futures = new ArrayList<>();
                for (int p = 0; p < PROMPTS.length; p++) {
                    futures.add(fixture.engine.submit(SearchRequest.builder("p" + p).prompt(PROMPTS[p]).width(width)
                            .maxNewTokens(6).returnCandidates(true).build()));
                }
                for (int p = 0; p < PROMPTS.length; p++) {
                    SearchOutcome result = futures.get(p).get();
                    assertThat(result.error()).isNull();
                    List<NaiveBeamSearch.Hypothesis> expected = reference.search(model.tokenize(PROMPTS[p], true,
                            false), width, 6, 1.0);
                    assertThat(result.candidates()).as("%s width %d prompt %d", arch, width, p)
                            .hasSameSizeAs(expected);
                    for (int i = 0; i < expected.size(); i++) {
                        RankedCompletion actual = result.candidates().get(i);
                        assertThat(actual.tokens()).as("%s width %d prompt %d hypothesis %d", arch, width, p, i)
                                .isEqualTo(expected.get(i).tokens());
                        assertThat(actual.sumLogprob()).isCloseTo(expected.get(i).sumLogprob(), Offset.offset(5e-3));
                    }
                }
            }
            fixture.assertIdleAndEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(SyntheticArchitecture.class)
    void thePrefixCacheChangesNoAnswerAndServesPrefixesOnEveryKind(SyntheticArchitecture arch) {
        List<PrefixWorkload.Item> items = PrefixWorkload.mix(60, 21, 4, 4);
        try (LlamaModel model = LlamaModel.load(SearchTestModels.tiny(arch))) {
            List<PrefixWorkload.Answer> without;
            try (EngineFixture off = new EngineFixture(model, 4096, 16, PrefixCacheConfig.DISABLED)) {
                without = PrefixWorkload.run(off.engine, items);
            }
            List<String> violations = new ArrayList<>();
            try (EngineFixture on = new EngineFixture(model, 4096, 16, PrefixCacheConfig.defaults())) {
                on.checkInvariants(found -> {
                    synchronized (violations) {
                        violations.addAll(found);
                    }
                });
                List<PrefixWorkload.Answer> with = PrefixWorkload.run(on.engine, items);
                PrefixWorkload.assertSameAnswers(with, without);
                EngineMetrics metrics = on.engine.metrics();
                assertThat(metrics.cacheHits()).as("%s: requests started from the cache", arch).isPositive();
                assertThat(metrics.cachedPromptTokens()).isPositive();
                on.assertIdleHoldingOnlyTheCache();
            }
            synchronized (violations) {
                assertThat(violations).as(arch.toString()).isEmpty();
            }
        }
    }
}
