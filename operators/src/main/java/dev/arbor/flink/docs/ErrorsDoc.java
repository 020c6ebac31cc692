package dev.arbor.flink.docs;

import dev.arbor.annotation.Internal;
import dev.arbor.search.ErrorCode;
import java.util.EnumMap;
import java.util.Map;

/**
 * The error-code table of the user guide: when each {@link ErrorCode} is given and what to do
 * about it (a test checks that every code has its row).
 */
@Internal
public final class ErrorsDoc {
    /** When a code is given, and what the user can do about it. */
    public record Entry(String when, String whatToDo) {}

    private ErrorsDoc() {}

    public static Map<ErrorCode, Entry> entries() {
        Map<ErrorCode, Entry> entries = new EnumMap<>(ErrorCode.class);
        entries.put(ErrorCode.EMPTY_PROMPT, new Entry("The prompt is missing, empty or only whitespace (and there "
                + "are no messages).", "Give the record a prompt or messages."));
        entries.put(ErrorCode.PROMPT_TOO_LONG, new Entry("The prompt does not fit the context, or prompt + width x "
                + "maxNewTokens cells exceed `n-ctx` (computed in 64 bits, never wrapped around).",
                "Shorten the prompt, lower `width` or `maxNewTokens`, or raise `context.n-ctx`."));
        entries.put(ErrorCode.WIDTH_TOO_LARGE, new Entry("The width (beams or samples) is larger than `n-seq-max`.",
                "Lower `width`, or raise `context.n-seq-max` to at least the largest width."));
        entries.put(ErrorCode.INVALID_PARAMS, new Entry("An override is out of range, the id is missing, the "
                + "reference is empty, or the messages are malformed (an unknown role, an empty list, both "
                + "prompt and messages).", "Fix the field the message names; the message states its valid range."));
        entries.put(ErrorCode.INVALID_TEXT, new Entry("The prompt, a stop string, a message or the reference is "
                + "not valid Unicode (an unpaired surrogate, named with its position).", "Fix the text where the "
                + "message says; such text usually comes from cutting a string inside an emoji or from a bad "
                + "`\\uD8xx` JSON escape. Avro serialization would turn it into `?`: check text before it crosses "
                + "a network boundary of the job."));
        entries.put(ErrorCode.INVALID_GRAMMAR, new Entry("The record's GBNF grammar does not parse (the message gives "
                + "line and column) or accepts no text at all (an empty class such as `[z-a]`), its JSON Schema uses a "
                + "keyword Arbor cannot turn into a grammar (named with its JSON pointer), or a reference is one the "
                + "grammar does not allow. A job-wide grammar or schema with such a problem stops the `arbor` jobs "
                + "before they run (exit code 2).", "Fix the grammar where the message "
                + "says, or rewrite the schema without the keyword named (for example, an `enum` instead of a "
                + "`pattern`)."));
        entries.put(ErrorCode.CHAT_TEMPLATE, new Entry("The record has messages but no chat template can render them: "
                + "the model carries none and no built-in one is named, or the model's own cannot be used. (A "
                + "`chat.template` that names no built-in template is a configuration error, not a record's: the "
                + "`arbor` jobs stop before they run, exit code 2; the operator fails when it opens.)",
                "Use a model whose GGUF has `tokenizer.chat_template`, set `chat.template` to a built-in one "
                        + "(`chatml`, `llama3`, ...), or send a prompt instead of messages."));
        entries.put(ErrorCode.TIMEOUT, new Entry("The record ran past `request.timeout` (or the operator's async "
                + "timeout, or under SQL the planner's timeout minus a margin).", "Raise `request.timeout`, lower "
                + "`width` or `maxNewTokens`, or add slots; when `queueDepth` is high, records spent their time "
                + "waiting: add slots or lower the records in flight (`async.capacity`)."));
        entries.put(ErrorCode.CANCELLED, new Entry("The engine closed before the record finished (the job "
                + "stopped).", "Nothing: the DataStream operator does not emit these at close; the record is in "
                + "the last checkpoint and runs again after a restore."));
        entries.put(ErrorCode.FAILED, new Entry("llama.cpp or the engine failed on this record; the records "
                + "beside it are unaffected (a failed batched decode is pinned on the record that caused it).",
                "Read the message (llama.cpp's own error). One that repeats on the same record is a bug worth "
                        + "reporting with the record."));
        return entries;
    }

    public static String table() {
        MarkdownTable table = new MarkdownTable("Code", "When", "What to do");
        entries().forEach((code, entry) -> table.row(MarkdownTable.code(code), MarkdownTable.text(entry.when()),
                MarkdownTable.text(entry.whatToDo())));
        return table.toString();
    }
}
