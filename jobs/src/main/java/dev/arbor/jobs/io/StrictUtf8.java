package dev.arbor.jobs.io;

import dev.arbor.annotation.Internal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding that refuses what is not UTF-8 instead of turning it into U+FFFD: a message whose
 * text (an input line, a Kafka message) changed on the way in would be searched and scored as
 * something its sender never wrote. Stateless (a decoder per call: decoders are not thread-safe).
 */
@Internal
public final class StrictUtf8 {
    private StrictUtf8() {}

    /** The text of {@code bytes}, or null when they are not UTF-8. */
    public static String decodeOrNull(byte[] bytes) {
        return decodeOrNull(bytes, 0, bytes.length);
    }

    /** The text of {@code length} bytes of {@code bytes} from {@code offset}, or null when they are not UTF-8. */
    public static String decodeOrNull(byte[] bytes, int offset, int length) {
        try {
            return decoder().decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Why {@code bytes} are not UTF-8 ("invalid UTF-8 at byte 17"), or null when they are. */
    public static String problem(byte[] bytes) {
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
