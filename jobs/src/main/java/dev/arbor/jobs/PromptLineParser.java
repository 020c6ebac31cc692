package dev.arbor.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.Strategy;
import dev.arbor.jobs.io.JsonLines;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
public final class PromptLineParser implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What the records are for. */
    public enum Mode {
        GENERATE,
        EVAL
    }

    private static final Set<String> OVERRIDES = Set.of("strategy", "width", "maxNewTokens", "temperature", "topK",
            "topP", "minP", "repeatPenalty", "repeatLastN", "frequencyPenalty", "presencePenalty", "seed",
            "lengthPenalty", "stop", "stopAtEndOfGeneration", "returnCandidates");

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
            throw new InvalidRecordException("malformed JSON at column " + e.getLocation().getColumnNr() + ": "
                    + e.getOriginalMessage(), null);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRecordException("not a JSON object", null);
        }
        String id = root.path("id").isTextual() ? root.get("id").asText() : null;
        try {
            return build(root, id);
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException(e.getMessage(), id);
        }
    }

    private PromptRequest build(JsonNode root, String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException(root.has("id") ? "field 'id' must be a non-empty string"
                    : "missing field 'id'");
        }
        PromptRequest.Builder builder = PromptRequest.newBuilder().setId(id).setPrompt(text(root, "prompt", true));
        Map<String, String> metadata = metadata(root.get("metadata"));
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.equals("id") || name.equals("prompt") || name.equals("metadata")) {
                continue;
            } else if (name.equals("reference")) {
                builder.setReference(text(root, name, false));
            } else if (name.equals("regex") && mode == Mode.EVAL) {
                metadata.put(RecordTags.REGEX, regex(text(root, name, false)));
            } else if (OVERRIDES.contains(name)) {
                override(builder, name, root.get(name));
            } else {
                throw new IllegalArgumentException("unknown field '" + name + "'");
            }
        }
        if (mode == Mode.EVAL) {
            String reference = text(root, "reference", true);
            metadata.put(RecordTags.REFERENCE, reference);
        }
        return builder.setMetadata(metadata).build();
    }

    private static void override(PromptRequest.Builder builder, String name, JsonNode value) {
        if (value.isNull()) {
            return; // null means "the configured default", as in the Avro record
        }
        switch (name) {
            case "strategy" -> builder.setStrategy(strategy(value));
            case "width" -> builder.setWidth(integer(name, value));
            case "maxNewTokens" -> builder.setMaxNewTokens(integer(name, value));
            case "topK" -> builder.setTopK(integer(name, value));
            case "repeatLastN" -> builder.setRepeatLastN(integer(name, value));
            case "temperature" -> builder.setTemperature((float) number(name, value));
            case "topP" -> builder.setTopP((float) number(name, value));
            case "minP" -> builder.setMinP((float) number(name, value));
            case "repeatPenalty" -> builder.setRepeatPenalty((float) number(name, value));
            case "frequencyPenalty" -> builder.setFrequencyPenalty((float) number(name, value));
            case "presencePenalty" -> builder.setPresencePenalty((float) number(name, value));
            case "lengthPenalty" -> builder.setLengthPenalty(number(name, value));
            case "seed" -> {
                if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                    throw wrongType(name, "an integer", value);
                }
                builder.setSeed(value.longValue());
            }
            case "stop" -> builder.setStop(stop(value));
            case "stopAtEndOfGeneration" -> builder.setStopAtEndOfGeneration(bool(name, value));
            case "returnCandidates" -> builder.setReturnCandidates(bool(name, value));
            default -> throw new IllegalStateException(name);
        }
    }

    private static String text(JsonNode root, String name, boolean required) {
        JsonNode value = root.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException("missing field '" + name + "'");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw wrongType(name, "a string", value);
        }
        return value.asText();
    }

    private static Map<String, String> metadata(JsonNode node) {
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
            if (!value.isValueNode() || value.isNull()) {
                throw wrongType("metadata." + key, "a string, number or boolean", value);
            }
            metadata.put(key, value.asText());
        });
        return metadata;
    }

    private static Strategy strategy(JsonNode value) {
        if (value.isTextual()) {
            String name = value.asText().trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (Strategy strategy : Strategy.values()) {
                if (strategy.name().equals(name)) {
                    return strategy;
                }
            }
        }
        throw wrongType("strategy", "\"beam\" or \"best_of_n\"", value);
    }

    private static int integer(String name, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw wrongType(name, "an integer", value);
        }
        return value.intValue();
    }

    private static double number(String name, JsonNode value) {
        if (!value.isNumber()) {
            throw wrongType(name, "a number", value);
        }
        return value.doubleValue();
    }

    private static boolean bool(String name, JsonNode value) {
        if (!value.isBoolean()) {
            throw wrongType(name, "true or false", value);
        }
        return value.booleanValue();
    }

    private static List<String> stop(JsonNode value) {
        List<String> stops = new ArrayList<>();
        if (value.isTextual()) {
            stops.add(value.asText());
            return stops;
        }
        if (value.isArray()) {
            for (JsonNode item : value) {
                if (!item.isTextual()) {
                    throw wrongType("stop", "a string or a list of strings", value);
                }
                stops.add(item.asText());
            }
            return stops;
        }
        throw wrongType("stop", "a string or a list of strings", value);
    }

    private static String regex(String regex) {
        try {
            Pattern.compile(regex);
            return regex;
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("field 'regex' is not a valid regular expression: " + e.getDescription());
        }
    }

    private static IllegalArgumentException wrongType(String name, String expected, JsonNode value) {
        String shown = value.toString();
        if (shown.length() > 40) {
            shown = shown.substring(0, 37) + "...";
        }
        return new IllegalArgumentException("field '" + name + "' must be " + expected + ", was " + shown);
    }
}
