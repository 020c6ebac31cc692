package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A request gives the same tokens alone, among 15 others, and after a restart of the engine. */
class DeterminismTest {
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(SearchTestModels.tiny());
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    private static SearchRequest sampled(String id, String prompt) {
        return SearchRequest.builder(id).prompt(prompt).strategy(SearchStrategy.BEST_OF_N).width(3).maxNewTokens(16).seed(99)
                .sampler(SamplerParams.builder().temperature(0.9f).topP(0.95f).build()).returnCandidates(true).build();
    }

    private static SearchRequest beam(String id, String prompt) {
        return SearchRequest.builder(id).prompt(prompt).width(3).maxNewTokens(12).returnCandidates(true).build();
    }

    @Test
    void sameTokensAloneInCompanyAndAfterARestart() throws Exception {
        List<SearchRequest> probes = List.of(sampled("probe-sampled", "the king and the sea"),
                beam("probe-beam", "once upon a time"));
        List<SearchOutcome> alone = new ArrayList<>();
        try (EngineFixture fixture = new EngineFixture(model, 4096, 16)) {
            for (SearchRequest probe : probes) {
                alone.add(fixture.run(probe));
            }
        }
        try (EngineFixture fixture = new EngineFixture(model, 4096, 16)) {
            List<CompletableFuture<SearchOutcome>> company = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                company.add(fixture.engine.submit(i % 2 == 0 ? sampled("other-" + i, "we went home number " + i)
                        : beam("other-" + i, "the old man " + i)));
                if (i == 7) {
                    company.add(fixture.engine.submit(probes.get(0)));
                    company.add(fixture.engine.submit(probes.get(1)));
                }
            }
            SearchOutcome sampledInCompany = company.get(8).get();
            SearchOutcome beamInCompany = company.get(9).get();
            assertSameTokens(sampledInCompany, alone.get(0));
            assertSameTokens(beamInCompany, alone.get(1));
            CompletableFuture.allOf(company.toArray(CompletableFuture[]::new)).get();
        }
        try (EngineFixture restarted = new EngineFixture(model, 4096, 16)) {
            for (int i = 0; i < probes.size(); i++) {
                assertSameTokens(restarted.run(probes.get(i)), alone.get(i));
            }
        }
    }

    private static void assertSameTokens(SearchOutcome actual, SearchOutcome expected) {
        assertThat(actual.id()).isEqualTo(expected.id());
        assertThat(actual.candidates()).hasSameSizeAs(expected.candidates());
        for (int i = 0; i < expected.candidates().size(); i++) {
            assertThat(actual.candidates().get(i).tokens()).as("%s candidate %d", actual.id(), i)
                    .isEqualTo(expected.candidates().get(i).tokens());
        }
    }

    @Test
    void differentIdsSampleDifferently() {
        try (EngineFixture fixture = new EngineFixture(model, 4096, 16)) {
            SearchOutcome a = fixture.run(sampled("a", "the king and the sea"));
            SearchOutcome b = fixture.run(sampled("b", "the king and the sea"));
            assertThat(a.candidates().get(0).tokens()).isNotEqualTo(b.candidates().get(0).tokens());
        }
    }
}
