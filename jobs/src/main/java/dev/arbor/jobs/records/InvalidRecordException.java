package dev.arbor.jobs.records;

import dev.arbor.annotation.Internal;

/** A record that cannot become a request: the reason goes to the rejected-records output. */
@Internal
public final class InvalidRecordException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String id;

    public InvalidRecordException(String reason, String id) {
        super(reason, null, false, false);
        this.id = id;
    }

    /** The record's id when it could be read, else null. */
    public String id() {
        return id;
    }
}
