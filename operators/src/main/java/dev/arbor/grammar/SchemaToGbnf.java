package dev.arbor.grammar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arbor.annotation.PublicApi;
import java.util.Objects;

/**
 * Converts a JSON Schema (2020-12; {@code definitions} is read like {@code $defs}) into a GBNF
 * grammar for llama.cpp whose every sentence is JSON that validates against the schema. The
 * grammar may be narrower than the schema (fixed key order, one optional space between tokens, no
 * exponents, closed objects unless {@code additionalProperties} gives a schema: the package
 * documentation lists the output form), never wider. A schema that cannot be converted exactly is refused with an
 * {@link UnsupportedSchemaException} or a {@link MalformedSchemaException} naming the keyword and
 * its location. Thread-safe: each call converts on its own state.
 *
 * <p>Supported: {@code type} (a name or an array), {@code enum}, {@code const}, {@code $ref} to
 * {@code #} or {@code #/...} (recursion allowed), {@code anyOf}, {@code oneOf} (when its branches
 * are provably exclusive), {@code allOf} and {@code $ref} with siblings (when they merge exactly),
 * {@code properties}, {@code required}, {@code additionalProperties}, {@code prefixItems},
 * {@code items}, {@code minItems}, {@code maxItems}, {@code minLength}, {@code maxLength},
 * {@code format} date / time / date-time / uuid, {@code minimum}, {@code maximum},
 * {@code exclusiveMinimum}, {@code exclusiveMaximum} (whole-number bounds for numbers), and
 * annotations, which are ignored.
 */
@PublicApi
public final class SchemaToGbnf {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SchemaToGbnf() {
    }

    /** The grammar for {@code schema} with the default bounds ({@link GbnfOptions#DEFAULTS}). */
    public static GrammarSource convert(JsonNode schema) {
        return convert(schema, GbnfOptions.DEFAULTS);
    }

    /** The grammar for {@code schema}, with {@code options}' caps where the schema sets no bound. */
    public static GrammarSource convert(JsonNode schema, GbnfOptions options) {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(options, "options");
        if (!schema.isObject() && !schema.isBoolean()) {
            throw new MalformedSchemaException(SchemaPath.ROOT.toString(), "a schema must be an object or a boolean");
        }
        return GrammarSource.of(new SchemaCompiler(schema, options).compileDocument(schema));
    }

    /** The grammar for a schema given as JSON text. */
    public static GrammarSource convert(String schemaJson, GbnfOptions options) {
        Objects.requireNonNull(schemaJson, "schemaJson");
        JsonNode schema;
        try {
            schema = MAPPER.readTree(schemaJson);
        } catch (JsonProcessingException e) {
            throw new MalformedSchemaException(SchemaPath.ROOT.toString(),
                    "not JSON: " + e.getOriginalMessage());
        }
        if (schema == null || schema.isMissingNode()) {
            throw new MalformedSchemaException(SchemaPath.ROOT.toString(), "not JSON: empty text");
        }
        return convert(schema, options);
    }
}
