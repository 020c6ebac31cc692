package dev.arbor.llama;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Renders chat messages into a prompt with llama.cpp's chat-template support: a model's own
 * template ({@link LlamaModel#chatTemplate}) is recognised by its text, and llama.cpp's built-in
 * templates can be named ({@link #builtinNames()}, e.g. {@code chatml}, {@code llama3}).
 */
@dev.arbor.annotation.PublicApi
public final class ChatTemplates {
    private ChatTemplates() {}

    /** One turn of a conversation. */
    public record Message(String role, String content) {
        public Message {
            if (role == null || content == null) {
                throw new IllegalArgumentException("a message needs a role and a content");
            }
        }
    }

    /**
     * The prompt for {@code messages} under {@code template} (a built-in name or a template text),
     * ending with the start of the assistant's turn when {@code addGenerationPrompt}.
     *
     * @throws LlamaException when llama.cpp does not support the template
     */
    public static String render(String template, List<Message> messages, boolean addGenerationPrompt) {
        if (template == null) {
            throw new IllegalArgumentException("template must not be null");
        }
        LlamaLibrary.load();
        byte[][] roles = new byte[messages.size()][];
        byte[][] contents = new byte[messages.size()][];
        for (int i = 0; i < messages.size(); i++) {
            roles[i] = messages.get(i).role().getBytes(StandardCharsets.UTF_8);
            contents[i] = messages.get(i).content().getBytes(StandardCharsets.UTF_8);
        }
        return new String(LlamaNative.chatApplyTemplate(template.getBytes(StandardCharsets.UTF_8), roles, contents,
                addGenerationPrompt), StandardCharsets.UTF_8);
    }

    /** The names of llama.cpp's built-in templates. */
    public static List<String> builtinNames() {
        LlamaLibrary.load();
        String names = new String(LlamaNative.chatBuiltinTemplates(), StandardCharsets.UTF_8);
        return Arrays.stream(names.split("\n")).filter(name -> !name.isEmpty()).toList();
    }
}
