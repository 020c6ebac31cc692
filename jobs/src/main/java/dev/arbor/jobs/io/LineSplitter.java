package dev.arbor.jobs.io;

import dev.arbor.annotation.Internal;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into numbered lines ({@code \n}, {@code \r\n}), the one definition of "a
 * JSONL record" shared by the job's reader and the up-front count of the progress line, so that the
 * two always agree: every line that is not blank (spaces, tabs) is a record.
 *
 * <p>Lines longer than {@link #MAX_LINE_BYTES} are still records (rejected later as too long), but
 * their bytes are not kept. Not thread-safe.
 */
@Internal
public final class LineSplitter {
    /** Longest line kept: 16 MiB. */
    public static final int MAX_LINE_BYTES = 16 << 20;

    private final InputStream in;
    private final byte[] buffer = new byte[64 << 10];
    private int position;
    private int limit;
    private byte[] line = new byte[1024];
    private int length;
    private boolean tooLong;
    private long number;

    public LineSplitter(InputStream in) {
        this.in = in;
    }

    /** A line: its 1-based number, and its text or the reason it has none. */
    public record Line(long number, String text, String problem) {}

    /** The next non-blank line, or null at the end of the stream. */
    public Line next() throws IOException {
        while (readLine()) {
            if (tooLong) {
                return new Line(number, null, "line longer than " + (MAX_LINE_BYTES >> 20) + " MiB");
            }
            if (isBlank()) {
                continue;
            }
            int start = number == 1 && startsWithBom() ? 3 : 0;
            String text = StrictUtf8.decodeOrNull(line, start, length - start);
            if (text == null) {
                String lossy = new String(line, start, length - start, StandardCharsets.UTF_8);
                return new Line(number, lossy, "not valid UTF-8");
            }
            return new Line(number, text, null);
        }
        return null;
    }

    /** Counts the records ({@link #next()} calls that return a line) left in the stream. */
    public long countRemaining() throws IOException {
        long count = 0;
        while (readLine()) {
            if (tooLong || !isBlank()) {
                count++;
            }
        }
        return count;
    }

    private boolean readLine() throws IOException {
        length = 0;
        tooLong = false;
        boolean any = false;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (any) {
                        number++;
                        trimCarriageReturn();
                    }
                    return any;
                }
            }
            any = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            append(start, position - start);
            if (position < limit) {
                position++; // the '\n'
                number++;
                trimCarriageReturn();
                return true;
            }
        }
    }

    private void append(int start, int count) {
        if (tooLong || count == 0) {
            return;
        }
        if ((long) length + count > MAX_LINE_BYTES) {
            tooLong = true;
            length = 0;
            return;
        }
        if (length + count > line.length) {
            line = Arrays.copyOf(line, Math.max(length + count, line.length * 2));
        }
        System.arraycopy(buffer, start, line, length, count);
        length += count;
    }

    private void trimCarriageReturn() {
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
    }

    private boolean isBlank() {
        for (int i = number == 1 && startsWithBom() ? 3 : 0; i < length; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private boolean startsWithBom() {
        return length >= 3 && (line[0] & 0xff) == 0xEF && (line[1] & 0xff) == 0xBB && (line[2] & 0xff) == 0xBF;
    }
}
