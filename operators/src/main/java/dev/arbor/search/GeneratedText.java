package dev.arbor.search;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The bytes a completion has generated so far, and the text they make.
 *
 * <p>Token pieces are byte strings that may split a UTF-8 character, so text is decoded from the
 * complete characters only: a trailing partial character waits for its next byte, and is dropped
 * if generation ends first. Bytes that can never form a character become U+FFFD. Stop strings are
 * looked for in the decoded text, so they match across token boundaries; the first match ends the
 * text just before it.
 */
final class GeneratedText {
    private byte[] bytes = new byte[64];
    private int length;
    private int stopAt = -1;
    private int searchedChars;

    GeneratedText copy() {
        GeneratedText copy = new GeneratedText();
        copy.bytes = Arrays.copyOf(bytes, Math.max(bytes.length, 16));
        copy.length = length;
        copy.stopAt = stopAt;
        copy.searchedChars = searchedChars;
        return copy;
    }

    /**
     * Appends a token's piece.
     *
     * @return true when the text now contains one of {@code stops} (the text is then cut before it)
     */
    boolean append(byte[] piece, List<String> stops) {
        if (stopAt >= 0) {
            return true;
        }
        if (length + piece.length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + piece.length));
        }
        System.arraycopy(piece, 0, bytes, length, piece.length);
        length += piece.length;
        if (stops.isEmpty()) {
            return false;
        }
        String text = decodeComplete();
        int longest = 0;
        for (String stop : stops) {
            longest = Math.max(longest, stop.length());
        }
        int from = Math.max(0, searchedChars - longest + 1);
        int first = -1;
        for (String stop : stops) {
            int at = text.indexOf(stop, from);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        searchedChars = text.length();
        if (first >= 0) {
            stopAt = first;
            return true;
        }
        return false;
    }

    /** The text so far: complete characters only, cut before a stop string if one matched. */
    String text() {
        String text = decodeComplete();
        return stopAt >= 0 ? text.substring(0, stopAt) : text;
    }

    private String decodeComplete() {
        return new String(bytes, 0, completeLength(), StandardCharsets.UTF_8);
    }

    /** Length without a trailing, still incomplete UTF-8 sequence. */
    private int completeLength() {
        for (int back = 1; back <= Math.min(3, length); back++) {
            int b = bytes[length - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // a continuation byte: keep looking for the lead byte
            }
            int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? length - back : length;
        }
        return length;
    }
}
