package dev.arbor.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.llama.ChatTemplates.Message;
import dev.arbor.llama.gguf.ChatMlTemplate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chat messages render through llama.cpp exactly as the synthetic qwen3 model's template documents. */
class ChatTemplatesTest {
    private static final List<Message> CONVERSATION = List.of(new Message("system", "You are a helpful assistant."),
            new Message("user", "Hello!"));

    @Test
    void theModelsOwnTemplateRendersByteForByteAsDocumented() {
        try (LlamaModel model = LlamaModel.load(Qwen3TestModels.tiny())) {
            String template = model.chatTemplate(null).orElseThrow();
            assertThat(template).isEqualTo(ChatMlTemplate.TEXT);
            assertThat(ChatTemplates.render(template, CONVERSATION, true)).isEqualTo(ChatMlTemplate.EXAMPLE_RENDERING);
            assertThat(ChatTemplates.render(template, CONVERSATION, false))
                    .isEqualTo(ChatMlTemplate.EXAMPLE_RENDERING.substring(0,
                            ChatMlTemplate.EXAMPLE_RENDERING.lastIndexOf("<|im_start|>assistant")));
        }
    }

    @Test
    void aModelWithoutATemplateSaysSoAndABuiltInOneCanBeNamed() {
        try (LlamaModel model = LlamaModel.load(TestModels.tiny())) {
            assertThat(model.chatTemplate(null)).isEmpty();
        }
        assertThat(ChatTemplates.builtinNames()).contains("chatml", "llama3");
        assertThat(ChatTemplates.render("chatml", CONVERSATION, true)).isEqualTo(ChatMlTemplate.EXAMPLE_RENDERING);
        assertThat(ChatTemplates.render("llama3", CONVERSATION, true)).contains("<|start_header_id|>user");
    }

    @Test
    void anUnknownTemplateIsAnError() {
        assertThatThrownBy(() -> ChatTemplates.render("no such template {{ x }}", CONVERSATION, true))
                .isInstanceOf(LlamaException.class).hasMessageContaining("does not support");
    }
}
