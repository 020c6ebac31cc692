package dev.arbor.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Equality of JSON values as JSON Schema defines it for {@code enum}, {@code const} and
 * {@code oneOf} analysis: numbers compare by mathematical value ({@code 1 == 1.0}), objects ignore
 * member order, everything else compares structurally. Stateless.
 */
final class JsonValues {
    private JsonValues() {
    }

    static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> e : a.properties()) {
                JsonNode other = b.get(e.getKey());
                if (other == null || !same(e.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
