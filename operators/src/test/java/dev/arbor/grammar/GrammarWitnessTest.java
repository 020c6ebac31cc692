package dev.arbor.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Issue 22, defect 5: whether a grammar accepts any text at all is known before the run, from its
 * rules alone, with the shortest such text as a witness.
 */
class GrammarWitnessTest {
    private static GrammarWitness of(String gbnf) {
        return GrammarWitness.of(gbnf, "root");
    }

    @Test
    void theShortestTextIsTheWitness() {
        assertThat(of("root ::= \"yes\" | \"no\"").text()).contains("no");
        assertThat(of("root ::= \"a\"* \"b\"").text()).contains("b");
        assertThat(of("root ::= [0-9]{3} (\"-\" [0-9]+)?").text()).contains("000");
        assertThat(of("root ::= item (\",\" item)*\nitem ::= \"x\" | \"[\" root \"]\"  # nested").text()).contains("x");
        assertThat(of("root ::= [^\"\\\\] \"\\n\\x41\\u00e9\"").text()).contains("a\nAé");
        assertThat(of("root ::= \"a\" root | \"b\"").text()).as("right recursion").contains("b");
    }

    @Test
    void aGrammarOfAJsonSchemaHasAWitness() {
        String gbnf = SchemaToGbnf.convert("{\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\"}, "
                + "\"age\": {\"type\": \"integer\", \"minimum\": 0}}, \"required\": [\"name\", \"age\"]}",
                GbnfOptions.UNBOUNDED).text();
        GrammarWitness result = of(gbnf);
        assertThat(result.accepts()).isTrue();
        assertThat(result.text()).hasValueSatisfying(text -> assertThat(text).contains("\"name\"").contains("\"age\""));
    }

    @Test
    void aGrammarThatCanNeverBeCompletedAcceptsNothingAndSaysWhy() {
        GrammarWitness emptyClass = of("root ::= \"a\" [z-a]");
        assertThat(emptyClass.accepts()).isFalse();
        assertThat(emptyClass.why()).contains("rule 'root' can never be completed").contains("empty class");
        GrammarWitness circular = of("root ::= a\na ::= \"x\" root");
        assertThat(circular.accepts()).isFalse();
        assertThat(circular.why()).contains("only lead to each other");
        assertThat(of("root ::= [z-a]* \"ok\"").accepts()).as("zero repetitions of an empty class").isTrue();
    }

    @Test
    void tokenReferencesAcceptButHaveNoTextAndUnreadableRulesAreLeftToLlamaCpp() {
        GrammarWitness tokens = of("root ::= <think> \"x\"");
        assertThat(tokens.accepts()).isTrue();
        assertThat(tokens.text()).isEmpty();
        assertThat(of("root ::= \"unclosed").readable()).isFalse();
        assertThat(of("other ::= \"x\"").readable()).as("no root: llama.cpp names it").isFalse();
    }
}
