package dev.arbor.search;

import java.util.List;

/**
 * JSON Schemas that leave a model room to run long: integers and numbers without bounds, free
 * strings, long enums, nested and unbounded arrays, recursion through {@code $ref}, {@code anyOf}.
 * The closing-budget tests run searches under them at budgets barely above their smallest document.
 */
final class BudgetSchemas {
    private BudgetSchemas() {}

    /** The example: a short string, an integer without bounds, enums with maxItems, anyOf. */
    static final String TRIP = """
            {"type": "object", "properties": {"city": {"type": "string", "maxLength": 12},
              "days": {"type": "integer"},
              "weather": {"type": "array", "items": {"enum": ["sun", "rain", "snow", "wind"]}, "maxItems": 3},
              "booked": {"anyOf": [{"type": "boolean"}, {"type": "null"}]}},
             "required": ["city", "days", "weather", "booked"], "additionalProperties": false}""";

    static final String NUMBERS = """
            {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "number"},
              "c": {"type": "integer", "minimum": 5}, "d": {"type": "number", "maximum": -3}},
             "required": ["a", "b", "c", "d"], "additionalProperties": false}""";

    static final String LONG_ENUM = """
            {"type": "object", "properties": {"country": {"enum": ["Austria", "Belgium", "Bulgaria", "Croatia",
              "Cyprus", "Czechia", "Denmark", "Estonia", "Finland", "France", "Germany", "Greece", "Hungary",
              "Ireland", "Italy", "Latvia", "Lithuania", "Luxembourg", "Malta", "Netherlands", "Poland",
              "Portugal", "Romania", "Slovakia", "Slovenia", "Spain", "Sweden", "United Kingdom of Great Britain"]},
              "code": {"type": "string"}}, "required": ["country", "code"], "additionalProperties": false}""";

    static final String NESTED_ARRAYS = """
            {"type": "array", "minItems": 1, "items": {"type": "array", "items": {"type": "array",
              "items": {"type": "integer"}, "minItems": 1}}}""";

    static final String TREE = """
            {"$defs": {"node": {"type": "object", "properties": {"name": {"type": "string"},
               "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
             "required": ["name", "kids"], "additionalProperties": false}}, "$ref": "#/$defs/node"}""";

    static final String SHAPES = """
            {"anyOf": [{"type": "object", "properties": {"kind": {"const": "circle"}, "r": {"type": "number"}},
               "required": ["kind", "r"], "additionalProperties": false},
             {"type": "object", "properties": {"kind": {"const": "polygon"},
               "points": {"type": "array", "items": {"type": "array", "prefixItems": [{"type": "integer"},
                 {"type": "integer"}]}, "minItems": 3}}, "required": ["kind", "points"], "additionalProperties": false}]}""";

    static final String FREE_FORM = """
            {"type": "object", "properties": {"title": {"type": "string"}, "extra": {"type": "object"},
              "list": {"type": "array"}}, "required": ["title", "extra", "list"], "additionalProperties": false}""";

    static final List<String> ALL = List.of(TRIP, NUMBERS, LONG_ENUM, NESTED_ARRAYS, TREE, SHAPES, FREE_FORM);
}
