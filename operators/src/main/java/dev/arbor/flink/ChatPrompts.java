package dev.arbor.flink;

import dev.arbor.flink.records.ChatMessage;
import dev.arbor.llama.ChatTemplates;
import dev.arbor.llama.LlamaException;
import dev.arbor.llama.LlamaModel;
import dev.arbor.search.ErrorCode;
import dev.arbor.search.TextCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Renders a record's chat messages into the prompt the model sees: with the template named by
 * {@code arbor.chat.template} (one of llama.cpp's built-in ones), else the model's own (GGUF
 * metadata), always ending with the assistant's turn opened, and led by the configured system
 * message ({@code arbor.chat.system}) when the conversation has none. Thread-safe.
 *
 * <p>A template name that llama.cpp does not know fails the slot at open (a configuration error);
 * everything wrong with one record's messages is that record's rejection, with the reason.
 */
final class ChatPrompts {
    /** The roles a conversation may have. */
    static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private final Optional<String> template;
    /** Put first when a conversation has no system message; null: none. */
    private final String system;

    private ChatPrompts(Optional<String> template, String system) {
        this.template = template;
        this.system = system == null || system.isEmpty() ? null : system;
    }

    /**
     * @param system the system message of conversations without one ({@code arbor.chat.system}), or null
     * @throws IllegalArgumentException when {@code configured} names no built-in template
     */
    static ChatPrompts of(LlamaModel model, String configured, String system) {
        if (configured != null && !configured.isBlank()) {
            List<String> known = ChatTemplates.builtinNames();
            if (!known.contains(configured.strip())) {
                throw new IllegalArgumentException(ArborOptions.CHAT_TEMPLATE.key() + ": llama.cpp has no built-in "
                        + "chat template '" + configured + "' (known: " + String.join(", ", known) + ")");
            }
            return new ChatPrompts(Optional.of(configured.strip()), system);
        }
        return new ChatPrompts(model.chatTemplate(null), system);
    }

    /** The rendered prompt of {@code messages}. */
    String render(List<ChatMessage> messages) throws RecordMapping.Rejected {
        if (messages.isEmpty()) {
            throw new RecordMapping.Rejected(ErrorCode.INVALID_PARAMS, "messages is empty");
        }
        List<ChatTemplates.Message> turns = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            String role = message.getRole() == null ? null : message.getRole().toString();
            if (role == null || !ROLES.contains(role)) {
                throw new RecordMapping.Rejected(ErrorCode.INVALID_PARAMS, "messages[" + i + "] has the role '" + role
                        + "'; a role is one of " + String.join(", ", ROLES.stream().sorted().toList()));
            }
            String content = message.getContent() == null ? null : message.getContent().toString();
            String problem = content == null ? "missing" : TextCheck.problem(content);
            if (problem != null) {
                throw new RecordMapping.Rejected(content == null ? ErrorCode.INVALID_PARAMS : ErrorCode.INVALID_TEXT,
                        "messages[" + i + "].content is " + (content == null ? "missing" : "not valid Unicode text: "
                                + problem));
            }
            turns.add(new ChatTemplates.Message(role, content));
        }
        if (system != null && !turns.get(0).role().equals("system")) {
            turns.add(0, new ChatTemplates.Message("system", system));
        }
        if (template.isEmpty()) {
            throw new RecordMapping.Rejected(ErrorCode.CHAT_TEMPLATE, "the model has no chat template: set "
                    + ArborOptions.CHAT_TEMPLATE.key() + " to one of llama.cpp's built-in ones (e.g. chatml)");
        }
        try {
            return ChatTemplates.render(template.get(), turns, true);
        } catch (LlamaException e) {
            throw new RecordMapping.Rejected(ErrorCode.CHAT_TEMPLATE, "the model's chat template cannot be used: "
                    + e.getMessage() + "; set " + ArborOptions.CHAT_TEMPLATE.key() + " to a built-in one");
        }
    }
}
