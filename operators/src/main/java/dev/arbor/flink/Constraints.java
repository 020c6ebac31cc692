package dev.arbor.flink;

import dev.arbor.flink.records.PromptRequest;
import dev.arbor.grammar.GbnfOptions;
import dev.arbor.grammar.GrammarSource;
import dev.arbor.grammar.InvalidSchemaException;
import dev.arbor.grammar.SchemaToGbnf;
import dev.arbor.search.ErrorCode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The grammar a record's completions must follow: its own {@code grammar} (GBNF) or
 * {@code jsonSchema}, else the operator's default ({@code arbor.search.grammar} /
 * {@code arbor.search.json-schema}), else none. A JSON Schema becomes GBNF through
 * {@link SchemaToGbnf} with the configured bounds ({@link ArborConfig#schemaBounds()}); conversions
 * are cached by schema text, since a dataset's records usually share one schema. Thread-safe.
 */
final class Constraints {
    private static final int CACHED_SCHEMAS = 64;

    private final String defaultGrammar;
    private final String defaultSchema;
    private final GbnfOptions bounds;
    /** A schema's grammar, or why it has none. */
    private record Conversion(String gbnf, String problem) {}

    private final Map<String, Conversion> converted = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Conversion> eldest) {
                    return size() > CACHED_SCHEMAS;
                }
            });

    Constraints(ArborConfig config) {
        this.defaultGrammar = config.get(ArborOptions.GRAMMAR);
        this.defaultSchema = config.get(ArborOptions.JSON_SCHEMA);
        this.bounds = config.schemaBounds();
    }

    /** The GBNF text for {@code record}, or null when nothing constrains it. */
    String grammar(PromptRequest record) throws RecordMapping.Rejected {
        String grammar = text(record.getGrammar());
        String schema = text(record.getJsonSchema());
        if (grammar != null && schema != null) {
            throw new RecordMapping.Rejected(ErrorCode.INVALID_PARAMS, "a record has grammar or jsonSchema, not both");
        }
        if (grammar != null) {
            return grammar;
        }
        if (schema != null) {
            return fromSchema(schema);
        }
        return defaultGrammar != null ? defaultGrammar : defaultSchema != null ? fromSchema(defaultSchema) : null;
    }

    private String fromSchema(String schema) throws RecordMapping.Rejected {
        Conversion conversion = converted.computeIfAbsent(schema, this::convert);
        if (conversion.problem() != null) {
            throw new RecordMapping.Rejected(ErrorCode.INVALID_GRAMMAR, conversion.problem());
        }
        return conversion.gbnf();
    }

    private Conversion convert(String schema) {
        try {
            GrammarSource grammar = SchemaToGbnf.convert(schema, bounds);
            return new Conversion(grammar.text(), null);
        } catch (InvalidSchemaException e) {
            return new Conversion(null, "jsonSchema: " + e.getMessage());
        }
    }

    private static String text(CharSequence value) {
        return value == null || value.toString().isBlank() ? null : value.toString();
    }
}
