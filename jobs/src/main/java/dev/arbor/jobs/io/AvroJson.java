package dev.arbor.jobs.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbor.annotation.Internal;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

/**
 * Avro records as plain JSON, the way people read JSON: a union is its value or null (not Avro's
 * {"type": value} wrapper), an enum its symbol, bytes base64. Fields appear in schema order, so a
 * field added to the schema appears in the JSONL output with no code change.
 */
@Internal
public final class AvroJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJson() {}

    /** Field of Arbor's records listing the metadata keys whose value is null. */
    static final String NULL_METADATA_KEYS = "nullMetadataKeys";

    /**
     * The record as a JSON object. Metadata keys listed in {@value #NULL_METADATA_KEYS} (Avro map
     * values are strings) appear in {@code metadata} with the value null, as they were written,
     * and that list is not shown.
     */
    public static ObjectNode toJson(IndexedRecord record) {
        ObjectNode json = (ObjectNode) value(record, record.getSchema());
        if (json.get(NULL_METADATA_KEYS) instanceof ArrayNode nullKeys && json.get("metadata") instanceof ObjectNode
                metadata) {
            nullKeys.forEach(key -> metadata.putNull(key.asText()));
            json.remove(NULL_METADATA_KEYS);
        }
        return json;
    }

    /** {@code metadata} plus the keys whose value is null, as one map (null values included). */
    public static Map<String, String> withNullKeys(Map<String, String> metadata, List<String> nullKeys) {
        Map<String, String> all = new java.util.HashMap<>(metadata == null ? Map.of() : metadata);
        if (nullKeys != null) {
            nullKeys.forEach(key -> all.put(key, null));
        }
        return all;
    }

    private static JsonNode value(Object value, Schema schema) {
        if (value == null) {
            return NODES.nullNode();
        }
        switch (schema.getType()) {
            case RECORD: {
                IndexedRecord record = (IndexedRecord) value;
                ObjectNode node = NODES.objectNode();
                for (Schema.Field field : schema.getFields()) {
                    node.set(field.name(), value(record.get(field.pos()), field.schema()));
                }
                return node;
            }
            case UNION:
                return value(value, schema.getTypes().get(GenericData.get().resolveUnion(schema, value)));
            case ARRAY: {
                ArrayNode node = NODES.arrayNode();
                for (Object item : (Collection<?>) value) {
                    node.add(value(item, schema.getElementType()));
                }
                return node;
            }
            case MAP: {
                ObjectNode node = NODES.objectNode();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    node.set(entry.getKey().toString(), value(entry.getValue(), schema.getValueType()));
                }
                return node;
            }
            case INT:
                return NODES.numberNode((Integer) value);
            case LONG:
                return NODES.numberNode((Long) value);
            case FLOAT:
                return NODES.numberNode((Float) value);
            case DOUBLE:
                return NODES.numberNode((Double) value);
            case BOOLEAN:
                return NODES.booleanNode((Boolean) value);
            case BYTES: {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            case FIXED:
                return NODES.textNode(Base64.getEncoder().encodeToString(((GenericData.Fixed) value).bytes()));
            case NULL:
                return NODES.nullNode();
            default: // STRING, ENUM
                return NODES.textNode(value.toString());
        }
    }
}
