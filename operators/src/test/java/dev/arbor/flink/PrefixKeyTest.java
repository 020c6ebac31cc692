package dev.arbor.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.flink.records.ChatMessage;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticQwen3Model;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routing key of a record ({@link PrefixRouting#keyOf}) is computed over the text the engine
 * runs: chat records are keyed by their rendered conversation (not all on one empty key), the
 * configured prefix counts, and a long prompt keyed from its head gets the key of its whole text.
 */
class PrefixKeyTest {
    private static final int TOKENS = 8;

    @TempDir
    static Path dir;
    private static LlamaModel model;

    @BeforeAll
    static void load() throws Exception {
        Path file = dir.resolve("qwen3-tiny.gguf");
        SyntheticQwen3Model.write(file, SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, 42);
        model = LlamaModel.load(file);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static PromptRequest chat(String id, String system, String user) {
        return PromptRequest.newBuilder().setId(id).setMessages(List.of(new ChatMessage("system", system),
                new ChatMessage("user", user))).build();
    }

    private static PromptRequest prompt(String id, String text) {
        return PromptRequest.newBuilder().setId(id).setPrompt(text).build();
    }

    @Test
    void chatRecordsAreKeyedByTheirRenderedConversation() {
        RecordMapping mapping = new RecordMapping(TestSetup.small().build(), model);
        String longSystem = "You are a careful assistant who answers every question about the sea in one line.";
        String a = PrefixRouting.keyOf(mapping, model, chat("a", longSystem, "Hello!"), TOKENS);
        String b = PrefixRouting.keyOf(mapping, model, chat("b", longSystem, "Where is the king?"), TOKENS);
        String other = PrefixRouting.keyOf(mapping, model, chat("c", "Be brief and say no more than you must.",
                "Hello!"), TOKENS);
        assertThat(a).startsWith("tokens:").as("the same system message: the same key").isEqualTo(b);
        assertThat(other).as("another system message: another key").isNotEqualTo(a);
        assertThat(PrefixRouting.keyOf(mapping, model, PromptRequest.newBuilder(chat("both", longSystem, "Hi"))
                .setPrompt("and a prompt").build(), TOKENS)).as("a record the engine rejects").isEmpty();
    }

    @Test
    void theConfiguredPrefixIsPartOfTheKey() {
        RecordMapping plain = new RecordMapping(TestSetup.small().build(), model);
        RecordMapping prefixed = new RecordMapping(TestSetup.small().set(ArborOptions.PROMPT_PREFIX,
                "Once upon a time, ").build(), model);
        PromptRequest record = prompt("p", "the king and the sea");
        assertThat(PrefixRouting.keyOf(prefixed, model, record, TOKENS))
                .isEqualTo(PrefixRouting.keyOf(plain, model, prompt("q", "Once upon a time, the king and the sea"),
                        TOKENS))
                .isNotEqualTo(PrefixRouting.keyOf(plain, model, record, TOKENS));
        assertThat(PrefixRouting.keyOf(prefixed, model, prompt("blank", "   "), TOKENS)).isEmpty();
    }

    @Test
    void aLongPromptKeyedFromItsHeadGetsTheKeyOfItsWholeText() {
        RecordMapping mapping = new RecordMapping(TestSetup.small().build(), model);
        String text = "the king and the sea went home by the water and the old man saw his dog ".repeat(20);
        assertThat(text.length()).isGreaterThan(16 * TOKENS);
        assertThat(PrefixRouting.keyOf(mapping, model, prompt("long", text), TOKENS))
                .isEqualTo(PrefixRouting.keyOf(model.tokenize(text, true, false), TOKENS));
    }
}
