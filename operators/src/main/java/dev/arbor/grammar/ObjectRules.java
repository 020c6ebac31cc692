package dev.arbor.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Grammars for {@code object} schemas. Declared properties appear in the schema's order; required
 * ones always, optional ones possibly not ({@link SeparatedList} keeps the commas right). Extra
 * properties: with a schema in {@code additionalProperties} they may follow the declared ones, with
 * keys that repeat no declared name; with {@code additionalProperties} false, true or absent there
 * are none, except that an object schema with neither {@code properties} nor
 * {@code additionalProperties} (or with it {@code true}) is free-form: any members. A property
 * whose schema is {@code false} is never produced.
 */
final class ObjectRules {
    private final SchemaCompiler compiler;
    private final JsonRules json;
    private final RuleSet rules;

    ObjectRules(SchemaCompiler compiler, JsonRules json, RuleSet rules) {
        this.compiler = compiler;
        this.json = json;
        this.rules = rules;
    }

    Expr object(JsonNode schema, SchemaPath at, String hint) {
        JsonNode properties = properties(schema, at);
        Set<String> required = required(schema, at, properties);
        JsonNode extra = schema.get("additionalProperties");
        boolean extraSchema = extra != null && !extra.isBoolean();
        boolean freeForm = !schema.has("properties") && (extra == null || extra.booleanValue());
        if (freeForm) {
            int max = GbnfOptions.upper(null, json.options().maxItems(), 0);
            Expr member = Expr.seq(json.string(), json.ws(), Expr.literal(":"), json.ws(), json.value());
            return json.container("{", member, "}", max);
        }
        List<SeparatedList.Slot> slots = declared(properties, required, at, hint);
        if (extraSchema) {
            slots.add(extraMembers(extra, names(properties), at.child("additionalProperties"), hint));
        }
        Expr separator = Expr.seq(json.ws(), Expr.literal(","), json.ws());
        Expr members = SeparatedList.of(slots, separator, json.ws());
        return Expr.seq(Expr.literal("{"), json.ws(), members, Expr.literal("}"));
    }

    private List<SeparatedList.Slot> declared(JsonNode properties, Set<String> required, SchemaPath at, String hint) {
        List<SeparatedList.Slot> slots = new ArrayList<>();
        for (Map.Entry<String, JsonNode> p : properties.properties()) {
            String name = p.getKey();
            JsonNode schema = p.getValue();
            SchemaPath where = at.child("properties", name);
            if (schema.isBoolean() && !schema.booleanValue()) {
                if (required.contains(name)) {
                    throw new MalformedSchemaException(where.toString(),
                            "required property '" + name + "' admits no value");
                }
                continue;
            }
            Expr value = compiler.inside(schema, where, hint + "-" + name);
            Expr member = Expr.seq(Expr.literal(EnumRules.spell(TextNode.valueOf(name))),
                    json.ws(), Expr.literal(":"), json.ws(), value);
            slots.add(required.contains(name)
                    ? SeparatedList.Slot.required(member)
                    : SeparatedList.Slot.optional(member));
        }
        return slots;
    }

    private SeparatedList.Slot extraMembers(JsonNode extra, Set<String> declared, SchemaPath at, String hint) {
        Expr key = declared.isEmpty() ? json.string() : OtherKeys.except(declared, json, rules, hint);
        Expr value = compiler.inside(extra, at, hint + "-value");
        Expr member = Expr.seq(key, json.ws(), Expr.literal(":"), json.ws(), value);
        return SeparatedList.Slot.repeated(rules.define(hint + "-entry", member),
                GbnfOptions.upper(null, json.options().maxItems(), 0));
    }

    private static JsonNode properties(JsonNode schema, SchemaPath at) {
        JsonNode properties = schema.get("properties");
        if (properties == null) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!properties.isObject()) {
            throw new MalformedSchemaException(at.child("properties").toString(), "properties must be an object");
        }
        return properties;
    }

    private static Set<String> required(JsonNode schema, SchemaPath at, JsonNode properties) {
        Set<String> names = new LinkedHashSet<>();
        JsonNode required = schema.get("required");
        if (required == null) {
            return names;
        }
        SchemaPath where = at.child("required");
        if (!required.isArray()) {
            throw new MalformedSchemaException(where.toString(), "required must be an array of property names");
        }
        for (JsonNode name : required) {
            if (!name.isTextual()) {
                throw new MalformedSchemaException(where.toString(), "required must be an array of property names");
            }
            if (!properties.has(name.asText())) {
                throw new MalformedSchemaException(where.toString(),
                        "required names '" + name.asText() + "', which properties does not declare");
            }
            names.add(name.asText());
        }
        return names;
    }

    private static Set<String> names(JsonNode properties) {
        Set<String> names = new LinkedHashSet<>();
        properties.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
