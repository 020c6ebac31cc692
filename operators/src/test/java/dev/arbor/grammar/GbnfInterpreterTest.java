package dev.arbor.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The test-side GBNF interpreter reads and matches the constructs the converter and tests use. */
class GbnfInterpreterTest {
    private static boolean matches(String grammar, String input) {
        return GbnfMatcher.matches(GbnfGrammar.parse(grammar), "root", input);
    }

    @Test
    void literalsClassesAndEscapes() {
        String g = "root ::= \"a\\\"\\\\\\x41\\u00e9\\U0001F600\\n\" [^\\x00-\\x1F\"] [a-c\\]\\x2D]\n";
        assertThat(matches(g, "a\"\\A\u00e9\uD83D\uDE00\n" + "z" + "]")).isTrue();
        assertThat(matches(g, "a\"\\A\u00e9\uD83D\uDE00\n" + "\"" + "b")).isFalse();
        assertThat(matches(g, "a\"\\A\u00e9\uD83D\uDE00\n" + "z" + "d")).isFalse();
    }

    @Test
    void repetitionsGroupsAlternativesAndComments() {
        String g = """
                # a comment
                root ::= ("x" | y){2,3} z? w* "!"+ # trailing comment
                y ::= "y"
                z ::= [0-9]{2}
                w ::= (
                  "w" |
                  "v")
                """;
        assertThat(matches(g, "xy!")).isTrue();
        assertThat(matches(g, "xyx12wvw!!")).isTrue();
        assertThat(matches(g, "x!")).isFalse();
        assertThat(matches(g, "xyxy!")).isFalse();
        assertThat(matches(g, "xy1!")).isFalse();
        assertThat(matches(g, "xy")).isFalse();
    }

    @Test
    void refusesWhatLlamaCppRefuses() {
        assertThatThrownBy(() -> GbnfGrammar.parse("root ::= a\n")).hasMessageContaining("undefined rule a");
        assertThatThrownBy(() -> GbnfGrammar.parse("root ::= \"\\q\"\n")).hasMessageContaining("unknown escape");
        assertThatThrownBy(() -> GbnfGrammar.parse("root ::= root \"a\" | \"b\"\n")).hasMessageContaining("left recursion");
        assertThatThrownBy(() -> GbnfGrammar.parse("root ::= x? root \"a\" | \"b\"\nx ::= \"x\"\n"))
                .hasMessageContaining("left recursion");
        assertThatThrownBy(() -> GbnfGrammar.parse("root ::= \"a\"{2001}\n")).hasMessageContaining("threshold");
    }
}
