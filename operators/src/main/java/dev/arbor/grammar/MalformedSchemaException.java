package dev.arbor.grammar;

import dev.arbor.annotation.PublicApi;

/**
 * A document that is not a usable schema: not an object or boolean, a keyword with a value of the
 * wrong kind, {@code required} naming a property that is not declared, a {@code $ref} that points
 * nowhere, {@code minItems} above {@code maxItems}, a schema that admits no value at all, and so on.
 * The message says what is wrong and where.
 */
@PublicApi
public final class MalformedSchemaException extends InvalidSchemaException {
    private static final long serialVersionUID = 1L;

    MalformedSchemaException(String location, String message) {
        super(location, message);
    }
}
