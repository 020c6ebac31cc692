package dev.arbor.jobs.records;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * What a user is told about a JSONL line that is not one JSON object: the problem in plain words
 * (no parser internals such as feature names or source locations), and the record's id when it
 * can still be read, so that a rejected record names the record it was. Stateless.
 */
final class JsonProblems {
    private static final JsonFactory LENIENT = JsonFactory.builder().build();
    /** Parser internals in Jackson's messages: source locations, bound types, feature names. */
    private static final Pattern INTERNALS = Pattern.compile(
            "\\s*\\((start marker at )?\\[Source:[^\\]]*\\][^)]*\\)|\\s*\\(bound as `[^`]*`\\)"
                    + "|:?\\s*(not allowed as per|enable|disable) `[^`]*`( to allow)?"
                    + "|\\s*\\([^()]*Feature '[^']*'[^()]*\\)|\\s*at \\[Source:[^\\]]*\\]"
                    + "|\\s*Source: REDACTED \\(`[^`]*` disabled\\);?");
    /** Jackson's limits on one document ("... exceeds the maximum allowed (1000, from `...`)"). */
    private static final Pattern LIMIT = Pattern.compile(
            "(Document nesting depth|Number value length|String value length|Name length) \\((\\d+)\\) exceeds the "
                    + "maximum allowed \\((\\d+).*");

    private JsonProblems() {}

    /** "malformed JSON at column N: ...", in words a user can act on. */
    static String describe(JsonProcessingException e) {
        int column = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
        java.util.regex.Matcher limit = LIMIT.matcher(e.getOriginalMessage());
        if (limit.matches()) {
            return "the JSON is too large to read: " + switch (limit.group(1)) {
                case "Document nesting depth" -> "it nests " + limit.group(2) + " levels deep (at most " + limit.group(3);
                case "Number value length" -> "a number has " + limit.group(2) + " digits (at most " + limit.group(3);
                case "Name length" -> "a field name has " + limit.group(2) + " characters (at most " + limit.group(3);
                default -> "a string has " + limit.group(2) + " characters (at most " + limit.group(3);
            } + ")";
        }
        String problem;
        if (e instanceof JsonEOFException) {
            problem = "the line ends inside the JSON value (is it cut off?)";
        } else if (e.getOriginalMessage().startsWith("Trailing token")) {
            problem = "there is more text after the JSON object";
        } else if (e.getOriginalMessage().startsWith("Non-standard token")) {
            problem = "NaN and Infinity are not JSON numbers";
        } else {
            problem = INTERNALS.matcher(e.getOriginalMessage()).replaceAll("").trim();
        }
        return "malformed JSON at column " + column + ": " + problem;
    }

    /**
     * The top-level {@code "id"} string of a line that could not be parsed as a whole, read as far
     * as the line goes; null when there is none, or when the line names two different ids.
     */
    static String readableId(String line) {
        if (line == null) {
            return null;
        }
        String id = null;
        try (JsonParser parser = LENIENT.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int depth = 1;
            JsonToken token;
            while (depth > 0 && (token = parser.nextToken()) != null) {
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    depth++;
                } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    depth--;
                } else if (depth == 1 && token == JsonToken.FIELD_NAME && parser.currentName().equals("id")) {
                    if (parser.nextToken() != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    String value = parser.getText();
                    if (id != null && !id.equals(value)) {
                        return null; // two ids: which one is meant cannot be told
                    }
                    id = value;
                }
            }
        } catch (IOException e) {
            // as far as the line could be read
        }
        return id == null || id.isEmpty() ? null : id;
    }
}
