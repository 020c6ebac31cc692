package dev.arbor.grammar;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Grammars for {@code string} schemas: {@code minLength}, {@code maxLength} (counted in code points,
 * as JSON Schema counts them) and the formats {@link FormatRules} supports. A format together with
 * a length is accepted only for fixed-length formats whose length is within the bounds.
 */
final class StringRules {
    private final JsonRules json;
    private final FormatRules formats;

    StringRules(JsonRules json) {
        this.json = json;
        this.formats = new FormatRules(json);
    }

    Expr string(JsonNode schema, SchemaPath at) {
        int min = Keywords.count(schema, "minLength", at, 0);
        Integer max = schema.has("maxLength") ? Keywords.count(schema, "maxLength", at, 0) : null;
        if (max != null && min > max) {
            throw new MalformedSchemaException(at.toString(), "minLength " + min + " exceeds maxLength " + max);
        }
        JsonNode format = schema.get("format");
        if (format != null) {
            return formatted(format, min, max, at);
        }
        if (min == 0 && max == null) {
            return json.string();
        }
        Keywords.checkRepetition("minLength", min, at);
        if (max != null) {
            Keywords.checkRepetition("maxLength", max, at);
        }
        return json.stringOf(min, GbnfOptions.upper(max, json.options().maxStringLength(), min));
    }

    private Expr formatted(JsonNode format, int min, Integer max, SchemaPath at) {
        SchemaPath where = at.child("format");
        if (!format.isTextual()) {
            throw new MalformedSchemaException(where.toString(), "format must be a string");
        }
        String name = format.asText();
        if (!FormatRules.isSupported(name)) {
            throw new UnsupportedSchemaException("format", where.toString(),
                    "format '" + name + "' (supported: date, time, date-time, uuid)");
        }
        boolean lengthGiven = min > 0 || max != null;
        if (lengthGiven) {
            Integer fixed = FormatRules.FIXED_LENGTH.get(name);
            if (fixed == null) {
                throw new UnsupportedSchemaException("format", where.toString(),
                        "format '" + name + "' together with minLength/maxLength");
            }
            if (fixed < min || (max != null && fixed > max)) {
                throw new MalformedSchemaException(at.toString(),
                        "every '" + name + "' has " + fixed + " characters, outside minLength/maxLength");
            }
        }
        return formats.string(name);
    }
}
