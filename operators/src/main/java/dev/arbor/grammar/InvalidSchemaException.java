package dev.arbor.grammar;

import dev.arbor.annotation.PublicApi;

/**
 * A JSON Schema that cannot be turned into a grammar. The two kinds are
 * {@link UnsupportedSchemaException} (valid JSON Schema that uses something the converter does not
 * implement) and {@link MalformedSchemaException} (a document that is not a usable schema). Both
 * name where in the schema the problem is, as a JSON pointer ({@code "#"} is the root), so a
 * rejected record can say exactly what to change.
 */
@PublicApi
public abstract class InvalidSchemaException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String location;

    InvalidSchemaException(String location, String message) {
        super(message + " at " + location);
        this.location = location;
    }

    /** The JSON pointer (as a URI fragment, {@code "#/properties/a"}) of the offending schema. */
    public String location() {
        return location;
    }
}
