package dev.arbor.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Grammars for {@code array} schemas: {@code prefixItems} (a tuple head; a shorter array is valid
 * too), {@code items} for the items after the head, {@code minItems}, {@code maxItems}. Without
 * {@code items} the array after a {@code prefixItems} head is closed (a choice that narrows JSON
 * Schema's "anything goes"), and an array with neither takes any values. {@code uniqueItems} is
 * accepted only where it cannot bite (false, or at most one item).
 */
final class ArrayRules {
    private final SchemaCompiler compiler;
    private final JsonRules json;

    ArrayRules(SchemaCompiler compiler, JsonRules json) {
        this.compiler = compiler;
        this.json = json;
    }

    Expr array(JsonNode schema, SchemaPath at, String hint) {
        int min = Keywords.count(schema, "minItems", at, 0);
        Integer schemaMax = schema.has("maxItems") ? Keywords.count(schema, "maxItems", at, 0) : null;
        if (schemaMax != null && min > schemaMax) {
            throw new MalformedSchemaException(at.toString(), "minItems " + min + " exceeds maxItems " + schemaMax);
        }
        Keywords.checkRepetition("minItems", min, at);
        if (schemaMax != null) {
            Keywords.checkRepetition("maxItems", schemaMax, at);
        }
        refuseUniqueItems(schema, schemaMax, at);
        int max = GbnfOptions.upper(schemaMax, json.options().maxItems(), min);
        List<Expr> head = prefix(schema, at, hint, max);
        Expr rest = rest(schema, at, hint, head.size(), max);
        if (rest == null && min > head.size()) {
            throw new MalformedSchemaException(at.toString(), "minItems " + min + " exceeds the " + head.size()
                    + " items the array may hold");
        }
        Expr items = items(head, rest, min, max);
        return Expr.seq(Expr.literal("["), json.ws(), items, Expr.literal("]"));
    }

    /**
     * The items, with the space before {@code ]}: head item {@code i} is required when
     * {@code i < min}, the items after the head repeat as {@code minItems}/{@code maxItems} allow.
     * Built from the end, as each head item carries everything after it.
     */
    private Expr items(List<Expr> head, Expr rest, int min, int max) {
        Expr separator = Expr.seq(json.ws(), Expr.literal(","), json.ws());
        int k = head.size();
        Expr tail = rest == null ? Expr.EMPTY
                : Expr.seq(separator, rest).repeat(Math.max(min - k, 0), max < 0 ? -1 : max - k);
        if (k == 0) {
            if (rest == null) {
                return Expr.EMPTY;
            }
            Expr more = Expr.seq(separator, rest).repeat(Math.max(min - 1, 0), max < 0 ? -1 : max - 1);
            Expr all = Expr.seq(rest, more, json.ws());
            return min == 0 ? all.optional() : all;
        }
        for (int i = k - 1; i >= 1; i--) {
            Expr step = Expr.seq(separator, head.get(i), tail);
            tail = i < min ? step : step.optional();
        }
        Expr all = Expr.seq(head.get(0), tail, json.ws());
        return min == 0 ? all.optional() : all;
    }

    /** The head items' grammars, cut at a {@code false} item and at {@code max}. */
    private List<Expr> prefix(JsonNode schema, SchemaPath at, String hint, int max) {
        List<Expr> head = new ArrayList<>();
        JsonNode prefixItems = schema.get("prefixItems");
        if (prefixItems == null) {
            return head;
        }
        if (!prefixItems.isArray() || prefixItems.isEmpty()) {
            throw new MalformedSchemaException(at.child("prefixItems").toString(),
                    "prefixItems must be a non-empty array");
        }
        for (int i = 0; i < prefixItems.size() && (max < 0 || i < max); i++) {
            JsonNode item = prefixItems.get(i);
            if (item.isBoolean() && !item.booleanValue()) {
                break;
            }
            head.add(compiler.inside(item, at.child("prefixItems").index(i), hint + "-" + i));
        }
        return head;
    }

    /** The grammar of the items after the head, or null when there may be none. */
    private Expr rest(JsonNode schema, SchemaPath at, String hint, int headSize, int max) {
        JsonNode items = schema.get("items");
        SchemaPath where = at.child("items");
        if (items != null && items.isArray()) {
            throw new UnsupportedSchemaException("items", where.toString(),
                    "the draft 2019-09 tuple form; use prefixItems and items");
        }
        boolean closed = (items == null && schema.has("prefixItems")) || (items != null && items.isBoolean()
                && !items.booleanValue()) || headSize < prefixSize(schema) || (max >= 0 && headSize >= max);
        if (closed) {
            return null;
        }
        if (items == null) {
            return json.value();
        }
        return compiler.inside(items, where, hint + "-item");
    }

    private static int prefixSize(JsonNode schema) {
        JsonNode prefixItems = schema.get("prefixItems");
        return prefixItems == null ? 0 : prefixItems.size();
    }

    private static void refuseUniqueItems(JsonNode schema, Integer max, SchemaPath at) {
        JsonNode unique = schema.get("uniqueItems");
        if (unique == null) {
            return;
        }
        if (!unique.isBoolean()) {
            throw new MalformedSchemaException(at.child("uniqueItems").toString(), "uniqueItems must be a boolean");
        }
        if (unique.booleanValue() && (max == null || max > 1)) {
            throw new UnsupportedSchemaException("uniqueItems", at.child("uniqueItems").toString(),
                    "distinct items cannot be enforced by a grammar");
        }
    }
}
