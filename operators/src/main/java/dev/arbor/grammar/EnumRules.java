package dev.arbor.grammar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Grammars for {@code enum} and {@code const}: one literal per allowed value, spelled as Jackson
 * writes it compactly (so an object constant must be produced in that exact spelling and key
 * order). With both keywords the values are those in both; a {@code type} beside them filters them.
 * Any other validation keyword beside them is refused, since checking values against it is not
 * implemented. Stateless.
 */
final class EnumRules {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> COMPANIONS = Set.of("enum", "const", "type");

    private EnumRules() {
    }

    /** The values the schema admits, in schema order, without duplicates; never empty. */
    static List<JsonNode> values(JsonNode schema, SchemaPath at) {
        refuseCompanions(schema, at);
        List<JsonNode> values = new ArrayList<>();
        if (schema.has("enum")) {
            JsonNode e = schema.get("enum");
            if (!e.isArray() || e.isEmpty()) {
                throw new MalformedSchemaException(at.child("enum").toString(), "enum must be a non-empty array");
            }
            e.forEach(v -> addDistinct(values, v));
        }
        if (schema.has("const")) {
            JsonNode c = schema.get("const");
            if (schema.has("enum") && values.stream().noneMatch(v -> JsonValues.same(v, c))) {
                values.clear();
            } else {
                values.clear();
                values.add(c);
            }
        }
        if (schema.has("type")) {
            Set<String> types = SchemaTypes.declared(schema.get("type"), at.child("type"));
            values.removeIf(v -> types.stream().noneMatch(t -> SchemaTypes.isInstance(v, t)));
        }
        if (values.isEmpty()) {
            throw new MalformedSchemaException(at.toString(), "no value satisfies enum/const together with type");
        }
        return values;
    }

    static Expr compile(JsonNode schema, SchemaPath at) {
        List<Expr> literals = new ArrayList<>();
        for (JsonNode v : values(schema, at)) {
            literals.add(Expr.literal(spell(v)));
        }
        return Expr.alt(literals);
    }

    /** The compact JSON text of a value. */
    static String spell(JsonNode value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written", e);
        }
    }

    private static void refuseCompanions(JsonNode schema, SchemaPath at) {
        schema.fieldNames().forEachRemaining(name -> {
            if (!COMPANIONS.contains(name) && !Keywords.ANNOTATIONS.contains(name) && !name.startsWith("x-")) {
                throw new UnsupportedSchemaException(name, at.child(name).toString(),
                        "next to enum/const only 'type' is applied to the values");
            }
        });
    }

    private static void addDistinct(List<JsonNode> values, JsonNode v) {
        if (values.stream().noneMatch(x -> JsonValues.same(x, v))) {
            values.add(v);
        }
    }
}
