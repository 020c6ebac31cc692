package dev.arbor.cli;

import dev.arbor.annotation.PublicApi;

/**
 * The exit codes of the {@code arbor} command, with what each means (the user guide's table is
 * generated from these). 2 is picocli's code for a usage error; 130 is what a JVM stopped by
 * SIGINT exits with.
 */
@PublicApi
public enum ExitCode {
    SUCCESS(0, "Done. For `generate`: every record is in the results or in `rejected/`."),
    JOB_FAILED(1, "The job failed after its restarts, or `generate`'s counts did not reconcile. The message "
            + "names the cause (`ARBOR_STACK_TRACES=1` prints the stack trace)."),
    BAD_USAGE(2, "Bad usage or configuration, found before anything ran: an unknown flag or key, a bad value (the "
            + "message names the key, file and line), a model that cannot be loaded, an output directory that "
            + "holds an earlier run's outputs (without `--overwrite`), a Kafka broker that does not answer or a topic "
            + "that does not exist (the message names the address or the topic); for `schema`, a schema Arbor refuses "
            + "or whose smallest document does not fit max-new-tokens."),
    NO_GPU(3, "`gpu-check` only: no GPU could be used; the message says why (for example, which CUDA library "
            + "is missing)."),
    INCOMPLETE(4, "`generate` ran to the end, but not all it was given became results: part of the input could not "
            + "be read (a damaged or cut-off file: `rejected/` names the file and bytes, code `DAMAGED_INPUT`), or "
            + "every record was rejected (the summary names the most common reason). The outputs hold everything "
            + "that could be read, each record once."),
    INTERRUPTED(130, "Stopped by Ctrl-C. `eval` stops with a savepoint first; the same command resumes it."),
    TERMINATED(143, "Stopped by SIGTERM (`kill PID`, a container or service manager stopping it): the same as "
            + "Ctrl-C, a savepoint first for `eval`.");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The process's exit status. */
    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
