package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.arbor.grammar.GbnfOptions;
import dev.arbor.grammar.GrammarSource;
import dev.arbor.grammar.SchemaToGbnf;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticQwen3Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closing budget's promise, on a model with random weights (which never closes a document on
 * its own accord): for 50 seeds over schemas that leave integers, strings and arrays unbounded,
 * converted as users' records are (the default bounds), at budgets one to three tokens above the
 * smallest document, every strategy (beam search, best-of-n, the step-level ones, self-consistency) at
 * widths 1, 2 and 4 returns only completions that
 * parse and validate against their schema (networknt), winners and losers alike, ended by the
 * model (EOG) or closed by the budget (BUDGET). A request whose smallest document cannot fit is
 * rejected before it runs, naming the tokens it needs.
 */
class ClosingBudgetTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    @TempDir
    static Path dir;
    private static LlamaModel model;

    @BeforeAll
    static void load() throws Exception {
        Path file = dir.resolve("qwen3-tiny.gguf");
        SyntheticQwen3Model.write(file, SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, 42);
        model = LlamaModel.load(file);
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    private record Run(String schema, SearchRequest request) {}

    @Test
    void everyCompletionAtATightBudgetIsAValidDocument() throws Exception {
        List<Run> runs = new ArrayList<>();
        for (int seed = 0; seed < 50; seed++) {
            String schema = BudgetSchemas.ALL.get(seed % BudgetSchemas.ALL.size());
            GrammarSource grammar = SchemaToGbnf.convert(schema, GbnfOptions.DEFAULTS);
            int smallest = ClosingCost.of(model, grammar.text(), grammar.root()).smallestDocumentTokens();
            int budget = smallest + 1 + seed % 3;
            for (SearchStrategy strategy : SearchStrategy.all()) {
                for (int width : new int[] {1, 2, 4}) {
                    runs.add(new Run(schema, SearchRequest.builder("s" + seed + "-" + strategy.name() + width)
                            .prompt("Record " + seed + " as JSON:").strategy(strategy).width(width)
                            .maxNewTokens(budget).grammar(grammar.text(), grammar.root()).returnCandidates(true)
                            .seed(seed).sampler(SamplerParams.builder().temperature(1.2f).build()).build()));
                }
            }
        }
        Map<StopReason, Integer> reasons = new EnumMap<>(StopReason.class);
        try (EngineFixture fixture = new EngineFixture(model, 8192, 32)) {
            List<CompletableFuture<SearchOutcome>> futures = new ArrayList<>();
            for (Run run : runs) {
                futures.add(fixture.engine.submit(run.request()));
            }
            for (int i = 0; i < runs.size(); i++) {
                Run run = runs.get(i);
                SearchOutcome outcome = futures.get(i).get();
                assertThat(outcome.isError()).as("%s: %s", run.request().id(), outcome.error()).isFalse();
                assertThat(outcome.candidates()).isNotEmpty();
                Schema validator = REGISTRY.getSchema(JSON.readTree(run.schema()));
                for (RankedCompletion candidate : outcome.candidates()) {
                    assertValid(run.request().id(), validator, candidate.completion());
                    reasons.merge(candidate.finishReason(), 1, Integer::sum);
                }
            }
            fixture.assertIdleAndEmpty();
        }
        assertThat(reasons.keySet()).as("finish reasons %s", reasons).containsOnly(StopReason.EOG, StopReason.BUDGET);
        assertThat(reasons.get(StopReason.BUDGET)).as("the budget closed documents").isPositive();
    }

    @Test
    void aSchemaWhoseSmallestDocumentCannotFitIsRejectedBeforeItRuns() {
        GrammarSource grammar = SchemaToGbnf.convert(BudgetSchemas.TRIP, GbnfOptions.DEFAULTS);
        int smallest = ClosingCost.of(model, grammar.text(), grammar.root()).smallestDocumentTokens();
        try (EngineFixture fixture = new EngineFixture(model, 2048, 8)) {
            for (SearchStrategy strategy : SearchStrategy.all()) {
                SearchOutcome outcome = fixture.run(SearchRequest.builder("tight").prompt("JSON:").strategy(strategy)
                        .maxNewTokens(smallest - 1).grammar(grammar.text()).build());
                assertThat(outcome.error().code()).isEqualTo(ErrorCode.INVALID_PARAMS);
                assertThat(outcome.error().message()).contains("takes " + smallest + " tokens")
                        .contains("at least " + smallest);
                assertThat(outcome.stats().decodeSteps()).isZero();
            }
            SearchOutcome fits = fixture.run(SearchRequest.builder("exact").prompt("JSON:").width(2)
                    .maxNewTokens(smallest).grammar(grammar.text()).build());
            assertThat(fits.isError()).isFalse();
            assertThat(fits.winner().completion().grammarComplete()).isTrue();
            fixture.assertIdleAndEmpty();
        }
    }

    private static void assertValid(String id, Schema validator, Completion completion) throws Exception {
        assertThat(completion.grammarComplete()).as("%s: %s", id, completion).isTrue();
        JsonNode json = JSON.readTree(completion.text());
        List<Error> errors = validator.validate(json, ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)));
        assertThat(errors).as("%s: %s", id, completion.text()).isEmpty();
    }
}
