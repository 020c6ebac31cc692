package dev.arbor.llama.gguf;

/**
 * The chat template stored in the qwen3 synthetic models ({@code tokenizer.chat_template}): a
 * ChatML-style Jinja template, written for Arbor.
 *
 * <p>Rendering, for messages with {@code role} and {@code content} and the flag
 * {@code add_generation_prompt}:
 * <ul>
 *   <li>each message, in order, becomes {@code <|im_start|>}, the role, one newline, the content
 *       verbatim (nothing trimmed, escaped or added), {@code <|im_end|>} and one newline;
 *   <li>with {@code add_generation_prompt}, {@code <|im_start|>assistant} and one newline follow;
 *   <li>nothing else: no BOS, no default system message, no separator between turns, no special
 *       case for the last message; the template's own line breaks are trimmed by its {@code -}
 *       tags and never reach the output.
 * </ul>
 * A system message "You are a helpful assistant." and a user message "Hello!" with the generation
 * prompt render, byte for byte, as this Java string literal ({@code \n} is the byte 0x0A; 114
 * bytes in all), which is {@link #EXAMPLE_RENDERING}:
 *
 * <pre>{@code
 * "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n"
 * }</pre>
 *
 * <p>llama.cpp's built-in template support ({@code llama_chat_apply_template} given this text)
 * recognises it as "chatml": llama.cpp 0.5.0 classifies a template that contains
 * {@code <|im_start|>} and neither {@code <|im_sep|>} (phi4) nor {@code <end_of_utterance>}
 * (SmolVLM) as chatml, and its chatml formatting is exactly the rendering above, so a Jinja
 * renderer and llama.cpp agree. Keep the template free of those two markers.
 */
@dev.arbor.annotation.Internal
public final class ChatMlTemplate {
    /** Starts a turn; followed by the role and a newline. */
    public static final String TURN_START = "<|im_start|>";
    /** Ends a turn's content; followed by a newline. */
    public static final String TURN_END = "<|im_end|>";

    /** The Jinja source stored under {@code tokenizer.chat_template}. */
    public static final String TEXT = String.join("\n",
            "{%- for turn in messages -%}",
            "{{- '<|im_start|>' + turn['role'] + '\\n' + turn['content'] + '<|im_end|>\\n' -}}",
            "{%- endfor -%}",
            "{%- if add_generation_prompt -%}",
            "{{- '<|im_start|>assistant\\n' -}}",
            "{%- endif -%}");

    /** The documented rendering of the example conversation above. */
    public static final String EXAMPLE_RENDERING = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
            + "<|im_start|>user\nHello!<|im_end|>\n"
            + "<|im_start|>assistant\n";

    private ChatMlTemplate() {
    }
}
