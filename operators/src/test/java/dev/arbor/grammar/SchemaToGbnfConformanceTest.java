package dev.arbor.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The converter's promise, checked schema by schema against an independent validator: every
 * sentence of the grammar is JSON that validates (sentences drawn at random from the grammar), the
 * valid instances written by hand are sentences, the invalid ones are not, and the narrowed ones
 * (valid, but outside the documented output form) are not either.
 */
class SchemaToGbnfConformanceTest {
    private static final int SAMPLES = 150;

    static List<SchemaCase> cases() {
        return SchemaCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everySentenceOfTheGrammarValidates(SchemaCase c) {
        Converted g = Converted.of(c.schema(), GbnfOptions.UNBOUNDED);
        for (int seed = 0; seed < SAMPLES; seed++) {
            String sentence = new GbnfSampler(g.parsed(), seed, 6).sample("root");
            assertThat(JsonSchemaOracle.isJson(sentence)).as("JSON? %s", sentence).isTrue();
            assertThat(g.oracle().errors(JsonSchemaOracle.json(sentence))).as("errors of %s", sentence).isEmpty();
            assertThat(g.accepts(sentence)).as("the matcher accepts its own sample %s", sentence).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validInstancesAreSentences(SchemaCase c) {
        Converted g = Converted.of(c.schema(), GbnfOptions.UNBOUNDED);
        for (String instance : c.valid()) {
            assertThat(g.oracle().valid(instance)).as("the test's own claim: %s is valid", instance).isTrue();
            assertThat(g.accepts(instance)).as("accepts %s\n%s", instance, g.grammar().text()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void invalidInstancesAreNot(SchemaCase c) {
        Converted g = Converted.of(c.schema(), GbnfOptions.UNBOUNDED);
        for (String instance : c.invalid()) {
            assertThat(g.oracle().valid(instance)).as("the test's own claim: %s is invalid", instance).isFalse();
            assertThat(g.accepts(instance)).as("rejects %s\n%s", instance, g.grammar().text()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void narrowedInstancesAreValidButNotSentences(SchemaCase c) {
        Converted g = Converted.of(c.schema(), GbnfOptions.UNBOUNDED);
        for (String instance : c.narrowed()) {
            assertThat(g.oracle().valid(instance)).as("the test's own claim: %s is valid", instance).isTrue();
            assertThat(g.accepts(instance)).as("rejects %s", instance).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void cappedGrammarsStayValidAndShort(SchemaCase c) {
        Converted g = Converted.of(c.schema(), new GbnfOptions(8, 3, 4));
        for (int seed = 0; seed < SAMPLES / 5; seed++) {
            String sentence = new GbnfSampler(g.parsed(), seed, 6).sample("root");
            assertThat(g.oracle().errors(JsonSchemaOracle.json(sentence))).as("errors of %s", sentence).isEmpty();
        }
        assertThat(g.accepts("\"" + "x".repeat(9) + "\"")).isFalse();
    }

    /** A converted schema with its parsed grammar and its validator. */
    record Converted(GrammarSource grammar, GbnfGrammar parsed, JsonSchemaOracle oracle) {
        static Converted of(String schemaJson, GbnfOptions options) {
            JsonNode schema = JsonSchemaOracle.json(schemaJson);
            GrammarSource grammar = SchemaToGbnf.convert(schema, options);
            return new Converted(grammar, GbnfGrammar.parse(grammar.text()), new JsonSchemaOracle(schema));
        }

        boolean accepts(String text) {
            return GbnfMatcher.matches(parsed, grammar.root(), text);
        }
    }
}
