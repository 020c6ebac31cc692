package dev.arbor.jobs.records;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.jobs.io.AvroJson;
import dev.arbor.jobs.io.InputRecord;
import dev.arbor.jobs.io.RejectedRecord;
import dev.arbor.jobs.run.Counters;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The gate between every source and the search: each {@link InputRecord}, from a file or a topic,
 * leaves either as a {@link PromptRequest} (main output, its metadata tagged with the record's
 * origin and raw text, see {@link RecordTags}) or as a {@link RejectedRecord} on {@link #REJECTED},
 * never silently and never by failing the job. Text is parsed and validated by {@link
 * PromptLineParser}, an Avro record by the checks its types leave; what a reader already rejected
 * (a damaged stretch of a file, a message that is not UTF-8, ...) is rejected with the reader's
 * code. Counts {@link Counters#RECORDS_IN} and {@link Counters#INVALID}.
 */
@Internal
public final class RequestAdmission extends ProcessFunction<InputRecord, PromptRequest> {
    private static final long serialVersionUID = 1L;

    /** Records that could not become requests. */
    public static final OutputTag<RejectedRecord> REJECTED =
            new OutputTag<>("invalid-records", TypeExtractor.getForClass(RejectedRecord.class));

    private final PromptLineParser parser;
    private final PromptLineParser.Mode mode;
    private transient LongCounter recordsIn;
    private transient LongCounter invalid;

    public RequestAdmission(PromptLineParser.Mode mode) {
        this.mode = mode;
        this.parser = new PromptLineParser(mode);
    }

    @Override
    public void open(OpenContext openContext) {
        recordsIn = Counters.counter(getRuntimeContext(), Counters.RECORDS_IN);
        invalid = Counters.counter(getRuntimeContext(), Counters.INVALID);
    }

    @Override
    public void processElement(InputRecord record, Context context, Collector<PromptRequest> out) {
        recordsIn.add(1);
        admit(record, out::collect, rejected -> {
            invalid.add(1);
            context.output(REJECTED, rejected);
        });
    }

    /** Gives {@code record}'s request to {@code accepted} or its rejection to {@code rejected}: exactly one of them. */
    void admit(InputRecord record, Consumer<PromptRequest> accepted, Consumer<RejectedRecord> rejected) {
        if (record.isRejected()) {
            rejected.accept(RejectedRecord.byReader(record, JsonProblems.readableId(record.text)));
            return;
        }
        PromptRequest request;
        try {
            request = record.text != null ? parser.parse(json(record)) : validate(record.request);
        } catch (InvalidRecordException e) {
            rejected.accept(RejectedRecord.invalid(record.origin, e.id(), e.getMessage(), raw(record)));
            return;
        }
        Map<String, String> metadata = RecordTags.withOrigin(request.getMetadata(), record.origin);
        metadata.put(RecordTags.RAW, raw(record));
        request.setMetadata(metadata);
        accepted.accept(request);
    }

    /**
     * The JSON of a text record. A message is a stream of its own, which some editors and Windows
     * tools start with a byte order mark: not part of the JSON. (A file's first line has lost its mark
     * in the reader already; the record keeps the mark, so that its rejection carries the message as sent.)
     */
    private static String json(InputRecord record) {
        return record.origin.isMessage() && record.text.startsWith("\uFEFF") ? record.text.substring(1) : record.text;
    }

    /** The record as read, for its rejection: the text, or the Avro record as JSON. */
    private static String raw(InputRecord record) {
        return record.text != null ? record.text
                : record.request != null ? AvroJson.toJson(record.request).toString() : null;
    }

    /** The checks an Avro record needs (its types are already right). */
    private PromptRequest validate(PromptRequest request) throws InvalidRecordException {
        String id = request.getId();
        if (id == null || id.isEmpty()) {
            throw new InvalidRecordException("field 'id' must be a non-empty string", null);
        }
        if (request.getPrompt() == null) {
            throw new InvalidRecordException("missing field 'prompt'", id);
        }
        for (String key : request.getMetadata().keySet()) {
            if (RecordTags.isReserved(key)) {
                throw new InvalidRecordException("metadata key '" + key + "' is reserved (prefix '"
                        + RecordTags.PREFIX + "')", id);
            }
        }
        if (mode == PromptLineParser.Mode.EVAL) {
            if (request.getReference() == null) {
                throw new InvalidRecordException("missing field 'reference'", id);
            }
            Map<String, String> metadata = new HashMap<>(request.getMetadata());
            metadata.put(RecordTags.REFERENCE, request.getReference());
            request.setMetadata(metadata);
        }
        return request;
    }
}
