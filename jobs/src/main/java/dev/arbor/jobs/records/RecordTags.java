package dev.arbor.jobs.records;

import java.util.HashMap;
import java.util.Map;

/**
 * Metadata keys the jobs attach to each request and remove from its result: where the record came
 * from and the record as it was read (so that a result rejected by the search can still name its
 * file and line and carry the record, to be fixed and sent again) and, for
 * evaluation, the reference and regex the scorer needs after the search. The search carries
 * metadata through untouched, which is what makes this work across the async operator, restarts
 * included.
 *
 * <p>Invariant: users cannot set keys starting with {@value #PREFIX} (the parser rejects them), so
 * stripping that prefix never removes user data.
 */
public final class RecordTags {
    /** Prefix reserved for these keys. */
    public static final String PREFIX = "arbor.";
    public static final String FILE = "arbor.source.file";
    public static final String LINE = "arbor.source.line";
    /** The record as read: the JSON line, the message's text, or an Avro record as JSON. */
    public static final String RAW = "arbor.source.raw";
    public static final String REFERENCE = "arbor.eval.reference";
    public static final String REGEX = "arbor.eval.regex";

    private RecordTags() {}

    public static boolean isReserved(String key) {
        return key.startsWith(PREFIX);
    }

    /** A copy of {@code metadata} without the reserved keys. */
    public static Map<String, String> strip(Map<String, String> metadata) {
        Map<String, String> user = new HashMap<>();
        if (metadata != null) {
            metadata.forEach((key, value) -> {
                if (!isReserved(key)) {
                    user.put(key, value);
                }
            });
        }
        return user;
    }

    /** A copy of {@code metadata} without the source tags (file, line, raw record); evaluation tags stay. */
    public static Map<String, String> withoutSource(Map<String, String> metadata) {
        Map<String, String> rest = new HashMap<>(metadata == null ? Map.of() : metadata);
        rest.remove(FILE);
        rest.remove(LINE);
        rest.remove(RAW);
        return rest;
    }

    /** The line tag as a number, or 0 when absent. */
    public static long line(Map<String, String> metadata) {
        String line = metadata == null ? null : metadata.get(LINE);
        try {
            return line == null ? 0 : Long.parseLong(line);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
