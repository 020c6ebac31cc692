package dev.arbor.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which JSON types a schema lets the grammar produce. With {@code type} that is the listed types.
 * Without it, JSON Schema would accept every type and apply each keyword to its own type only; the
 * converter narrows that to the types the schema's keywords talk about ({@code properties} means an
 * object, {@code minLength} a string, ...), and to every type when none does. Narrowing keeps every
 * output valid while producing what the author evidently meant. Stateless.
 */
final class SchemaTypes {
    /** The JSON Schema type names, in the order alternatives are emitted. */
    static final List<String> ALL = List.of("object", "array", "string", "number", "integer", "boolean", "null");

    private static final Set<String> OBJECT_WORDS = Set.of("properties", "required", "additionalProperties",
            "unevaluatedProperties");
    private static final Set<String> ARRAY_WORDS = Set.of("items", "prefixItems", "minItems", "maxItems",
            "uniqueItems", "unevaluatedItems");
    private static final Set<String> STRING_WORDS = Set.of("minLength", "maxLength", "format");
    private static final Set<String> NUMBER_WORDS = Set.of("minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum");

    private SchemaTypes() {
    }

    /** The types to emit for {@code schema}, never empty, in {@link #ALL} order. */
    static Set<String> of(JsonNode schema, SchemaPath at) {
        JsonNode type = schema.get("type");
        if (type != null) {
            return declared(type, at.child("type"));
        }
        Set<String> inferred = new LinkedHashSet<>();
        addIf(inferred, schema, OBJECT_WORDS, "object");
        addIf(inferred, schema, ARRAY_WORDS, "array");
        addIf(inferred, schema, STRING_WORDS, "string");
        addIf(inferred, schema, NUMBER_WORDS, "number");
        return inferred.isEmpty() ? new LinkedHashSet<>(ALL) : inferred;
    }

    /** The value of a {@code type} keyword: a type name or a non-empty array of them. */
    static Set<String> declared(JsonNode type, SchemaPath at) {
        Set<String> names = new LinkedHashSet<>();
        if (type.isTextual()) {
            names.add(typeName(type, at));
        } else if (type.isArray() && !type.isEmpty()) {
            type.forEach(t -> names.add(typeName(t, at)));
        } else {
            throw new MalformedSchemaException(at.toString(), "type must be a type name or a non-empty array of them");
        }
        Set<String> ordered = new LinkedHashSet<>(ALL);
        ordered.retainAll(names);
        return ordered;
    }

    /** Whether {@code value} is an instance of the JSON Schema type {@code type}. */
    static boolean isInstance(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "number" -> value.isNumber();
            case "integer" -> value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0;
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> false;
        };
    }

    /** The type names of a value, the most specific first ({@code integer} before {@code number}). */
    static Set<String> typesOf(JsonNode value) {
        Set<String> types = new LinkedHashSet<>();
        for (String t : List.of("integer", "number", "object", "array", "string", "boolean", "null")) {
            if (isInstance(value, t)) {
                types.add(t);
            }
        }
        return types;
    }

    private static String typeName(JsonNode t, SchemaPath at) {
        if (!t.isTextual() || !ALL.contains(t.asText())) {
            throw new MalformedSchemaException(at.toString(), "unknown type " + t);
        }
        return t.asText();
    }

    private static void addIf(Set<String> types, JsonNode schema, Set<String> words, String type) {
        if (words.stream().anyMatch(schema::has)) {
            types.add(type);
        }
    }
}
