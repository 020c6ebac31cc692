package dev.arbor.jobs.kafka;

import dev.arbor.flink.records.PromptRequest;
import dev.arbor.jobs.io.StrictUtf8;
import dev.arbor.jobs.records.InvalidRecordException;
import dev.arbor.jobs.records.PromptLineParser;
import dev.arbor.jobs.records.RecordTags;
import java.util.Map;
import dev.arbor.jobs.run.Counters;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The gate between the input topic and the search: every {@link KafkaMessage} leaves either as a
 * {@link PromptRequest} (main output, its metadata tagged with its {@link SourceRef}) or as a
 * {@link DeadLetter} on {@link #DEAD_LETTERS}, never silently and never by failing the job. A
 * message is one JSON object in UTF-8, parsed and validated exactly as a line of an input file
 * ({@link PromptLineParser}), and at most {@code maxBytes} long. Counts {@link Counters#RECORDS_IN}
 * and {@link Counters#INVALID}, as the file jobs do.
 */
public final class ItemAdmission extends ProcessFunction<KafkaMessage, PromptRequest> {
    private static final long serialVersionUID = 1L;

    /** Messages that could not become requests. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("kafka-dead-letters", TypeExtractor.getForClass(DeadLetter.class));

    private final PromptLineParser parser;
    private final int maxBytes;
    private transient LongCounter recordsIn;
    private transient LongCounter invalid;

    public ItemAdmission(PromptLineParser.Mode mode, int maxBytes) {
        this.parser = new PromptLineParser(mode);
        this.maxBytes = maxBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        recordsIn = Counters.counter(getRuntimeContext(), Counters.RECORDS_IN);
        invalid = Counters.counter(getRuntimeContext(), Counters.INVALID);
    }

    @Override
    public void processElement(KafkaMessage message, Context context, Collector<PromptRequest> out) {
        recordsIn.add(1);
        DeadLetter rejected = admit(message, out);
        if (rejected != null) {
            invalid.add(1);
            context.output(DEAD_LETTERS, rejected);
        }
    }

    /** Emits the message's request and returns null, or returns why there is none. */
    private DeadLetter admit(KafkaMessage message, Collector<PromptRequest> out) {
        if (message.value == null) {
            return DeadLetter.ofMessage(message, DeadLetter.EMPTY, "the message has no value (a tombstone)", null);
        }
        if (message.size > maxBytes) {
            return DeadLetter.ofMessage(message, DeadLetter.TOO_LARGE, "the message is " + message.size
                    + " bytes, more than kafka.max-message-bytes (" + maxBytes + ")", null);
        }
        String text = StrictUtf8.decodeOrNull(message.value);
        if (text == null) {
            return DeadLetter.ofMessage(message, DeadLetter.NOT_UTF8, "the message is not UTF-8 text: "
                    + StrictUtf8.problem(message.value), null);
        }
        try {
            PromptRequest request = parser.parse(withoutByteOrderMark(text));
            Map<String, String> tagged = message.source().tag(request.getMetadata());
            tagged.put(RecordTags.RAW, text); // a search error's dead letter carries the message, as a bad message's does
            request.setMetadata(tagged);
            out.collect(request);
            return null;
        } catch (InvalidRecordException e) {
            return DeadLetter.ofMessage(message, DeadLetter.INVALID, e.getMessage(), e.id());
        }
    }

    /** Some editors and Windows tools start UTF-8 text with a byte order mark; it is not part of the JSON. */
    private static String withoutByteOrderMark(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
}
