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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generation under a grammar on a model with random weights, where the grammar does all the work:
 * for 50 seeds spread over six JSON Schemas, converted as records, options and SQL convert them
 * (the default bounds), beam search (widths 1 and 4) and best-of-4 give only completions that parse
 * as JSON and validate against their schema (checked by networknt's validator), winners and losers
 * alike; a GBNF grammar of arithmetic holds and closes the same way; under a grammar whose closing
 * cannot be computed, a completion cut short is marked incomplete, never passed off as valid.
 * {@link ClosingBudgetTest} tightens the budgets to just above the smallest document.
 */
class ConstrainedGenerationTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final List<String> SCHEMAS = List.of(
            """
            {"type": "object", "properties": {"name": {"type": "string", "minLength": 1},
              "age": {"type": "integer", "minimum": 0, "maximum": 120}, "member": {"type": "boolean"}},
             "required": ["name", "age"], "additionalProperties": false}""",
            """
            {"type": "array", "items": {"enum": ["red", "green", "blue", null, 7]}, "minItems": 1, "maxItems": 4}""",
            """
            {"$defs": {"node": {"type": "object", "properties": {"v": {"type": "integer"},
               "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}, "maxItems": 2}},
             "required": ["v"], "additionalProperties": false}}, "$ref": "#/$defs/node"}""",
            """
            {"anyOf": [{"type": "object", "properties": {"kind": {"const": "circle"}, "r": {"type": "number"}},
               "required": ["kind", "r"], "additionalProperties": false},
             {"type": "object", "properties": {"kind": {"const": "square"}, "side": {"type": "integer"}},
               "required": ["kind", "side"], "additionalProperties": false}]}""",
            """
            {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"},
              "day": {"type": "string", "format": "date"}, "note": {"type": ["string", "null"], "maxLength": 5}},
             "required": ["id", "day"], "additionalProperties": false}""",
            """
            {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string", "maxLength": 4},
               "minItems": 2, "maxItems": 3}, "score": {"type": "number", "minimum": 0, "maximum": 10}},
             "required": ["tags"], "additionalProperties": false}""");

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
    void everyCompletionOfEveryStrategyIsValidJsonOfItsSchema() throws Exception {
        List<Run> runs = new ArrayList<>();
        for (int seed = 0; seed < 50; seed++) {
            String schema = SCHEMAS.get(seed % SCHEMAS.size());
            GrammarSource grammar = SchemaToGbnf.convert(schema, GbnfOptions.DEFAULTS);
            String prompt = "Record " + seed + " as JSON:";
            for (int variant = 0; variant < 3; variant++) {
                SearchRequest.Builder request = SearchRequest.builder("s" + seed + "-v" + variant).prompt(prompt)
                        .maxNewTokens(160).grammar(grammar.text(), grammar.root()).returnCandidates(true).seed(seed);
                switch (variant) {
                    case 0 -> request.strategy(SearchStrategy.BEAM).width(1);
                    case 1 -> request.strategy(SearchStrategy.BEAM).width(4);
                    default -> request.strategy(SearchStrategy.BEST_OF_N).width(4)
                            .sampler(SamplerParams.builder().temperature(1.2f).build());
                }
                runs.add(new Run(schema, request.build()));
            }
        }
        try (EngineFixture fixture = new EngineFixture(model, 8192, 32)) {
            List<CompletableFuture<SearchOutcome>> futures = new ArrayList<>();
            for (Run run : runs) {
                futures.add(fixture.engine.submit(run.request()));
            }
            int checked = 0;
            for (int i = 0; i < runs.size(); i++) {
                SearchOutcome outcome = futures.get(i).get();
                assertThat(outcome.isError()).as("%s: %s", runs.get(i).request().id(), outcome.error()).isFalse();
                Schema schema = validator(runs.get(i).schema());
                for (RankedCompletion candidate : outcome.candidates()) {
                    assertValid(runs.get(i).request().id(), schema, candidate.completion());
                    checked++;
                }
            }
            assertThat(checked).as("candidates checked").isGreaterThanOrEqualTo(50 * (1 + 4 + 4));
            fixture.assertIdleAndEmpty();
        }
    }

    @Test
    void aGbnfGrammarOfArithmeticHoldsForEveryStrategy() throws Exception {
        String arithmetic = Files.readString(Path.of("src/test/resources/grammars/arithmetic.gbnf"));
        try (EngineFixture fixture = new EngineFixture(model, 4096, 16)) {
            for (int seed = 0; seed < 6; seed++) {
                for (SearchStrategy strategy : SearchStrategy.all()) {
                    SearchOutcome outcome = fixture.run(SearchRequest.builder("a" + seed + strategy).prompt("2+2=")
                            .strategy(strategy).width(3).maxNewTokens(48).seed(seed).grammar(arithmetic)
                            .sampler(SamplerParams.builder().temperature(1.5f).build()).returnCandidates(true)
                            .build());
                    for (RankedCompletion candidate : outcome.candidates()) {
                        Completion completion = candidate.completion();
                        String text = expression(completion);
                        assertThat(text).as("%s %s", strategy, completion).matches("[0-9+\\-*/() ]+");
                        // The grammar's closing is computable, so the budget closes every expression.
                        assertThat(completion.grammarComplete()).as("%s %s", strategy, completion).isTrue();
                        assertThat(completion.finishReason()).isIn(StopReason.EOG, StopReason.BUDGET);
                        assertThat(balanced(text)).as(text).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void aCompletionCutShortIsMarkedIncomplete() {
        // A token reference: its closing cannot be computed from text, so no budget applies (as before).
        String grammar = "root ::= [a-z]{12,} <[" + model.eos() + "]>\n";
        try (EngineFixture fixture = new EngineFixture(model, 2048, 8)) {
            SearchOutcome outcome = fixture.run(SearchRequest.builder("short").prompt("JSON:").width(2).maxNewTokens(3)
                    .grammar(grammar).returnCandidates(true).build());
            assertThat(outcome.candidates()).isNotEmpty().allSatisfy(candidate -> {
                assertThat(candidate.finishReason()).isEqualTo(StopReason.LENGTH);
                assertThat(candidate.completion().grammarComplete()).isFalse();
            });
            SearchOutcome free = fixture.run(SearchRequest.builder("free").prompt("JSON:").maxNewTokens(3).build());
            assertThat(free.winner().completion().grammarComplete()).as("no grammar, no verdict").isNull();
        }
    }

    @Test
    void badGrammarsAreAnsweredWithInvalidGrammar() {
        try (EngineFixture fixture = new EngineFixture(model, 2048, 8)) {
            SearchOutcome outcome = fixture.run(SearchRequest.builder("bad").prompt("x").grammar("root ::= (\"a\"")
                    .build());
            assertThat(outcome.error().code()).isEqualTo(ErrorCode.INVALID_GRAMMAR);
            assertThat(outcome.error().message()).contains("line 1").contains("')'");
            SearchOutcome good = fixture.run(SearchRequest.builder("good").prompt("x").grammar("root ::= \"ok\"")
                    .maxNewTokens(8).build());
            assertThat(good.isError()).isFalse();
            fixture.assertIdleAndEmpty();
        }
    }

    /** The completion's text, as the grammar sees it: the bytes of its tokens, end of generation excluded. */
    private static String expression(Completion completion) {
        StringBuilder text = new StringBuilder();
        for (int token : completion.tokens()) {
            if (!model.isEndOfGeneration(token)) {
                text.append(new String(model.tokenPiece(token), StandardCharsets.UTF_8));
            }
        }
        return text.toString();
    }

    private static boolean balanced(String text) {
        int depth = 0;
        for (char c : text.toCharArray()) {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0) {
                return false;
            }
        }
        return depth == 0;
    }

    private static Schema validator(String schema) throws Exception {
        return REGISTRY.getSchema(JSON.readTree(schema));
    }

    private static void assertValid(String id, Schema schema, Completion completion) throws Exception {
        assertThat(completion.grammarComplete()).as("%s: %s", id, completion).isTrue();
        String text = expression(completion);
        JsonNode json = JSON.readTree(text);
        List<Error> errors = schema.validate(json, ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)));
        assertThat(errors).as("%s: %s", id, text).isEmpty();
    }
}
