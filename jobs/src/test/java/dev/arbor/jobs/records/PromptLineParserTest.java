package dev.arbor.jobs.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.flink.records.PromptRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One line, one request, strictly: each rule of the record format on its own (BadInputMatrixTest
 * runs the same rules through a whole job).
 */
class PromptLineParserTest {
    private final PromptLineParser generate = new PromptLineParser(PromptLineParser.Mode.GENERATE);
    private final PromptLineParser eval = new PromptLineParser(PromptLineParser.Mode.EVAL);

    @Test
    void aRecordWithItsOptionalFields() throws Exception {
        PromptRequest request = generate.parse("{\"id\": \"q\", \"prompt\": \"p\", \"width\": 2.0, \"temperature\": "
                + "0.5, \"stop\": \"\\n\", \"metadata\": {\"n\": 1, \"b\": true, \"gone\": null}}");
        assertThat(request.getId()).isEqualTo("q");
        assertThat(request.getPrompt()).isEqualTo("p");
        assertThat(request.getWidth()).isEqualTo(2);
        assertThat(request.getTemperature()).isEqualTo(0.5f);
        assertThat(request.getStop()).containsExactly("\n");
        assertThat(request.getMetadata()).containsOnlyKeys("n", "b").containsEntry("n", "1").containsEntry("b", "true");
        assertThat(request.getNullMetadataKeys()).containsExactly("gone");
    }

    @Test
    void chatMessagesInsteadOfAPrompt() throws Exception {
        PromptRequest request = generate.parse("{\"id\": \"c\", \"messages\": [{\"role\": \"user\", \"content\": "
                + "\"hi\"}]}");
        assertThat(request.getPrompt()).isNull();
        assertThat(request.getMessages()).hasSize(1);
        assertInvalid(generate, "{\"id\": \"c\", \"prompt\": \"p\", \"messages\": [{\"role\": \"user\", \"content\": "
                + "\"hi\"}]}", "c", "a record has 'prompt' or 'messages', not both");
        assertInvalid(generate, "{\"id\": \"c\", \"messages\": [{\"role\": \"user\", \"text\": \"hi\"}]}", "c",
                "unknown field 'messages[0].text'");
    }

    @Test
    void nullMeansNotGiven() throws Exception {
        PromptRequest request = generate.parse("{\"id\": \"n\", \"prompt\": \"p\", \"width\": null, \"grammar\": null}");
        assertThat(request.getWidth()).isNull();
        assertThat(request.getGrammar()).isNull();
    }

    @Test
    void eachRuleNamesItsFieldAndTheIdWhenItCanBeRead() {
        assertInvalid(generate, "{\"prompt\": \"p\"}", null, "missing field 'id'");
        assertInvalid(generate, "{\"id\": 7, \"prompt\": \"p\"}", null, "field 'id' must be a non-empty string");
        assertInvalid(generate, "{\"id\": \"q\"}", "q", "missing field 'prompt'");
        assertInvalid(generate, "{\"id\": \"q\", \"prompt\": 5}", "q", "field 'prompt' must be a string, was 5");
        assertInvalid(generate, "{\"id\": \"q\", \"prompt\": \"p\", \"widht\": 4}", "q", "unknown field 'widht'");
        assertInvalid(generate, "{\"id\": \"q\", \"prompt\": \"p\", \"width\": \"4\"}", "q",
                "field 'width' must be an integer, was \"4\"");
        assertInvalid(generate, "{\"id\": \"q\", \"prompt\": \"p\", \"metadata\": {\"arbor.x\": \"y\"}}", "q",
                "metadata key 'arbor.x' is reserved (prefix 'arbor.')");
        assertInvalid(generate, "{\"id\": \"q\", \"prompt\": \"p\", \"metadata\": {\"a\": [1]}}", "q",
                "field 'metadata.a' must be a string, number or boolean (or null), was [1]");
        assertInvalid(generate, "[1, 2]", null, "not a JSON object");
        assertInvalid(generate, "{\"id\": \"q\", \"prompt\": \"p\"", "q", "the line ends inside the JSON value");
    }

    @Test
    void anEvaluationItemNeedsAReferenceAndMayCarryARegex() throws Exception {
        PromptRequest item = eval.parse("{\"id\": \"e\", \"prompt\": \"p\", \"reference\": \"r\", \"regex\": \"\\\\d+\"}");
        assertThat(item.getReference()).isEqualTo("r");
        assertThat(item.getMetadata()).containsEntry(RecordTags.REFERENCE, "r").containsEntry(RecordTags.REGEX, "\\d+");
        assertInvalid(eval, "{\"id\": \"e\", \"prompt\": \"p\"}", "e", "missing field 'reference'");
        assertInvalid(eval, "{\"id\": \"e\", \"prompt\": \"p\", \"reference\": \"r\", \"regex\": \"(\"}", "e",
                "field 'regex' is not a valid regular expression");
        assertInvalid(generate, "{\"id\": \"g\", \"prompt\": \"p\", \"regex\": \"x\"}", "g", "unknown field 'regex'");
        assertThat(List.of(PromptLineParser.Mode.values())).containsExactly(PromptLineParser.Mode.GENERATE,
                PromptLineParser.Mode.EVAL);
    }

    private static void assertInvalid(PromptLineParser parser, String line, String id, String reason) {
        assertThatThrownBy(() -> parser.parse(line)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(((InvalidRecordException) e).id()).as("id").isEqualTo(id));
    }
}
