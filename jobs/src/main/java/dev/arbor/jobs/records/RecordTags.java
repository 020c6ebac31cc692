package dev.arbor.jobs.records;

import dev.arbor.annotation.Internal;
import dev.arbor.jobs.io.Origin;
import java.util.HashMap;
import java.util.Map;

/**
 * Metadata keys the jobs attach to each request and remove from its result: the record's {@link
 * Origin} and the record as it was read (so that a result rejected by the search can still name its
 * file and line, or its topic, partition and offset, and carry the record, to be fixed and sent
 * again) and, for evaluation, the reference and regex the scorer needs after the search. The search
 * carries metadata through untouched, which is what makes this work across the async operator,
 * restarts included.
 *
 * <p>Invariant: users cannot set keys starting with {@value #PREFIX} (the parser rejects them), so
 * stripping that prefix never removes user data.
 */
@Internal
public final class RecordTags {
    /** Prefix reserved for these keys. */
    public static final String PREFIX = "arbor.";
    /** A file's origin: the file and the line (or record number). */
    public static final String FILE = PREFIX + "source.file";
    public static final String LINE = PREFIX + "source.line";
    /** A message's origin: topic, partition and offset. */
    public static final String TOPIC = PREFIX + "source.topic";
    public static final String PARTITION = PREFIX + "source.partition";
    public static final String OFFSET = PREFIX + "source.offset";
    /** The record as read: the JSON line, the message's text, or an Avro record as JSON. */
    public static final String RAW = PREFIX + "source.raw";
    public static final String REFERENCE = PREFIX + "eval.reference";
    public static final String REGEX = PREFIX + "eval.regex";

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

    /** A copy of {@code metadata} with {@code origin}'s tags added. */
    public static Map<String, String> withOrigin(Map<String, String> metadata, Origin origin) {
        Map<String, String> tagged = new HashMap<>(metadata == null ? Map.of() : metadata);
        if (origin.isMessage()) {
            tagged.put(TOPIC, origin.source);
            tagged.put(PARTITION, Integer.toString(origin.partition));
            tagged.put(OFFSET, Long.toString(origin.position));
        } else {
            tagged.put(FILE, origin.source);
            tagged.put(LINE, Long.toString(origin.position));
        }
        return tagged;
    }

    /**
     * The origin tagged in {@code metadata}: a message's when its tags are whole, else a file's (line
     * 0 when its line is missing or damaged); null when it holds neither.
     */
    public static Origin origin(Map<String, String> metadata) {
        if (metadata == null) {
            return null;
        }
        if (metadata.get(TOPIC) != null) {
            try {
                return Origin.message(metadata.get(TOPIC), Integer.parseInt(metadata.get(PARTITION)),
                        Long.parseLong(metadata.get(OFFSET)));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return metadata.containsKey(FILE) ? Origin.file(metadata.get(FILE), line(metadata)) : null;
    }

    /** A copy of {@code metadata} without the source tags (origin, raw record); evaluation tags stay. */
    public static Map<String, String> withoutSource(Map<String, String> metadata) {
        Map<String, String> rest = new HashMap<>(metadata == null ? Map.of() : metadata);
        rest.remove(FILE);
        rest.remove(LINE);
        rest.remove(RAW);
        rest.remove(TOPIC);
        rest.remove(PARTITION);
        rest.remove(OFFSET);
        return rest;
    }

    /** The line tag as a number, or 0 when absent. */
    private static long line(Map<String, String> metadata) {
        String line = metadata.get(LINE);
        try {
            return line == null ? 0 : Long.parseLong(line);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
