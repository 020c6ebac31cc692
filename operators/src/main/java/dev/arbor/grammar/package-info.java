/**
 * JSON Schema to GBNF: grammars that make llama.cpp produce JSON which validates against a schema.
 *
 * <p>Entry point: {@link dev.arbor.grammar.SchemaToGbnf#convert}, which returns a
 * {@link dev.arbor.grammar.GrammarSource} (text and start rule {@code root}) or throws an
 * {@link dev.arbor.grammar.InvalidSchemaException}: {@link dev.arbor.grammar.UnsupportedSchemaException}
 * naming the keyword, or {@link dev.arbor.grammar.MalformedSchemaException}, both with the JSON
 * pointer of the offending subschema. llama.cpp's own parser is the judge of the GBNF text.
 *
 * <h2>The promise</h2>
 * Every string the grammar accepts is one JSON value that validates against the schema (JSON
 * Schema 2020-12). The grammar may accept less than the schema does; what it leaves out is a fixed
 * output form, listed here, never a kind of value the schema asks for. Anything that cannot be
 * converted exactly is refused rather than approximated.
 *
 * <h2>Output form</h2>
 * <ul>
 *   <li>Whitespace: at most one space wherever JSON allows whitespace between tokens, none around
 *       the root value, no newlines. Short output, and no way for a model to stall on blanks.</li>
 *   <li>Objects: properties in the schema's order. Required ones always appear; optional ones may be
 *       left out, and the grammar still puts exactly one comma between two members (one
 *       alternative per possible first member, each later member carrying its own leading
 *       comma).</li>
 *   <li>Extra properties: none when {@code additionalProperties} is {@code false}, {@code true} or
 *       absent and {@code properties} is given (JSON Schema would allow any; the grammar keeps to
 *       the declared ones). With a schema in {@code additionalProperties} they follow the
 *       declared ones, keys written without escapes and never equal to a declared name (duplicate
 *       extra keys are not prevented). An object schema with neither keyword is free-form.</li>
 *   <li>Arrays: {@code prefixItems} then {@code items}; without {@code items} nothing follows a
 *       {@code prefixItems} head.</li>
 *   <li>Numbers: no exponent, no leading zeros; integers without a fraction.</li>
 *   <li>Strings: any character but {@code "}, {@code \} and control characters, or a JSON escape;
 *       {@code \}{@code u} escapes never name a lone surrogate, so lengths count code points.</li>
 *   <li>{@code enum}/{@code const}: the values as Jackson writes them compactly.</li>
 *   <li>No {@code type} keyword: the types the schema's keywords talk about ({@code properties} means
 *       an object), or any value when none does.</li>
 *   <li>{@code oneOf} is converted like {@code anyOf}, and accepted only when its branches are
 *       provably exclusive (different types or constants, a required property the other branch
 *       never writes, a discriminator property), since otherwise a value could match two.</li>
 *   <li>{@link dev.arbor.grammar.GbnfOptions} can cap what the schema leaves unbounded.</li>
 * </ul>
 */
package dev.arbor.grammar;
