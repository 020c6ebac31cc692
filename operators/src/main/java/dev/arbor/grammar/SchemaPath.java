package dev.arbor.grammar;

import com.fasterxml.jackson.core.JsonPointer;

/**
 * Where a subschema sits in the document, as a JSON pointer; printed as a URI fragment
 * ({@code #/properties/a/items}) so error messages read like the {@code $ref}s users write.
 * Immutable.
 */
record SchemaPath(JsonPointer pointer) {
    static final SchemaPath ROOT = new SchemaPath(JsonPointer.empty());

    SchemaPath child(String keyword) {
        return new SchemaPath(pointer.appendProperty(keyword));
    }

    SchemaPath child(String keyword, String name) {
        return child(keyword).child(name);
    }

    SchemaPath index(int i) {
        return new SchemaPath(pointer.appendIndex(i));
    }

    @Override
    public String toString() {
        return "#" + pointer;
    }
}
