package dev.arbor.grammar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;

/**
 * The judge the grammar tests trust: a strict JSON parser (no trailing tokens, numbers kept exact
 * as BigDecimal/BigInteger) and networknt's JSON Schema 2020-12 validator with format assertions
 * on. Thread-confined.
 */
final class JsonSchemaOracle {
    static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final Schema schema;

    JsonSchemaOracle(JsonNode schemaNode) {
        this.schema = REGISTRY.getSchema(schemaNode);
    }

    static JsonNode json(String text) {
        try {
            return STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + text, e);
        }
    }

    static boolean isJson(String text) {
        try {
            return STRICT.readTree(text) != null;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** The validation errors of {@code instance} (empty when valid). */
    List<Error> errors(JsonNode instance) {
        return schema.validate(instance, ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)));
    }

    boolean valid(String instanceText) {
        return isJson(instanceText) && errors(json(instanceText)).isEmpty();
    }
}
