package dev.arbor.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The automaton follows text as the grammar reads it, and its shortest completions are real: for
 * every schema of the conformance suite (converted with the default bounds), at every byte of every
 * valid instance, the text so far plus its shortest completion is a sentence of the grammar (the
 * test-side interpreter says so) and a valid instance of the schema (networknt says so), and it
 * has exactly the byte count the state promised. Invalid instances lose the state or end incomplete.
 */
class GrammarAutomatonTest {
    static java.util.List<SchemaCase> cases() {
        return SchemaCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyPrefixOfAValidInstanceCompletesToAValidInstance(SchemaCase c) {
        GrammarSource source = SchemaToGbnf.convert(JsonSchemaOracle.json(c.schema()), GbnfOptions.DEFAULTS);
        GbnfGrammar interpreter = GbnfGrammar.parse(source.text());
        JsonSchemaOracle oracle = new JsonSchemaOracle(JsonSchemaOracle.json(c.schema()));
        GrammarAutomaton automaton = GrammarAutomaton.compile(source.text(), source.root());

        String smallest = automaton.shortestSentence();
        assertThat(GbnfMatcher.matches(interpreter, "root", smallest)).as(smallest).isTrue();
        assertThat(oracle.valid(smallest)).as("%s: smallest %s %s", c, smallest, oracle.valid(smallest) ? "" : oracle.errors(JsonSchemaOracle.json(smallest))).isTrue();
        assertThat(automaton.start().shortestCompletionBytes()).isEqualTo(utf8(smallest).length);

        for (String instance : c.valid()) {
            byte[] bytes = utf8(instance);
            GrammarState state = automaton.start();
            for (int i = 0; i <= bytes.length; i++) {
                if (i > 0) {
                    state = state.advance(new byte[] {bytes[i - 1]}); // byte by byte: characters split too
                }
                assertThat(state.isLost()).as("%s after %d bytes of %s", c, i, instance).isFalse();
                GrammarState.Completion rest = state.shortestCompletion();
                byte[] whole = concat(java.util.Arrays.copyOf(bytes, i), rest.pendingBytes(), utf8(rest.text()));
                String document = new String(whole, StandardCharsets.UTF_8);
                assertThat(whole.length - i).as(document).isEqualTo(state.shortestCompletionBytes());
                assertThat(GbnfMatcher.matches(interpreter, "root", document)).as("%s: %s", c, document).isTrue();
                assertThat(oracle.valid(document)).as("%s: %s", c, document).isTrue();
            }
            assertThat(state.isComplete()).as(instance).isTrue();
        }
        for (String instance : c.invalid()) {
            GrammarState state = automaton.start().advance(utf8(instance));
            assertThat(state.isLost() || !state.isComplete()).as("%s: %s", c, instance).isTrue();
        }
    }

    @Test
    void repetitionsAndGroupsReadAsLlamaCppRewritesThem() {
        GrammarAutomaton g = GrammarAutomaton.compile("root ::= (\"a\" | \"bc\"){2,3} [x-z]?\n", "root");
        assertThat(g.shortestSentence()).isEqualTo("aa");
        assertThat(g.start().advance(utf8("a")).isComplete()).isFalse();
        assertThat(g.start().advance(utf8("abc")).isComplete()).isTrue();
        assertThat(g.start().advance(utf8("abcay")).isComplete()).isTrue();
        assertThat(g.start().advance(utf8("aaaa")).isLost()).isTrue();
        assertThat(g.start().advance(utf8("ab")).shortestCompletion().text()).isEqualTo("c");
    }

    @Test
    void aCharacterSplitAcrossTokensIsFinishedByItsBytes() {
        GrammarAutomaton g = GrammarAutomaton.compile("root ::= \"x\" [\\u00e9-\\u00ff] \"!\"\n", "root");
        byte[] e = utf8("\u00e9");
        GrammarState half = g.start().advance(new byte[] {'x', e[0]});
        assertThat(half.isLost()).isFalse();
        GrammarState.Completion rest = half.shortestCompletion();
        assertThat(rest.pendingBytes()).containsExactly(e[1]);
        assertThat(rest.text()).isEqualTo("!");
        assertThat(half.shortestCompletionBytes()).isEqualTo(2);
        assertThat(half.advance(new byte[] {e[1], '!'}).isComplete()).isTrue();
    }

    @Test
    void theArithmeticGrammarIsFollowed() throws Exception {
        String text = Files.readString(Path.of("src/test/resources/grammars/arithmetic.gbnf"));
        GrammarAutomaton g = GrammarAutomaton.compile(text, "root");
        GbnfGrammar interpreter = GbnfGrammar.parse(text);
        assertThat(GbnfMatcher.matches(interpreter, "root", g.shortestSentence())).isTrue();
        GrammarState state = g.start().advance(utf8("(1+(2*"));
        String document = "(1+(2*" + state.shortestCompletion().text();
        assertThat(GbnfMatcher.matches(interpreter, "root", document)).as(document).isTrue();
    }

    @Test
    void grammarsItCannotFollowAreRefusedWithTheReason() {
        assertThatThrownBy(() -> GrammarAutomaton.compile("root ::= \"a\" <[12]>\n", "root"))
                .hasMessageContaining("tokens");
        assertThatThrownBy(() -> GrammarAutomaton.compile("root ::= \"a\" root\n", "root"))
                .hasMessageContaining("no finite sentence");
        assertThatThrownBy(() -> GrammarAutomaton.compile("root ::= \"a\"\n", "start"))
                .hasMessageContaining("no rule 'start'");
    }

    @Test
    void aValueThatCanNeverEndIsNotAWayToClose() {
        // After "a" the text can grow forever but never end: no completion, so no budget allows it.
        GrammarAutomaton g = GrammarAutomaton.compile("root ::= \"a\" loop | \"b\"\nloop ::= \"c\" loop\n", "root");
        assertThat(g.start().advance(utf8("a")).shortestCompletionBytes()).isGreaterThanOrEqualTo(GrammarAutomaton.INFINITE);
        assertThat(g.shortestSentence()).isEqualTo("b");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
