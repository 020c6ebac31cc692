package dev.arbor.flink.docs;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.Candidate;
import dev.arbor.flink.records.ChatMessage;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchError;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.flink.records.SearchStats;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

/**
 * Field tables of the Avro records, generated from their schemas (the {@code doc} of every field
 * is its meaning), for the user guide.
 */
@Internal
public final class RecordsDoc {
    private RecordsDoc() {}

    /** The records, in the order the guide lists them. */
    public static List<Schema> schemas() {
        return List.of(PromptRequest.getClassSchema(), ChatMessage.getClassSchema(), SearchResult.getClassSchema(),
                Candidate.getClassSchema(), SearchStats.getClassSchema(), SearchError.getClassSchema());
    }

    /** One section per record: its name, its doc and a table of its fields. */
    public static String tables() {
        StringBuilder out = new StringBuilder();
        for (Schema schema : schemas()) {
            out.append("**`").append(schema.getName()).append("`**: ").append(schema.getDoc()).append("\n\n");
            MarkdownTable table = new MarkdownTable("Field", "Type", "Default", "Meaning");
            for (Schema.Field field : schema.getFields()) {
                table.row(MarkdownTable.code(field.name()), type(field.schema()), defaultValue(field),
                        MarkdownTable.text(field.doc()));
            }
            out.append(table).append('\n');
        }
        return out.toString();
    }

    private static String type(Schema schema) {
        return switch (schema.getType()) {
            case UNION -> schema.getTypes().stream().map(RecordsDoc::type).collect(Collectors.joining(" or "));
            case ARRAY -> "array of " + type(schema.getElementType());
            case MAP -> "map of " + type(schema.getValueType());
            case RECORD, ENUM, FIXED -> "`" + schema.getName() + "`";
            default -> schema.getType().getName();
        };
    }

    private static String defaultValue(Schema.Field field) {
        if (!field.hasDefaultValue()) {
            return "(required)";
        }
        return "`" + json(field.defaultVal()) + "`";
    }

    /** A default value as Avro's schema JSON writes it (the values a schema's defaults can take). */
    private static String json(Object value) {
        if (value == JsonProperties.NULL_VALUE || value == null) {
            return "null";
        }
        if (value instanceof CharSequence text) {
            return "\"" + text + "\"";
        }
        if (value instanceof java.util.Map<?, ?> map) {
            return map.isEmpty() ? "{}" : map.toString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(RecordsDoc::json).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }
}
