package dev.arbor.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arbor.flink.records.Candidate;
import dev.arbor.flink.records.ChatMessage;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.llama.gguf.ChatMlTemplate;
import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticQwen3Model;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records with chat messages and with a JSON Schema, through a slot's runtime on the synthetic
 * qwen3 model (which has a ChatML template): the messages are rendered with the model's template and
 * the result records the rendered prompt; the winner follows the schema; every malformed record is
 * rejected with its own code and reason while the slot goes on.
 */
class ChatAndSchemaRecordsTest {
    private static final String SCHEMA = """
            {"type": "object", "properties": {"answer": {"type": "string", "maxLength": 8},
              "sure": {"type": "boolean"}}, "required": ["answer", "sure"], "additionalProperties": false}""";
    private static final List<ChatMessage> CONVERSATION = List.of(
            new ChatMessage("system", "You are a helpful assistant."), new ChatMessage("user", "Hello!"));

    @TempDir
    static Path dir;
    private static SlotRuntime qwen3;
    private static SlotRuntime llama;
    private static final ModelRegistry REGISTRY = new ModelRegistry();

    @BeforeAll
    static void open() throws Exception {
        Path file = dir.resolve("qwen3-tiny.gguf");
        SyntheticQwen3Model.write(file, SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, 42);
        qwen3 = SlotRuntime.open(TestSetup.small().modelPath(file.toString()).set(ArborOptions.MAX_NEW_TOKENS, 40)
                .build(), 8, REGISTRY, new UnregisteredMetricsGroup());
        llama = SlotRuntime.open(TestSetup.small().build(), 8, REGISTRY, new UnregisteredMetricsGroup());
    }

    @AfterAll
    static void close() {
        qwen3.close();
        llama.close();
    }

    private static SearchResult run(SlotRuntime runtime, PromptRequest request) throws Exception {
        return runtime.submit(request).get(60, TimeUnit.SECONDS);
    }

    private static PromptRequest.Builder chat(String id) {
        return PromptRequest.newBuilder().setId(id).setMessages(CONVERSATION);
    }

    @Test
    void messagesAreRenderedWithTheModelsTemplateAndTheResultRecordsTheRenderedPrompt() throws Exception {
        SearchResult result = run(qwen3, chat("chat").setMaxNewTokens(4).build());
        assertThat(result.getError()).isNull();
        assertThat(result.getPrompt()).isEqualTo(ChatMlTemplate.EXAMPLE_RENDERING);
        // The markup became control tokens: far fewer prompt tokens than characters.
        assertThat(result.getStats().getPromptTokens()).isLessThan(ChatMlTemplate.EXAMPLE_RENDERING.length() / 2);
    }

    /** Issue 13, point 6: the shared system message and prompt prefix of the configuration. */
    @Test
    void theConfiguredSystemMessageAndPromptPrefixLeadEveryRecordThatHasNoneOfItsOwn() throws Exception {
        String prefix = "Once upon a time, ";
        SlotRuntime shared = SlotRuntime.open(TestSetup.small().modelPath(dir.resolve("qwen3-tiny.gguf").toString())
                .set(ArborOptions.MAX_NEW_TOKENS, 6).set(ArborOptions.CHAT_SYSTEM, "You are a helpful assistant.")
                .set(ArborOptions.PROMPT_PREFIX, prefix).build(), 8, REGISTRY, new UnregisteredMetricsGroup());
        try {
            SearchResult chat = run(shared, PromptRequest.newBuilder().setId("user-only")
                    .setMessages(List.of(new ChatMessage("user", "Hello!"))).build());
            SearchResult spelledOut = run(qwen3, chat("spelled-out").setMaxNewTokens(6).build());
            assertThat(chat.getPrompt()).isEqualTo(ChatMlTemplate.EXAMPLE_RENDERING);
            assertThat(chat.getWinner().getText()).isEqualTo(spelledOut.getWinner().getText());

            SearchResult own = run(shared, PromptRequest.newBuilder().setId("own-system").setMessages(List.of(
                    new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hello!"))).build());
            assertThat(own.getPrompt().toString()).contains("Be brief.").doesNotContain("helpful");

            SearchResult prefixed = run(shared, PromptRequest.newBuilder().setId("prefixed").setPrompt("the king")
                    .build());
            SearchResult whole = run(qwen3, PromptRequest.newBuilder().setId("prefixed").setPrompt(prefix + "the king")
                    .setMaxNewTokens(6).build());
            assertThat(prefixed.getPrompt()).isEqualTo(prefix + "the king");
            assertThat(prefixed.getWinner().getText()).isEqualTo(whole.getWinner().getText());

            SearchResult blank = run(shared, PromptRequest.newBuilder().setId("blank").setPrompt("  \n").build());
            assertThat(blank.getError().getCode()).as("the prefix does not make a blank prompt one to run")
                    .isEqualTo("EMPTY_PROMPT");
        } finally {
            shared.close();
        }
    }

    @Test
    void aJsonSchemaRecordGivesValidJsonAndSaysItIsComplete() throws Exception {
        ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        SearchResult result = run(qwen3, chat("json").setJsonSchema(SCHEMA).setWidth(3).setReturnCandidates(true)
                .build());
        assertThat(result.getError()).isNull();
        for (Candidate candidate : result.getCandidates()) {
            assertThat(candidate.getGrammarComplete()).as(candidate.getText().toString()).isTrue();
            JsonNode json = strict.readTree(candidate.getText().toString());
            assertThat(json.fieldNames()).toIterable().containsExactly("answer", "sure");
            assertThat(json.get("sure").isBoolean()).isTrue();
            assertThat(json.get("answer").asText().codePointCount(0, json.get("answer").asText().length()))
                    .isLessThanOrEqualTo(8);
        }
        SearchResult free = run(qwen3, chat("free").setMaxNewTokens(2).build());
        assertThat(free.getWinner().getGrammarComplete()).isNull();
    }

    @Test
    void aRecordWithAnUnboundedIntegerAndATightBudgetIsClosedAndSaysSo() throws Exception {
        // The case: an integer without bounds, which random weights would write forever.
        String schema = "{\"type\": \"object\", \"properties\": {\"days\": {\"type\": \"integer\"}}, "
                + "\"required\": [\"days\"], \"additionalProperties\": false}";
        ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        SearchResult result = run(qwen3, chat("days").setJsonSchema(schema).setWidth(2).setMaxNewTokens(9)
                .setReturnCandidates(true).build());
        assertThat(result.getError()).isNull();
        for (Candidate candidate : result.getCandidates()) {
            assertThat(candidate.getGrammarComplete()).isTrue();
            assertThat(candidate.getFinishReason().name()).isIn("EOG", "BUDGET");
            assertThat(strict.readTree(candidate.getText().toString()).get("days").isIntegralNumber()).isTrue();
        }
        assertRejected(qwen3, chat("too-tight").setJsonSchema(schema).setMaxNewTokens(2).build(), "INVALID_PARAMS",
                "smallest document");
    }

    @Test
    void malformedRecordsAreRejectedWithTheirReasonAndTheSlotGoesOn() throws Exception {
        assertRejected(qwen3, chat("both").setPrompt("hi").build(), "INVALID_PARAMS", "prompt or messages");
        assertRejected(qwen3, chat("empty").setMessages(List.of()).build(), "INVALID_PARAMS", "messages is empty");
        assertRejected(qwen3, chat("role").setMessages(List.of(new ChatMessage("wizard", "hi"))).build(),
                "INVALID_PARAMS", "'wizard'");
        assertRejected(llama, chat("no-template").build(), "CHAT_TEMPLATE", "no chat template");
        assertRejected(qwen3, chat("pattern").setJsonSchema("{\"type\": \"string\", \"pattern\": \"a+\"}").build(),
                "INVALID_GRAMMAR", "pattern");
        assertRejected(qwen3, chat("not-json").setJsonSchema("{type").build(), "INVALID_GRAMMAR", "not JSON");
        assertRejected(qwen3, chat("gbnf").setGrammar("root ::= [a-z").build(), "INVALID_GRAMMAR", "']'");
        assertRejected(qwen3, chat("two").setGrammar("root ::= \"a\"").setJsonSchema(SCHEMA).build(),
                "INVALID_PARAMS", "not both");
        assertThat(run(qwen3, chat("after").setGrammar("root ::= \"yes\" | \"no\"").build()).getWinner().getText()
                .toString()).isIn("yes", "no");
    }

    @Test
    void aNamedBuiltInTemplateOverridesTheModelsAndAnUnknownNameFailsTheSlot() throws Exception {
        try (SlotRuntime named = SlotRuntime.open(TestSetup.small().set(ArborOptions.CHAT_TEMPLATE, "chatml").build(), 8,
                REGISTRY, new UnregisteredMetricsGroup())) {
            SearchResult result = run(named, chat("named").setMaxNewTokens(2).build());
            assertThat(result.getPrompt()).isEqualTo(ChatMlTemplate.EXAMPLE_RENDERING);
        }
        assertThatThrownBy(() -> SlotRuntime.open(TestSetup.small().set(ArborOptions.CHAT_TEMPLATE, "nonsense").build(),
                8, REGISTRY, new UnregisteredMetricsGroup())).hasMessageContaining("nonsense")
                .hasMessageContaining("chatml");
    }

    private static void assertRejected(SlotRuntime runtime, PromptRequest request, String code, String reason)
            throws Exception {
        SearchResult result = run(runtime, request);
        assertThat(result.getError()).as(request.getId().toString()).isNotNull();
        assertThat(result.getError().getCode().toString()).as(result.getError().toString()).isEqualTo(code);
        assertThat(result.getError().getMessage().toString()).contains(reason);
    }
}
