package dev.arbor.bench;

import dev.arbor.annotation.Internal;
import dev.arbor.grammar.GbnfOptions;
import dev.arbor.grammar.GrammarSource;
import dev.arbor.grammar.SchemaToGbnf;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import dev.arbor.search.SearchEngine;
import dev.arbor.search.SearchOutcome;
import dev.arbor.search.SearchRequest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Beam search, width 4, 64 new tokens, with every beam constrained by a JSON Schema's grammar as
 * records convert it (the default bounds) against the same search unconstrained ({@link #free}).
 * {@link #constrained} pays for the grammar (each beam's logits masked by its own grammar state
 * every step) and for the closing budget's bookkeeping (each candidate continuation followed in the
 * Java grammar automaton, the shortest completion read off its stacks, and tokenized near the end
 * of the budget). The schema leaves a string and an integer unbounded, so the budget has work to do.
 * {@link #constrainedWithoutBudget} masks with the same grammar plus one unused rule that refers to a
 * token, which makes its closing not computable: the search then runs without a budget, so
 * against {@link #constrained} it measures the budget's bookkeeping alone. All three decode 64
 * steps (end of generation does not stop them), so the ratios are the constraint's cost.
 */
@Internal
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConstrainedBeamSearchBenchmark {
    static final int WIDTH = 4;
    static final int NEW_TOKENS = 64;
    static final String SCHEMA = """
            {"type": "object", "properties": {"name": {"type": "string"},
              "colour": {"enum": ["red", "green", "blue"]}, "quantity": {"type": "integer"},
              "tags": {"type": "array", "items": {"type": "string", "maxLength": 10}, "maxItems": 3}},
             "required": ["name", "quantity"], "additionalProperties": false}""";

    @Param({"SMALL"})
    public String size;

    private LlamaModel model;
    private LlamaContext context;
    private SearchEngine engine;
    private int[] prompt;
    private GrammarSource grammar;
    private String grammarWithoutBudget;

    @Setup(Level.Trial)
    public void load() {
        model = LlamaModel.load(BenchModels.file(size));
        context = LlamaContext.create(model, BenchModels.context().nCtx(2048).nBatch(128).nSeqMax(WIDTH).build());
        engine = new SearchEngine(context);
        prompt = BenchModels.prompt(model, 64);
        grammar = SchemaToGbnf.convert(SCHEMA, GbnfOptions.DEFAULTS);
        grammarWithoutBudget = grammar.text() + "unused-token ::= <[" + model.eos() + "]>\n";
    }

    @Benchmark
    public double constrained() throws Exception {
        return run(SearchRequest.builder("constrained").grammar(grammar.text()));
    }

    @Benchmark
    public double constrainedWithoutBudget() throws Exception {
        return run(SearchRequest.builder("no-budget").grammar(grammarWithoutBudget));
    }

    @Benchmark
    public double free() throws Exception {
        return run(SearchRequest.builder("free"));
    }

    private double run(SearchRequest.Builder builder) throws Exception {
        SearchOutcome result = engine.submit(builder.promptTokens(prompt).width(WIDTH).maxNewTokens(NEW_TOKENS)
                .stopAtEndOfGeneration(false).build()).get();
        if (result.isError()) {
            throw new IllegalStateException(result.error().message());
        }
        return result.winner().score();
    }

    @TearDown(Level.Trial)
    public void close() {
        engine.close();
        context.close();
        model.close();
    }
}
