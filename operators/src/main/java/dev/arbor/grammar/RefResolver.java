package dev.arbor.grammar;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Resolves {@code $ref}s within the one schema document: {@code "#"} and JSON pointers such as
 * {@code "#/$defs/node"} or {@code "#/definitions/node"} (percent-encoding and {@code ~0 ~1}
 * escapes decoded). Remote references, anchors ({@code "#name"}) and references relative to an
 * {@code $id} are refused; a pointer to nothing is malformed. Immutable.
 */
final class RefResolver {
    /** A resolved reference: the schema it names and where that schema is. */
    record Target(JsonNode schema, SchemaPath path) {
    }

    private final JsonNode document;

    RefResolver(JsonNode document) {
        this.document = document;
    }

    /** The target of the {@code $ref} in {@code schema}, which sits at {@code at}. */
    Target resolve(JsonNode schema, SchemaPath at) {
        SchemaPath where = at.child("$ref");
        JsonNode ref = schema.get("$ref");
        if (!ref.isTextual()) {
            throw new MalformedSchemaException(where.toString(), "$ref must be a string");
        }
        String text = ref.asText();
        if (!text.startsWith("#") || (text.length() > 1 && text.charAt(1) != '/')) {
            throw new UnsupportedSchemaException("$ref", where.toString(),
                    "'" + text + "': only references within the document ('#' or '#/...') are resolved");
        }
        JsonPointer pointer;
        try {
            // A fragment is percent-encoded, and '+' in it is a plus, not a space.
            String fragment = URLDecoder.decode(text.substring(1).replace("+", "%2B"), StandardCharsets.UTF_8);
            pointer = JsonPointer.compile(fragment);
        } catch (IllegalArgumentException e) {
            throw new MalformedSchemaException(where.toString(), "$ref '" + text + "' is not a JSON pointer");
        }
        JsonNode target = document.at(pointer);
        if (target.isMissingNode()) {
            throw new MalformedSchemaException(where.toString(), "$ref '" + text + "' points to nothing");
        }
        return new Target(target, new SchemaPath(pointer));
    }
}
