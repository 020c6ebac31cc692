package dev.arbor.jobs.records;

import dev.arbor.flink.records.PromptRequest;
import dev.arbor.jobs.io.AvroJson;
import dev.arbor.jobs.io.InputRecord;
import dev.arbor.jobs.run.Counters;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The gate between input files and the search: every {@link InputRecord} leaves either as a
 * {@link PromptRequest} (main output, tagged with its file, line and raw text, see {@link RecordTags}) or as
 * a {@link RejectedRecord} on {@link #REJECTED}, never silently. Counts {@link Counters#RECORDS_IN}
 * and {@link Counters#INVALID}.
 */
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
        if (record.lost) {
            invalid.add(1);
            context.output(REJECTED, RejectedRecord.damaged(record.source, record.position, record.problem));
            return;
        }
        try {
            if (record.problem != null) {
                throw new InvalidRecordException(record.problem, JsonProblems.readableId(record.text));
            }
            PromptRequest request = record.text != null ? parser.parse(record.text) : validate(record.request);
            Map<String, String> metadata = new HashMap<>(request.getMetadata());
            metadata.put(RecordTags.FILE, record.source);
            metadata.put(RecordTags.LINE, Long.toString(record.position));
            metadata.put(RecordTags.RAW, raw(record));
            request.setMetadata(metadata);
            out.collect(request);
        } catch (InvalidRecordException e) {
            invalid.add(1);
            context.output(REJECTED, RejectedRecord.invalid(record.source, record.position, e.id(), e.getMessage(),
                    raw(record)));
        }
    }

    /** The record as read, for its rejection: the line, or the Avro record as JSON. */
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
