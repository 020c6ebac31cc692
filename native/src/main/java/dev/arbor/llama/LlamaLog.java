package dev.arbor.llama;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives llama.cpp's and ggml's log output from the shim and writes it to the SLF4J logger
 * {@value #LOGGER_NAME}, one event per line, with llama's levels mapped onto SLF4J's.
 *
 * <p>llama.cpp emits a line in several fragments, so fragments are buffered per thread until a
 * newline arrives. The last error line of each thread is remembered, so that a failed load can
 * say why in its exception instead of only in the log. Lines logged during a decode are held
 * until its status is known: a full KV cache is an outcome Arbor handles (it logs a warning in
 * llama.cpp), so its lines go out at debug level.
 */
final class LlamaLog {
    static final String LOGGER_NAME = "dev.arbor.llama.native";
    static final int LEVEL_DEBUG = 1;
    static final int LEVEL_INFO = 2;
    static final int LEVEL_WARN = 3;
    static final int LEVEL_ERROR = 4;
    static final int LEVEL_NONE = 5;

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);
    private static final ThreadLocal<StringBuilder> PENDING = ThreadLocal.withInitial(StringBuilder::new);
    private static final ThreadLocal<StringBuilder> ERRORS = ThreadLocal.withInitial(StringBuilder::new);
    private static final ThreadLocal<Held> HELD = ThreadLocal.withInitial(Held::new);

    /** Lines held back during one decode on one thread. */
    private static final class Held {
        boolean holding;
        final List<String> lines = new ArrayList<>();
        final List<Integer> levels = new ArrayList<>();
    }

    private LlamaLog() {}

    /** The lowest llama level worth sending up from native code, given the logger's configuration. */
    static int enabledLevel() {
        if (LOG.isDebugEnabled()) {
            return LEVEL_DEBUG;
        }
        if (LOG.isInfoEnabled()) {
            return LEVEL_INFO;
        }
        if (LOG.isWarnEnabled()) {
            return LEVEL_WARN;
        }
        // Errors are always forwarded: they are remembered for exception messages.
        return LEVEL_ERROR;
    }

    /** Called from native code with one fragment of a log line. */
    static void accept(int level, byte[] text) {
        StringBuilder pending = PENDING.get();
        pending.append(new String(text, StandardCharsets.UTF_8));
        int newline;
        while ((newline = pending.indexOf("\n")) >= 0) {
            String line = pending.substring(0, newline).strip();
            pending.delete(0, newline + 1);
            if (!line.isEmpty()) {
                Held held = HELD.get();
                if (held.holding) {
                    held.lines.add(line);
                    held.levels.add(level);
                } else {
                    emit(level, line);
                }
            }
        }
    }

    /** Holds this thread's lines back until {@link #release(boolean)}. */
    static void hold() {
        HELD.get().holding = true;
    }

    /** Emits the held lines, at debug level when {@code expected} (the outcome is one Arbor handles). */
    static void release(boolean expected) {
        Held held = HELD.get();
        held.holding = false;
        for (int i = 0; i < held.lines.size(); i++) {
            emit(expected ? LEVEL_DEBUG : held.levels.get(i), held.lines.get(i));
        }
        held.lines.clear();
        held.levels.clear();
    }

    /**
     * The error lines llama.cpp logged on this thread since the last call (joined with "; "), or
     * null when there were none; then forgets them. The first line usually says why, the last
     * only that something failed, so all are kept.
     */
    static String takeLastError() {
        StringBuilder errors = ERRORS.get();
        String joined = errors.length() == 0 ? null : errors.toString();
        errors.setLength(0);
        return joined;
    }

    private static void emit(int level, String line) {
        switch (level) {
            case LEVEL_ERROR:
                StringBuilder errors = ERRORS.get();
                if (errors.length() < 2000) {
                    errors.append(errors.length() == 0 ? "" : "; ").append(line);
                }
                LOG.error(line);
                break;
            case LEVEL_WARN:
                LOG.warn(line);
                break;
            case LEVEL_INFO:
                LOG.info(line);
                break;
            default:
                LOG.debug(line);
                break;
        }
    }
}
