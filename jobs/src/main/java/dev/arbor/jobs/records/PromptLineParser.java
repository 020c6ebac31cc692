package dev.arbor.jobs.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.annotation.Internal;
import dev.arbor.flink.RequestParameter;
import dev.arbor.flink.RequestParameters;
import dev.arbor.flink.records.ChatMessage;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.jobs.io.JsonLines;
import dev.arbor.search.TextCheck;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses one JSONL line into a {@link PromptRequest}, strictly: the line must be one JSON object
 * with a string {@code id} and {@code prompt}; the optional fields are named and typed like the
 * Avro record's ({@code width} an integer, {@code temperature} a number, {@code stop} a string or
 * a list of strings, {@code metadata} an object of strings, numbers or booleans); anything else (an
 * unknown field, a wrong type, a duplicate key, a reserved metadata key) is an
 * {@link InvalidRecordException} whose message says which field and why.
 *
 * <p>In {@link Mode#EVAL} an item also needs a string {@code reference} and may carry a
 * {@code regex}; both are copied into the request's metadata ({@link RecordTags}) for the scorer.
 * Thread-safe and serializable (it has no state).
 */
@Internal
public final class PromptLineParser implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What the records are for. */
    public enum Mode {
        GENERATE,
        EVAL
    }

    private final Mode mode;

    public PromptLineParser(Mode mode) {
        this.mode = mode;
    }

    /** The request in {@code line}, or the reason it is not one. */
    public PromptRequest parse(String line) throws InvalidRecordException {
        JsonNode root;
        try {
            root = JsonLines.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException(JsonProblems.describe(e), JsonProblems.readableId(line));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRecordException("not a JSON object", null);
        }
        String id = root.path("id").isTextual() && !root.get("id").asText().isEmpty()
                && TextCheck.problem(root.get("id").asText()) == null ? root.get("id").asText() : null;
        try {
            return build(root, id);
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException(e.getMessage(), id);
        }
    }

    private PromptRequest build(JsonNode root, String id) {
        if (id == null || id.isEmpty()) {
            String problem = root.path("id").isTextual() ? TextCheck.problem(root.get("id").asText()) : null;
            throw new IllegalArgumentException(problem != null ? "field 'id' is not valid Unicode text: " + problem
                    : root.has("id") ? "field 'id' must be a non-empty string" : "missing field 'id'");
        }
        PromptRequest.Builder builder = PromptRequest.newBuilder().setId(id);
        // null stands for "not given", as for every optional field: {"prompt": "x", "messages": null} is a prompt.
        if (root.hasNonNull("messages")) {
            if (root.hasNonNull("prompt")) {
                throw new IllegalArgumentException("a record has 'prompt' or 'messages', not both");
            }
            builder.setMessages(messages(root.get("messages")));
        } else {
            builder.setPrompt(text(root, "prompt", true));
        }
        List<String> nullKeys = new ArrayList<>();
        Map<String, String> metadata = metadata(root.get("metadata"), nullKeys);
        builder.setNullMetadataKeys(nullKeys);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.equals("id") || name.equals("prompt") || name.equals("metadata") || name.equals("messages")) {
                continue;
            } else if (name.equals("grammar")) {
                builder.setGrammar(text(root, name, false));
            } else if (name.equals("jsonSchema")) {
                builder.setJsonSchema(jsonSchema(root.get(name)));
            } else if (name.equals("reference")) {
                builder.setReference(text(root, name, false));
            } else if (name.equals("regex") && mode == Mode.EVAL) {
                String regex = text(root, name, false);
                if (regex != null) {
                    metadata.put(RecordTags.REGEX, regex(regex));
                }
            } else {
                RequestParameter<?> parameter = RequestParameters.recordOverride(name)
                        .orElseThrow(() -> new IllegalArgumentException("unknown field '" + name + "'"));
                override(builder, parameter, root.get(name));
            }
        }
        if (mode == Mode.EVAL) {
            String reference = text(root, "reference", true);
            metadata.put(RecordTags.REFERENCE, reference);
        }
        return builder.setMetadata(metadata).build();
    }

    /** {@code [{"role": ..., "content": ...}, ...]}; the roles themselves are checked where the template is known. */
    private static List<ChatMessage> messages(JsonNode value) {
        if (!value.isArray()) {
            throw wrongType("messages", "an array of {\"role\", \"content\"} objects", value);
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode turn = value.get(i);
            String field = "messages[" + i + "]";
            if (!turn.isObject()) {
                throw wrongType(field, "an object with \"role\" and \"content\"", turn);
            }
            for (Iterator<String> names = turn.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("role") && !name.equals("content")) {
                    throw new IllegalArgumentException("unknown field '" + field + "." + name + "'");
                }
            }
            messages.add(new ChatMessage(text(turn, "role", true), validText(field + ".content",
                    text(turn, "content", true))));
        }
        return messages;
    }

    /** A JSON Schema given as an object (or as its JSON text), kept as JSON text. */
    private static String jsonSchema(JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return value.asText();
        }
        if (!value.isObject() && !value.isBoolean()) {
            throw wrongType("jsonSchema", "a JSON Schema object", value);
        }
        return value.toString();
    }

    /** A request parameter's override (RequestParameters says how its value is read and stored). */
    private static void override(PromptRequest.Builder builder, RequestParameter<?> parameter, JsonNode value) {
        if (value.isNull()) {
            return; // null means "the configured default", as in the Avro record
        }
        parameter.overrideFromJson(builder, new JsonOverride(parameter.name(), value));
    }

    private static String text(JsonNode root, String name, boolean required) {
        JsonNode value = root.get(name);
        if (value == null) {
            if (required) {
                throw new IllegalArgumentException("missing field '" + name + "'");
            }
            return null;
        }
        if (value.isNull() && !required) {
            return null;
        }
        if (!value.isTextual()) {
            throw wrongType(name, "a string", value);
        }
        return validText(name, value.asText());
    }

    /**
     * Text that cannot be encoded as UTF-8 (an unpaired surrogate from a JSON escape) would turn into
     * '?' on its way through the job: reject it instead.
     */
    static String validText(String name, String text) {
        String problem = TextCheck.problem(text);
        if (problem != null) {
            throw new IllegalArgumentException("field '" + name + "' is not valid Unicode text: " + problem);
        }
        return text;
    }

    /** The metadata's string values; keys with a null value go to {@code nullKeys} (Avro values are strings). */
    private static Map<String, String> metadata(JsonNode node, List<String> nullKeys) {
        Map<String, String> metadata = new HashMap<>();
        if (node == null || node.isNull()) {
            return metadata;
        }
        if (!node.isObject()) {
            throw wrongType("metadata", "an object", node);
        }
        node.fields().forEachRemaining(entry -> {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (RecordTags.isReserved(key)) {
                throw new IllegalArgumentException("metadata key '" + key + "' is reserved (prefix '"
                        + RecordTags.PREFIX + "')");
            }
            validText("metadata key " + key, key);
            if (value.isNull()) {
                nullKeys.add(key); // kept, and shown as JSON null again in the outputs
                return;
            }
            if (!value.isValueNode()) {
                throw wrongType("metadata." + key, "a string, number or boolean (or null)", value);
            }
            metadata.put(key, validText("metadata." + key, value.asText()));
        });
        return metadata;
    }

    private static String regex(String regex) {
        try {
            Pattern.compile(regex);
            return regex;
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("field 'regex' is not a valid regular expression: " + e.getDescription());
        }
    }

    static IllegalArgumentException wrongType(String name, String expected, JsonNode value) {
        String shown = value.toString();
        if (shown.length() > 40) {
            shown = shown.substring(0, 37) + "...";
        }
        return new IllegalArgumentException("field '" + name + "' must be " + expected + ", was " + shown);
    }
}
