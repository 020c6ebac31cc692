package dev.arbor.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a conjunction of schemas ({@code allOf}, a {@code $ref} with sibling keywords, the keywords
 * around an {@code anyOf} applied to each branch) into one schema, when that is exact: members are
 * combined keyword by keyword; {@code type}s intersect, {@code required}s unite, {@code properties}
 * unite (a property in two members gets both schemas through a nested {@code allOf}); any other
 * keyword in two members must have the same value. Because {@code additionalProperties} and
 * {@code items} only see their own schema's {@code properties} / {@code prefixItems}, they must come
 * from the member that holds all of those. Anything else is refused as unsupported.
 */
final class SchemaMerger {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Keywords that read a sibling keyword of their own schema object, with that sibling. */
    private static final Map<String, String> READS_SIBLING = Map.of(
            "additionalProperties", "properties", "unevaluatedProperties", "properties",
            "items", "prefixItems", "unevaluatedItems", "prefixItems");

    private final RefResolver refs;
    private final SchemaPath at;
    private final ObjectNode merged = NODES.objectNode();
    /** The member each keyword came from, to check {@link #READS_SIBLING}. */
    private final Map<String, Integer> origin = new HashMap<>();
    private final Set<String> visiting = new HashSet<>();
    private int member;

    private SchemaMerger(RefResolver refs, SchemaPath at) {
        this.refs = refs;
        this.at = at;
    }

    /** The conjunction of {@code parts}; {@code at} is the site named in errors. */
    static ObjectNode merge(List<JsonNode> parts, RefResolver refs, SchemaPath at) {
        SchemaMerger merger = new SchemaMerger(refs, at);
        for (JsonNode part : parts) {
            merger.add(part, at);
        }
        merger.checkSiblingReaders();
        return merger.merged;
    }

    private void add(JsonNode part, SchemaPath where) {
        if (part.isBoolean()) {
            if (!part.booleanValue()) {
                throw new MalformedSchemaException(where.toString(), "a conjunction with 'false' admits no value");
            }
            return;
        }
        if (!part.isObject()) {
            throw new MalformedSchemaException(where.toString(), "a schema must be an object or a boolean");
        }
        Keywords.check(part, where);
        member++;
        int self = member;
        if (part.has("$ref")) {
            RefResolver.Target target = refs.resolve(part, where);
            if (!visiting.add(target.path().toString())) {
                throw new MalformedSchemaException(where.toString(), "a conjunction refers to itself");
            }
            add(target.schema(), target.path());
            visiting.remove(target.path().toString());
        }
        if (part.has("allOf")) {
            JsonNode all = allOf(part, where);
            for (int i = 0; i < all.size(); i++) {
                add(all.get(i), where.child("allOf").index(i));
            }
        }
        for (Map.Entry<String, JsonNode> field : part.properties()) {
            String name = field.getKey();
            if (!name.equals("$ref") && !name.equals("allOf") && Keywords.SUPPORTED.contains(name)) {
                put(name, field.getValue(), self, where);
            }
        }
    }

    static JsonNode allOf(JsonNode schema, SchemaPath where) {
        JsonNode all = schema.get("allOf");
        if (!all.isArray() || all.isEmpty()) {
            throw new MalformedSchemaException(where.child("allOf").toString(), "allOf must be a non-empty array");
        }
        return all;
    }

    private void put(String name, JsonNode value, int from, SchemaPath where) {
        JsonNode existing = merged.get(name);
        if (existing == null) {
            merged.set(name, value);
            origin.put(name, from);
            return;
        }
        switch (name) {
            case "type" -> merged.set(name, intersectTypes(existing, value, where));
            case "required" -> merged.set(name, unite(requireArray(existing, where), requireArray(value, where)));
            case "properties" -> merged.set(name, uniteProperties(existing, value, where));
            default -> {
                if (!existing.equals(value)) {
                    throw new UnsupportedSchemaException(name, at.toString(),
                            "two parts of a conjunction (allOf, or $ref/anyOf with siblings) both set it");
                }
            }
        }
        origin.put(name, -1);
    }

    private void checkSiblingReaders() {
        READS_SIBLING.forEach((reader, sibling) -> {
            Integer readerFrom = origin.get(reader);
            Integer siblingFrom = origin.get(sibling);
            if (readerFrom != null && siblingFrom != null && !readerFrom.equals(siblingFrom)) {
                throw new UnsupportedSchemaException(reader, at.toString(), "in a conjunction, '" + reader
                        + "' must sit in the one part that holds all of '" + sibling + "'");
            }
        });
    }

    private static JsonNode intersectTypes(JsonNode a, JsonNode b, SchemaPath where) {
        Set<String> left = SchemaTypes.declared(a, where);
        Set<String> right = SchemaTypes.declared(b, where);
        Set<String> both = new LinkedHashSet<>();
        for (String t : left) {
            if (right.contains(t)) {
                both.add(t);
            } else if (t.equals("number") && right.contains("integer")) {
                both.add("integer");
            } else if (t.equals("integer") && right.contains("number")) {
                both.add("integer");
            }
        }
        if (both.isEmpty()) {
            throw new MalformedSchemaException(where.toString(), "the parts of a conjunction share no type");
        }
        ArrayNode out = NODES.arrayNode();
        both.forEach(out::add);
        return out;
    }

    private static JsonNode requireArray(JsonNode required, SchemaPath where) {
        if (!required.isArray()) {
            throw new MalformedSchemaException(where.child("required").toString(), "required must be an array");
        }
        return required;
    }

    private static JsonNode unite(JsonNode a, JsonNode b) {
        Set<JsonNode> all = new LinkedHashSet<>();
        a.forEach(all::add);
        b.forEach(all::add);
        ArrayNode out = NODES.arrayNode();
        out.addAll(new ArrayList<>(all));
        return out;
    }

    private static JsonNode uniteProperties(JsonNode a, JsonNode b, SchemaPath where) {
        if (!a.isObject() || !b.isObject()) {
            throw new MalformedSchemaException(where.child("properties").toString(), "properties must be an object");
        }
        ObjectNode out = ((ObjectNode) a).deepCopy();
        b.properties().forEach(e -> {
            JsonNode mine = out.get(e.getKey());
            out.set(e.getKey(), mine == null ? e.getValue()
                    : NODES.objectNode().set("allOf", NODES.arrayNode().add(mine).add(e.getValue())));
        });
        return out;
    }
}
