package dev.arbor.grammar;

import dev.arbor.annotation.PublicApi;

/**
 * A valid JSON Schema keyword (or keyword value) that the converter does not turn into a grammar,
 * because doing so exactly is not implemented: {@code pattern}, {@code multipleOf},
 * {@code patternProperties}, {@code not}, {@code if}, a remote {@code $ref}, and so on. Refusing is
 * deliberate: a grammar that ignored the keyword would let the model produce output that fails the
 * schema. The message names the keyword and its location.
 */
@PublicApi
public final class UnsupportedSchemaException extends InvalidSchemaException {
    private static final long serialVersionUID = 1L;

    private final String keyword;

    UnsupportedSchemaException(String keyword, String location, String why) {
        super(location, "unsupported keyword '" + keyword + "': " + why);
        this.keyword = keyword;
    }

    /** The keyword that could not be converted. */
    public String keyword() {
        return keyword;
    }
}
