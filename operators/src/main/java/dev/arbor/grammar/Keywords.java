package dev.arbor.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * What the converter makes of each JSON Schema (2020-12) keyword: annotations it ignores, keywords
 * it turns into grammar, and validation keywords it refuses. A keyword in none of these sets is
 * refused too, since an unknown keyword may be a dialect's validation rule (OpenAPI's
 * {@code nullable}, a misspelling of a real one); only {@code x-} extensions pass as annotations.
 * Also holds the checks on keyword values shared by the rule builders. Stateless.
 */
final class Keywords {
    /** Ignored: they do not change which instances are valid. */
    static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$anchor", "$dynamicAnchor", "$comment",
            "$vocabulary", "$defs", "definitions", "title", "description", "default", "examples", "example",
            "deprecated", "readOnly", "writeOnly", "contentEncoding", "contentMediaType", "contentSchema");

    static final Set<String> SUPPORTED = Set.of("type", "enum", "const", "$ref", "anyOf", "oneOf", "allOf",
            "properties", "required", "additionalProperties", "unevaluatedProperties",
            "items", "prefixItems", "unevaluatedItems", "minItems", "maxItems", "uniqueItems",
            "minLength", "maxLength", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");

    /** Validation keywords the converter knows and refuses, with the reason given to the user. */
    static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("pattern", "regular expressions are not converted to grammar"),
            Map.entry("patternProperties", "regular expressions are not converted to grammar"),
            Map.entry("propertyNames", "constraints on property names are not converted"),
            Map.entry("minProperties", "property counts are not converted"),
            Map.entry("maxProperties", "property counts are not converted"),
            Map.entry("dependentRequired", "conditional requirements are not converted"),
            Map.entry("dependentSchemas", "conditional schemas are not converted"),
            Map.entry("dependencies", "conditional requirements are not converted"),
            Map.entry("not", "negation is not converted to grammar"),
            Map.entry("if", "conditionals are not converted"),
            Map.entry("then", "conditionals are not converted"),
            Map.entry("else", "conditionals are not converted"),
            Map.entry("contains", "'contains' is not converted"),
            Map.entry("minContains", "'contains' is not converted"),
            Map.entry("maxContains", "'contains' is not converted"),
            Map.entry("multipleOf", "divisibility is not converted to grammar"),
            Map.entry("additionalItems", "the draft 2019-09 tuple form; use prefixItems and items"),
            Map.entry("$dynamicRef", "dynamic references are not resolved"),
            Map.entry("$recursiveRef", "dynamic references are not resolved"),
            Map.entry("$recursiveAnchor", "dynamic references are not resolved"));

    private Keywords() {
    }

    /** Refuses every keyword of {@code schema} that is neither supported nor an annotation. */
    static void check(JsonNode schema, SchemaPath at) {
        for (Iterator<String> names = schema.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (SUPPORTED.contains(name) || ANNOTATIONS.contains(name) || name.startsWith("x-")) {
                continue;
            }
            String why = REFUSED.getOrDefault(name, "not a JSON Schema 2020-12 keyword this converter knows");
            throw new UnsupportedSchemaException(name, at.child(name).toString(), why);
        }
        if (schema.has("$id") && !at.equals(SchemaPath.ROOT)) {
            throw new UnsupportedSchemaException("$id", at.child("$id").toString(),
                    "an embedded schema resource (it would change what '#' means below it)");
        }
    }

    /** True if every keyword of {@code schema} other than {@code except} is an annotation. */
    static boolean onlyAnnotationsBesides(JsonNode schema, Set<String> except) {
        for (Iterator<String> names = schema.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!except.contains(name) && !ANNOTATIONS.contains(name) && !name.startsWith("x-")) {
                return false;
            }
        }
        return true;
    }

    /** A non-negative integer keyword, or {@code absent} when the schema lacks it. */
    static int count(JsonNode schema, String keyword, SchemaPath at, int absent) {
        JsonNode v = schema.get(keyword);
        if (v == null) {
            return absent;
        }
        if (!v.isNumber() || v.decimalValue().stripTrailingZeros().scale() > 0 || v.decimalValue().signum() < 0) {
            throw new MalformedSchemaException(at.child(keyword).toString(),
                    keyword + " must be a non-negative integer");
        }
        BigInteger n = v.decimalValue().toBigInteger();
        if (n.bitLength() > 31) {
            checkRepetition(keyword, Integer.MAX_VALUE, at);
        }
        return n.intValue();
    }

    /** Refuses a count beyond what llama.cpp's grammar parser repeats. */
    static void checkRepetition(String keyword, int n, SchemaPath at) {
        if (n > Expr.MAX_REPETITION) {
            throw new UnsupportedSchemaException(keyword, at.child(keyword).toString(),
                    "llama.cpp grammars repeat at most " + Expr.MAX_REPETITION + " times");
        }
    }
}
