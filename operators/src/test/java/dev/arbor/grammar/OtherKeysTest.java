package dev.arbor.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keys of extra members never repeat a declared property, whatever the names share: prefixes of
 * each other, the empty name, non-ASCII and class-syntax characters, a name that needs escaping.
 */
class OtherKeysTest {
    private static final List<String> DECLARED = List.of("", "a", "ab", "abc", "b-]^\\", "\u00e9\u4e2d",
            "x\"y", "\uD83D\uDE00");

    @Test
    void declaredNamesAreNotExtraKeysAndOtherNamesAre() {
        StringBuilder properties = new StringBuilder();
        for (String name : DECLARED) {
            properties.append(properties.length() == 0 ? "" : ",").append(EnumRules.spell(
                    com.fasterxml.jackson.databind.node.TextNode.valueOf(name))).append(":{\"type\":\"null\"}");
        }
        String schema = "{\"type\":\"object\",\"properties\":{" + properties
                + "},\"additionalProperties\":{\"type\":\"integer\"}}";
        GbnfGrammar g = GbnfGrammar.parse(SchemaToGbnf.convert(JsonSchemaOracle.json(schema)).text());
        for (String name : DECLARED) {
            String key = EnumRules.spell(com.fasterxml.jackson.databind.node.TextNode.valueOf(name));
            assertThat(GbnfMatcher.matches(g, "root", "{" + key + ":1}")).as("extra key %s", key).isFalse();
            assertThat(GbnfMatcher.matches(g, "root", "{" + key + ":null}")).as("declared %s", key).isTrue();
        }
        for (String other : List.of("c", "aa", "abcd", "ac", "b", "b-]", "b-]^", "\u00e9", "\u00e9\u4e2d\u4e2d",
                "\uD83D\uDE01", "\uD83D\uDE00!", " ", "ba")) {
            assertThat(GbnfMatcher.matches(g, "root", "{\"" + other + "\":1}")).as("extra key %s", other).isTrue();
        }
    }
}
