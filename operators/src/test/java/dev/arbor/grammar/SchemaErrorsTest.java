package dev.arbor.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Schemas the converter refuses: each error names the keyword (for unsupported ones) and the JSON
 * pointer of the offending place, so a rejected record says what to change.
 */
class SchemaErrorsTest {
    private static GrammarSource convert(String schema) {
        return SchemaToGbnf.convert(JsonSchemaOracle.json(schema));
    }

    @ParameterizedTest(name = "{1} at {2}")
    @CsvSource(delimiter = '|', value = {
        "{'properties':{'name':{'type':'string','pattern':'^a'}}}                | pattern           | #/properties/name/pattern",
        "{'type':'integer','multipleOf':2}                                        | multipleOf        | #/multipleOf",
        "{'properties':{'a':{'not':{'type':'null'}}}}                              | not               | #/properties/a/not",
        "{'if':{'type':'string'},'then':{'minLength':1}}                           | if                | #/if",
        "{'type':'object','patternProperties':{'^x':{}}}                          | patternProperties | #/patternProperties",
        "{'type':'object','properties':{'a':{}},'dependentRequired':{'a':['b']}}  | dependentRequired | #/dependentRequired",
        "{'type':'object','minProperties':1}                                      | minProperties     | #/minProperties",
        "{'type':'string','nullable':true}                                        | nullable          | #/nullable",
        "{'type':'array','items':[{'type':'string'}]}                             | items             | #/items",
        "{'type':'array','contains':{'type':'null'}}                              | contains          | #/contains",
        "{'type':'array','items':{'type':'integer'},'uniqueItems':true}           | uniqueItems       | #/uniqueItems",
        "{'type':'string','format':'email'}                                       | format            | #/format",
        "{'$ref':'https://example.com/schema.json'}                               | $ref              | #/$ref",
        "{'$defs':{'a':{'$anchor':'x'}},'$ref':'#x'}                              | $ref              | #/$ref",
        "{'properties':{'a':{'$id':'http://x/a','type':'null'}}}                  | $id               | #/properties/a/$id",
        "{'type':'number','minimum':0.5}                                          | minimum           | #/minimum",
        "{'type':'integer','minimum':0,'exclusiveMinimum':true}                   | exclusiveMinimum  | #/exclusiveMinimum",
        "{'type':'string','maxLength':5000}                                       | maxLength         | #/maxLength",
        "{'oneOf':[{'type':'integer'},{'type':'number'}]}                         | oneOf             | #/oneOf",
        "{'oneOf':[{'type':'object','properties':{'a':{}}},{'type':'object'}]}    | oneOf             | #/oneOf",
        "{'allOf':[{'type':'string','minLength':1},{'minLength':2}]}               | minLength         | #",
        "{'allOf':[{'properties':{'a':{}}},{'additionalProperties':false}]}       | additionalProperties | #",
        "{'enum':['a','b'],'minLength':1}                                         | minLength         | #/minLength",
    })
    void unsupportedKeywordsAreNamedWithTheirLocation(String schema, String keyword, String location) {
        assertThatThrownBy(() -> convert(schema.replace('\'', '"')))
                .isInstanceOfSatisfying(UnsupportedSchemaException.class, e -> {
                    assertThat(e.keyword()).isEqualTo(keyword);
                    assertThat(e.location()).isEqualTo(location);
                    assertThat(e.getMessage()).contains("'" + keyword + "'").endsWith(" at " + location);
                });
    }

    @ParameterizedTest(name = "{2} at {1}")
    @CsvSource(delimiter = '|', value = {
        "42                                                                       | #                  | must be an object or a boolean",
        "false                                                                    | #                  | admits no value",
        "{'properties':{'a':{}},'required':['a','b']}                             | #/required         | 'b', which properties does not declare",
        "{'properties':{'a':{'$ref':'#/$defs/missing'}}}                          | #/properties/a/$ref | points to nothing",
        "{'type':'array','minItems':3,'maxItems':2}                               | #                  | minItems 3 exceeds maxItems 2",
        "{'type':'array','prefixItems':[{}],'items':false,'minItems':2}           | #                  | minItems 2 exceeds the 1 items",
        "{'type':'string','minLength':3,'maxLength':2}                            | #                  | minLength 3 exceeds maxLength 2",
        "{'type':'integer','minimum':3,'maximum':2.5}                             | #                  | no integer lies between",
        "{'type':'number','exclusiveMinimum':2,'maximum':2}                       | #                  | no number lies between",
        "{'type':'strin'}                                                         | #/type             | unknown type",
        "{'type':[]}                                                              | #/type             | non-empty array",
        "{'enum':[]}                                                              | #/enum             | non-empty array",
        "{'type':'string','enum':[1,2]}                                           | #                  | no value satisfies",
        "{'type':'string','minLength':-1}                                         | #/minLength        | non-negative integer",
        "{'properties':{'a':false},'required':['a']}                              | #/properties/a     | admits no value",
        "{'$defs':{'a':{'$ref':'#/$defs/b'},'b':{'anyOf':[{'$ref':'#/$defs/a'},{'type':'null'}]}},'$ref':'#/$defs/a'} | #/$defs/a | cycle",
        "{'$defs':{'a':{'allOf':[{'$ref':'#/$defs/a'}],'type':'null'}},'$ref':'#/$defs/a'} | #/$defs/a/allOf/0 | refers to itself",
        "{'oneOf':[{'$ref':'#/$defs/nope'},{'type':'null'}]}                       | #/oneOf/0/$ref     | points to nothing",
        "{'anyOf':[false,false]}                                                  | #/anyOf            | every branch is 'false'",
    })
    void malformedSchemasSayWhatAndWhere(String schema, String location, String message) {
        assertThatThrownBy(() -> convert(schema.replace('\'', '"')))
                .isInstanceOfSatisfying(MalformedSchemaException.class, e -> {
                    assertThat(e.location()).isEqualTo(location);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    @Test
    void textThatIsNotJsonIsMalformed() {
        assertThatThrownBy(() -> SchemaToGbnf.convert("{\"type\":", GbnfOptions.UNBOUNDED))
                .isInstanceOf(MalformedSchemaException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> SchemaToGbnf.convert("", GbnfOptions.UNBOUNDED))
                .isInstanceOf(MalformedSchemaException.class).hasMessageContaining("not JSON");
    }

    @Test
    void annotationsAndExtensionsAreIgnored() {
        GrammarSource plain = convert("{\"type\":\"string\",\"maxLength\":3}");
        GrammarSource annotated = convert("""
                {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://x/s","title":"t",
                 "description":"d","examples":["a"],"default":"a","$comment":"c","deprecated":false,
                 "readOnly":true,"writeOnly":false,"x-vendor":{"any":1},"contentMediaType":"text/plain",
                 "type":"string","maxLength":3}""");
        assertThat(annotated).isEqualTo(plain);
    }

    @Test
    void pointersWithEscapedNamesResolve() {
        GrammarSource g = convert("{\"$defs\":{\"a/b\":{\"type\":\"null\"},\"c d~\":{\"const\":1}},"
                + "\"anyOf\":[{\"$ref\":\"#/$defs/a~1b\"},{\"$ref\":\"#/$defs/c%20d~0\"}]}");
        GbnfGrammar parsed = GbnfGrammar.parse(g.text());
        assertThat(GbnfMatcher.matches(parsed, "root", "null")).isTrue();
        assertThat(GbnfMatcher.matches(parsed, "root", "1")).isTrue();
    }

    @Test
    void valueTypesCheckTheirArguments() {
        assertThatThrownBy(() -> GrammarSource.of(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GrammarSource("root ::= \"a\"", "not_a_name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GbnfOptions(0, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GbnfOptions(null, 2001, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
