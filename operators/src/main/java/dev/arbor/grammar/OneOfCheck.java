package dev.arbor.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Accepts a {@code oneOf} only when no output of one branch's grammar can validate against another
 * branch; the grammar is then the same as {@code anyOf}'s and every output matches exactly one
 * branch. Branches count as exclusive when it is provable cheaply: their types do not overlap,
 * their finite value sets ({@code enum}, {@code const}, boolean, null) are disjoint, or, for two
 * object schemas, one requires a property the other never produces, or both require a property
 * whose values ({@code const}/{@code enum}, a "discriminator") are disjoint. Anything else is
 * refused as unsupported with a hint to use {@code anyOf}. Stateless apart from its resolver.
 */
final class OneOfCheck {
    private final RefResolver refs;

    OneOfCheck(RefResolver refs) {
        this.refs = refs;
    }

    void requireExclusive(List<JsonNode> branches, SchemaPath at) {
        for (int i = 0; i < branches.size(); i++) {
            for (int j = i + 1; j < branches.size(); j++) {
                if (!exclusive(branches.get(i), branches.get(j))) {
                    throw new UnsupportedSchemaException("oneOf", at.toString(), "branches " + i + " and " + j
                            + " may both match one value; make them exclusive (distinct types, constants or"
                            + " required properties) or use anyOf");
                }
            }
        }
    }

    private boolean exclusive(JsonNode a, JsonNode b) {
        if (isFalse(a) || isFalse(b)) {
            return true;
        }
        JsonNode left = plain(a, new HashSet<>());
        JsonNode right = plain(b, new HashSet<>());
        if (left == null || right == null) {
            return false;
        }
        Set<String> shared = sharedKinds(kinds(left), kinds(right));
        if (shared.isEmpty()) {
            return true;
        }
        List<JsonNode> leftValues = values(left);
        List<JsonNode> rightValues = values(right);
        if (leftValues != null && rightValues != null) {
            return disjoint(leftValues, rightValues);
        }
        return shared.equals(Set.of("object")) && objectsExclusive(left, right);
    }

    private static boolean isFalse(JsonNode schema) {
        return schema.isBoolean() && !schema.booleanValue();
    }

    /** The schema behind a chain of plain {@code $ref}s; null for what this check does not read. */
    private JsonNode plain(JsonNode schema, Set<String> seen) {
        if (!schema.isObject() || schema.has("anyOf") || schema.has("oneOf") || schema.has("allOf")) {
            return null;
        }
        if (!schema.has("$ref")) {
            return schema;
        }
        if (!Keywords.onlyAnnotationsBesides(schema, Set.of("$ref"))) {
            return null;
        }
        RefResolver.Target target;
        try {
            target = refs.resolve(schema, SchemaPath.ROOT);
        } catch (InvalidSchemaException e) {
            return null;
        }
        return seen.add(target.path().toString()) ? plain(target.schema(), seen) : null;
    }

    private static Set<String> kinds(JsonNode schema) {
        List<JsonNode> values = values(schema);
        if (values == null) {
            return SchemaTypes.of(schema, SchemaPath.ROOT);
        }
        Set<String> kinds = new LinkedHashSet<>();
        values.forEach(v -> kinds.addAll(SchemaTypes.typesOf(v)));
        return kinds;
    }

    /** Kinds both may produce; integers are numbers. */
    private static Set<String> sharedKinds(Set<String> a, Set<String> b) {
        Set<String> shared = new LinkedHashSet<>();
        for (String t : a) {
            boolean numeric = t.equals("number") || t.equals("integer");
            if (b.contains(t) || (numeric && (b.contains("number") || b.contains("integer")))) {
                shared.add(t.equals("integer") ? "number" : t);
            }
        }
        return shared;
    }

    /** The finite set of values the schema's grammar produces, or null if it is not finite. */
    private static List<JsonNode> values(JsonNode schema) {
        if (schema.has("enum") || schema.has("const")) {
            try {
                return EnumRules.values(schema, SchemaPath.ROOT);
            } catch (InvalidSchemaException e) {
                return null;
            }
        }
        Set<String> types = SchemaTypes.of(schema, SchemaPath.ROOT);
        if (!Set.of("boolean", "null").containsAll(types)) {
            return null;
        }
        List<JsonNode> values = new ArrayList<>();
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (types.contains("boolean")) {
            values.add(nodes.booleanNode(true));
            values.add(nodes.booleanNode(false));
        }
        if (types.contains("null")) {
            values.add(nodes.nullNode());
        }
        return values;
    }

    private static boolean disjoint(List<JsonNode> a, List<JsonNode> b) {
        return a.stream().noneMatch(x -> b.stream().anyMatch(y -> JsonValues.same(x, y)));
    }

    private boolean objectsExclusive(JsonNode a, JsonNode b) {
        return requiresWhatOtherLacks(a, b) || requiresWhatOtherLacks(b, a) || discriminated(a, b);
    }

    /** {@code a} requires a property that {@code b}'s grammar never writes. */
    private static boolean requiresWhatOtherLacks(JsonNode a, JsonNode b) {
        Set<String> written = writtenProperties(b);
        return written != null && required(a).stream().anyMatch(p -> !written.contains(p));
    }

    /** Both require a property whose finite value sets are disjoint. */
    private boolean discriminated(JsonNode a, JsonNode b) {
        for (String p : required(a)) {
            if (!required(b).contains(p)) {
                continue;
            }
            JsonNode pa = plain(a.path("properties").path(p), new HashSet<>());
            JsonNode pb = plain(b.path("properties").path(p), new HashSet<>());
            List<JsonNode> va = pa == null ? null : values(pa);
            List<JsonNode> vb = pb == null ? null : values(pb);
            if (va != null && vb != null && disjoint(va, vb)) {
                return true;
            }
        }
        return false;
    }

    /** Names an object grammar may write; null when it may write any (free-form or extra members). */
    private static Set<String> writtenProperties(JsonNode schema) {
        JsonNode extra = schema.get("additionalProperties");
        boolean extraSchema = extra != null && !extra.isBoolean();
        boolean freeForm = !schema.has("properties") && (extra == null || extra.booleanValue());
        if (extraSchema || freeForm) {
            return null;
        }
        Set<String> names = new HashSet<>();
        schema.path("properties").fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> required(JsonNode schema) {
        Set<String> names = new HashSet<>();
        schema.path("required").forEach(n -> names.add(n.asText()));
        return names;
    }
}
