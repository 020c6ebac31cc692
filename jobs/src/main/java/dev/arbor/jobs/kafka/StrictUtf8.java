package dev.arbor.jobs.kafka;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding that refuses what is not UTF-8 instead of turning it into U+FFFD: a message whose
 * text changed on the way in would be scored as something its sender never wrote. Stateless (a
 * decoder per call: decoders are not thread-safe).
 */
final class StrictUtf8 {
    private StrictUtf8() {}

    /** The text of {@code bytes}, or null when they are not UTF-8. */
    static String decodeOrNull(byte[] bytes) {
        try {
            return decode(bytes);
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The text of {@code bytes}. */
    static String decode(byte[] bytes) throws CharacterCodingException {
        return decoder().decode(ByteBuffer.wrap(bytes)).toString();
    }

    /** Why {@code bytes} are not UTF-8 ("invalid UTF-8 at byte 17"), or null when they are. */
    static String problem(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(Math.max(16, bytes.length));
        var result = decoder().decode(in, out, true);
        if (result.isError()) {
            return "invalid UTF-8 at byte " + in.position() + " (" + result.length() + " byte"
                    + (result.length() == 1 ? "" : "s") + ")";
        }
        return null;
    }

    private static CharsetDecoder decoder() {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
