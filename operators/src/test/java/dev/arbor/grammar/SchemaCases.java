package dev.arbor.grammar;

import java.util.List;

/** The schemas the conformance test converts, each with instances that pin its grammar down. */
final class SchemaCases {
    private SchemaCases() {
    }

    static List<SchemaCase> all() {
        return List.of(person(), optionalOrder(), allOptional(), tree(), linkedList(), shapes(), tagged(),
                enums(), arrays(), formats(), map(), pureMap(), composed(), refWithSiblings(), atLeastOne(), anything());
    }

    static SchemaCase person() {
        return new SchemaCase("person", """
                {"type":"object","title":"a person","properties":{
                  "name":{"type":"string","minLength":1,"maxLength":12,"description":"given name"},
                  "age":{"type":"integer","minimum":0,"maximum":150},
                  "email":{"type":["string","null"],"maxLength":20},
                  "score":{"type":"number","minimum":-1,"exclusiveMaximum":1},
                  "active":{"type":"boolean"},
                  "address":{"type":"object","properties":{"city":{"type":"string","maxLength":8},
                    "zip":{"type":"string","minLength":5,"maxLength":5}},"required":["city"],
                    "additionalProperties":false}},
                 "required":["name","age"],"additionalProperties":false}""",
                List.of("{\"name\":\"Al\",\"age\":30}", "{ \"name\": \"Al\", \"age\": 0 }",
                        "{\"name\":\"\\u00e9\\\"\\n\",\"age\":150,\"email\":null,\"score\":-0.25,\"active\":true,"
                                + "\"address\":{\"city\":\"Oslo\",\"zip\":\"01234\"}}",
                        "{\"name\":\"\u4e2d\",\"age\":1,\"score\":0.999}"),
                List.of("{\"name\":\"\",\"age\":30}", "{\"name\":\"Al\"}", "{\"name\":\"Al\",\"age\":151}",
                        "{\"name\":\"Al\",\"age\":30,\"x\":1}", "{\"name\":\"Al\",\"age\":30,\"score\":1}",
                        "{\"name\":\"Al\",\"age\":1.5}", "{\"name\":\"Al\",\"age\":30,\"address\":{}}",
                        "{\"name\":\"Al\",\"age\":30,}", "{\"name\":\"A\u0001\",\"age\":3}"),
                List.of("{\"age\":30,\"name\":\"Al\"}", "{\n\"name\":\"Al\",\"age\":30}",
                        "{\"name\":\"Al\",\"age\":30,\"score\":1e-1}", "{\"name\":\"Al\",  \"age\":30}",
                        "{\"name\":\"Al\",\"age\":30,\"score\":-1.0e0}"));
    }

    static SchemaCase optionalOrder() {
        return new SchemaCase("optional-order", """
                {"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"boolean"},
                 "c":{"type":"null"},"d":{"type":"string","maxLength":3},"e":{"type":"integer"}},
                 "required":["b","d"]}""",
                List.of("{\"b\":true,\"d\":\"\"}", "{\"a\":1,\"b\":true,\"c\":null,\"d\":\"x\",\"e\":2}",
                        "{\"b\":false,\"c\":null,\"d\":\"abc\"}", "{\"a\":-1,\"b\":true,\"d\":\"x\",\"e\":0}"),
                List.of("{\"a\":1,\"d\":\"x\"}", "{\"b\":true}", "{}", "{\"b\":true,,\"d\":\"\"}",
                        "{\"b\":true,\"d\":\"\",}", "{,\"b\":true,\"d\":\"\"}", "{\"b\":true\"d\":\"\"}"),
                List.of("{\"d\":\"\",\"b\":true}", "{\"b\":true,\"d\":\"\",\"z\":1}"));
    }

    static SchemaCase allOptional() {
        return new SchemaCase("all-optional", """
                {"type":"object","properties":{"x":{"type":"integer"},"y":{"type":"integer"}}}""",
                List.of("{}", "{ }", "{\"x\":1}", "{\"y\":2}", "{\"x\":1,\"y\":2}", "{ \"x\" : 1 , \"y\" : 2 }"),
                List.of("{,}", "{\"x\":1,}", "{\"x\":\"1\"}", "{ ,\"y\":2}"),
                List.of("{\"z\":1}", "{\"y\":2,\"x\":1}"));
    }

    static SchemaCase tree() {
        return new SchemaCase("tree ($ref into $defs, recursive)", """
                {"$schema":"https://json-schema.org/draft/2020-12/schema",
                 "$defs":{"node":{"type":"object","properties":{"value":{"type":"integer"},
                   "children":{"type":"array","items":{"$ref":"#/$defs/node"},"maxItems":3}},
                   "required":["value"],"additionalProperties":false}},
                 "$ref":"#/$defs/node"}""",
                List.of("{\"value\":1}", "{\"value\":1,\"children\":[]}",
                        "{\"value\":1,\"children\":[{\"value\":2,\"children\":[{\"value\":3}]},{\"value\":-4}]}"),
                List.of("{\"value\":1,\"children\":[{}]}",
                        "{\"value\":1,\"children\":[{\"value\":1},{\"value\":1},{\"value\":1},{\"value\":1}]}",
                        "{\"value\":1,\"children\":[{\"value\":1,\"children\":[{\"value\":\"x\"}]}]}"),
                List.of());
    }

    static SchemaCase linkedList() {
        return new SchemaCase("linked list ($ref to the root, definitions)", """
                {"definitions":{"tail":{"anyOf":[{"$ref":"#"},{"type":"null"}]}},
                 "type":"object","properties":{"head":{"type":"integer"},"tail":{"$ref":"#/definitions/tail"}},
                 "required":["head","tail"],"additionalProperties":false}""",
                List.of("{\"head\":1,\"tail\":null}", "{\"head\":1,\"tail\":{\"head\":2,\"tail\":null}}"),
                List.of("{\"head\":1}", "{\"head\":1,\"tail\":{\"head\":2}}", "{\"head\":1,\"tail\":3}"),
                List.of());
    }

    static SchemaCase shapes() {
        return new SchemaCase("shapes (anyOf)", """
                {"anyOf":[
                  {"type":"object","properties":{"kind":{"const":"circle"},"r":{"type":"number","minimum":0}},
                   "required":["kind","r"],"additionalProperties":false},
                  {"type":"object","properties":{"kind":{"const":"rect"},"w":{"type":"integer","minimum":1},
                   "h":{"type":"integer","minimum":1}},"required":["kind","w","h"],"additionalProperties":false},
                  {"type":"string","format":"uuid"},
                  {"type":"null"}]}""",
                List.of("{\"kind\":\"circle\",\"r\":1.5}", "{\"kind\":\"rect\",\"w\":2,\"h\":3}", "null",
                        "\"123e4567-e89b-12d3-a456-426614174000\""),
                List.of("{\"kind\":\"circle\",\"r\":-1}", "{\"kind\":\"rect\",\"w\":0,\"h\":1}", "{\"kind\":\"square\"}",
                        "\"x\"", "3", "\"123e4567-e89b-12d3-a456-42661417400g\""),
                List.of("{\"r\":1.5,\"kind\":\"circle\"}"));
    }

    static SchemaCase tagged() {
        return new SchemaCase("tagged union (oneOf with a discriminator)", """
                {"oneOf":[
                  {"type":"object","properties":{"tag":{"const":"a"},"x":{"type":"integer"}},"required":["tag"]},
                  {"type":"object","properties":{"tag":{"enum":["b","c"]},"y":{"type":"string"}},"required":["tag","y"]},
                  {"type":"integer","minimum":0},
                  {"type":"boolean"},
                  false]}""",
                List.of("{\"tag\":\"a\"}", "{\"tag\":\"a\",\"x\":5}", "{\"tag\":\"c\",\"y\":\"\"}", "7", "false"),
                List.of("{\"tag\":\"b\"}", "{\"tag\":\"d\",\"y\":\"\"}", "-1", "null"),
                List.of());
    }

    static SchemaCase enums() {
        return new SchemaCase("enums and constants", """
                {"type":"object","properties":{
                  "color":{"enum":["red","green","blue"]},
                  "version":{"const":2},
                  "mixed":{"enum":[1,"one",null,true,{"k":[1,2]},[3],"\\u00e9\\n"]},
                  "level":{"type":"integer","enum":[1,2,"3",4.5]}},
                 "required":["color","version","mixed"],"additionalProperties":false}""",
                List.of("{\"color\":\"red\",\"version\":2,\"mixed\":1}",
                        "{\"color\":\"blue\",\"version\":2,\"mixed\":{\"k\":[1,2]},\"level\":2}",
                        "{\"color\":\"green\",\"version\":2,\"mixed\":[3]}",
                        "{\"color\":\"green\",\"version\":2,\"mixed\":\"\u00e9\\n\"}"),
                List.of("{\"color\":\"pink\",\"version\":2,\"mixed\":1}", "{\"color\":\"red\",\"version\":3,\"mixed\":1}",
                        "{\"color\":\"red\",\"version\":2,\"mixed\":2}",
                        "{\"color\":\"red\",\"version\":2,\"mixed\":1,\"level\":\"3\"}",
                        "{\"color\":\"red\",\"version\":2,\"mixed\":1,\"level\":4.5}"),
                List.of("{\"color\":\"red\",\"version\":2.0,\"mixed\":1}",
                        "{\"color\":\"red\",\"version\":2,\"mixed\":{\"k\": [1, 2]}}"));
    }

    static SchemaCase arrays() {
        return new SchemaCase("arrays (items, prefixItems, minItems, maxItems)", """
                {"type":"object","properties":{
                  "tags":{"type":"array","items":{"type":"string","maxLength":4},"minItems":1,"maxItems":3},
                  "point":{"type":"array","prefixItems":[{"type":"number"},{"type":"number"}],"minItems":2,"items":false},
                  "row":{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":{"type":"boolean"},"maxItems":4},
                  "any":{"type":"array","maxItems":2},
                  "none":{"type":"array","maxItems":0}},
                 "required":["tags"],"additionalProperties":false}""",
                List.of("{\"tags\":[\"a\"]}",
                        "{\"tags\":[\"a\",\"b\",\"c\"],\"point\":[1,2.5],\"row\":[\"x\",1,true,false],\"any\":[1,{\"a\":[]}],\"none\":[]}",
                        "{\"tags\":[\"a\"],\"row\":[]}", "{\"tags\":[\"a\"],\"row\":[\"x\"]}", "{\"tags\":[ \"a\" , \"b\" ]}"),
                List.of("{\"tags\":[]}", "{\"tags\":[\"a\",\"b\",\"c\",\"d\"]}", "{\"tags\":[\"abcde\"]}",
                        "{\"tags\":[\"a\"],\"point\":[1]}", "{\"tags\":[\"a\"],\"point\":[1,2,3]}",
                        "{\"tags\":[\"a\"],\"row\":[\"x\",1,true,false,true]}", "{\"tags\":[\"a\"],\"row\":[1]}",
                        "{\"tags\":[\"a\"],\"none\":[1]}", "{\"tags\":[\"a\"],\"any\":[1,2,3]}", "{\"tags\":[\"a\",]}"),
                List.of());
    }

    static SchemaCase formats() {
        return new SchemaCase("formats (date, date-time, time, uuid)", """
                {"type":"object","properties":{"day":{"type":"string","format":"date"},
                  "at":{"type":"string","format":"date-time"},"time":{"type":"string","format":"time"},
                  "id":{"type":"string","format":"uuid"}},
                 "required":["day","at","time","id"],"additionalProperties":false}""",
                List.of(formatted("2024-02-29", "2023-12-31T23:59:59Z", "08:30:00+02:00", "123e4567-e89b-12d3-a456-426614174000"),
                        formatted("2000-02-29", "1999-01-01T00:00:00.123456789-05:30", "23:59:59.5Z", "ABCDEF01-2345-6789-abcd-ef0123456789")),
                List.of(formatted("2023-02-29", "2023-12-31T23:59:59Z", "08:30:00Z", "123e4567-e89b-12d3-a456-426614174000"),
                        formatted("1900-02-29", "2023-12-31T23:59:59Z", "08:30:00Z", "123e4567-e89b-12d3-a456-426614174000"),
                        formatted("2023-04-31", "2023-12-31T23:59:59Z", "08:30:00Z", "123e4567-e89b-12d3-a456-426614174000"),
                        formatted("2023-13-01", "2023-12-31T23:59:59Z", "08:30:00Z", "123e4567-e89b-12d3-a456-426614174000"),
                        formatted("2023-01-01", "2023-12-31T24:00:00Z", "08:30:00Z", "123e4567-e89b-12d3-a456-426614174000"),
                        formatted("2023-01-01", "2023-12-31T23:59:59Z", "08:61:00Z", "123e4567-e89b-12d3-a456-426614174000"),
                        formatted("2023-01-01", "2023-12-31T23:59:59Z", "08:30:00Z", "123e4567-e89b-12d3-a456-42661417400g"),
                        formatted("2023-01-01", "2023-12-31T23:59:59-00:00", "08:30:00Z", "123e4567-e89b-12d3-a456-426614174000")),
                List.of());
    }

    private static String formatted(String day, String at, String time, String id) {
        return "{\"day\":\"" + day + "\",\"at\":\"" + at + "\",\"time\":\"" + time + "\",\"id\":\"" + id + "\"}";
    }

    static SchemaCase map() {
        return new SchemaCase("declared properties plus additionalProperties", """
                {"type":"object","properties":{"id":{"type":"integer"},"idx":{"type":"string"}},"required":["id"],
                 "additionalProperties":{"type":"number","maximum":10}}""",
                List.of("{\"id\":1}", "{\"id\":1,\"i\":2}", "{\"id\":1,\"idx\":\"a\",\"ids\":3.5,\"\":0,\"x\":-2}",
                        "{\"id\":1,\"idy\":10}", "{\"id\":1,\"idxx\":1}"),
                List.of("{\"id\":1,\"x\":11}", "{\"id\":1,\"x\":\"s\"}", "{\"id\":1,\"idx\":3}"),
                List.of("{\"id\":1,\"x\\u0041\":1}", "{\"x\":1,\"id\":1}"));
    }

    static SchemaCase pureMap() {
        return new SchemaCase("map (additionalProperties only)", """
                {"type":"object","additionalProperties":{"type":"integer","minimum":-5,"maximum":5}}""",
                List.of("{}", "{\"a\":1}", "{\"a\\n\":-5,\"b\":5}"),
                List.of("{\"a\":6}", "{\"a\":1.5}", "[]"),
                List.of());
    }

    static SchemaCase composed() {
        return new SchemaCase("allOf of a $ref and a refinement", """
                {"$defs":{"base":{"type":"object","properties":{"id":{"type":"integer","minimum":1}},"required":["id"]}},
                 "allOf":[{"$ref":"#/$defs/base"},
                          {"properties":{"name":{"type":"string","maxLength":5}},"required":["name"]}]}""",
                List.of("{\"id\":1,\"name\":\"x\"}", "{\"id\":99,\"name\":\"\"}"),
                List.of("{\"id\":0,\"name\":\"x\"}", "{\"id\":1}", "{\"id\":1,\"name\":\"toolong\"}"),
                List.of("{\"name\":\"x\",\"id\":1}"));
    }

    static SchemaCase refWithSiblings() {
        return new SchemaCase("$ref with sibling keywords", """
                {"$defs":{"n":{"type":"integer","minimum":-3}},"$ref":"#/$defs/n","maximum":9,"exclusiveMinimum":-1}""",
                List.of("0", "9", "5"),
                List.of("10", "-1", "-3", "1.5"),
                List.of("9.0"));
    }

    static SchemaCase atLeastOne() {
        return new SchemaCase("anyOf with sibling keywords (at least one of two properties)", """
                {"$id":"https://example.com/contact","type":"object",
                 "properties":{"email":{"type":"string","maxLength":10},"phone":{"type":"string","maxLength":10}},
                 "additionalProperties":false,"anyOf":[{"required":["email"]},{"required":["phone"]}]}""",
                List.of("{\"email\":\"a\"}", "{\"phone\":\"1\"}", "{\"email\":\"a\",\"phone\":\"1\"}"),
                List.of("{}", "{\"fax\":\"1\"}", "{\"email\":1}"),
                List.of("{\"phone\":\"1\",\"email\":\"a\"}"));
    }

    static SchemaCase anything() {
        return new SchemaCase("anything ({})", """
                {"description":"no constraint at all"}""",
                List.of("1", "\"s\"", "null", "{\"a\":[1,{\"b\":null}]}", "[]", "-0.5", "true"),
                List.of("{", "nul", "01", "[1,]"),
                List.of(" 1", "1e5"));
    }
}
