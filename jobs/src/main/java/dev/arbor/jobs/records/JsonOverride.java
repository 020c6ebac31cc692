package dev.arbor.jobs.records;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbor.flink.OverrideReader;
import dev.arbor.search.SearchStrategy;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON value of one override field of a JSONL record ({@code "width": 4}), read in the form
 * its request parameter asks for, strictly: a wrong type or a value out of range is an
 * {@link IllegalArgumentException} naming the field ("field 'width' must be an integer, was
 * \"4\""), never a converted value.
 *
 * @param name the field, as the record and its messages name it
 * @param value its value (not JSON null: null means "the configured default" and is not read)
 */
record JsonOverride(String name, JsonNode value) implements OverrideReader {

    @Override
    public int int32() {
        return JsonNumbers.int32(name, value);
    }

    @Override
    public long int64() {
        return JsonNumbers.int64(name, value);
    }

    @Override
    public float float32() {
        return JsonNumbers.float32(name, value);
    }

    @Override
    public double float64() {
        return JsonNumbers.float64(name, value);
    }

    @Override
    public boolean bool() {
        if (!value.isBoolean()) {
            throw PromptLineParser.wrongType(name, "true or false", value);
        }
        return value.booleanValue();
    }

    @Override
    public String text() {
        if (!value.isTextual()) {
            throw PromptLineParser.wrongType(name, "a string", value);
        }
        return PromptLineParser.validText(name, value.asText());
    }

    /** A string or a list of strings; a lone string is a list of one. */
    @Override
    public List<String> strings() {
        List<String> strings = new ArrayList<>();
        if (value.isTextual()) {
            strings.add(PromptLineParser.validText(name, value.asText()));
            return strings;
        }
        if (value.isArray()) {
            for (JsonNode item : value) {
                if (!item.isTextual()) {
                    throw PromptLineParser.wrongType(name, "a string or a list of strings", value);
                }
                strings.add(PromptLineParser.validText(name, item.asText()));
            }
            return strings;
        }
        throw PromptLineParser.wrongType(name, "a string or a list of strings", value);
    }

    /** The strategy's canonical name (any the registry knows, in any spelling it accepts). */
    @Override
    public String strategyName() {
        if (value.isTextual()) {
            try {
                return SearchStrategy.named(value.asText()).name();
            } catch (IllegalArgumentException e) {
                // the message below names the known strategies too
            }
        }
        throw PromptLineParser.wrongType(name, "one of " + SearchStrategy.names(), value);
    }
}
