package dev.arbor.llama.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The GPT-2 byte-level alphabet: a one-to-one map from the 256 byte values to 256 printable code
 * points, in which byte-level BPE vocabularies ({@code tokenizer.ggml.model = "gpt2"}) spell their
 * tokens. llama.cpp maps text bytes to these code points before merging and back after.
 *
 * <p>The map is fixed by the format: a byte that is itself a visible Latin-1 character (0x21-0x7E,
 * 0xA1-0xAC, 0xAE-0xFF) stands for itself; the other 68 bytes (controls, space, 0x7F-0xA0, the
 * soft hyphen 0xAD) take the code points 256, 257, ... in increasing byte order, so the space is
 * {@code Ġ} (U+0120) and the newline {@code Ċ} (U+010A). Every token string is therefore valid
 * UTF-8 whatever bytes it stands for, and no token contains a real space, which the
 * {@code "first second"} syntax of merges relies on.
 */
@dev.arbor.annotation.Internal
public final class ByteLevelAlphabet {
    private static final int[] CODE_POINT_OF_BYTE = new int[256];
    private static final int[] BYTE_OF_CODE_POINT = new int[512];

    static {
        java.util.Arrays.fill(BYTE_OF_CODE_POINT, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            int cp = standsForItself(b) ? b : next++;
            CODE_POINT_OF_BYTE[b] = cp;
            BYTE_OF_CODE_POINT[cp] = b;
        }
    }

    private ByteLevelAlphabet() {
    }

    private static boolean standsForItself(int b) {
        return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The code point that spells byte {@code b} (0-255). */
    public static int codePoint(int b) {
        return CODE_POINT_OF_BYTE[b & 0xFF];
    }

    /** The one-character token string of byte {@code b} (0-255). */
    public static String symbol(int b) {
        return new String(Character.toChars(codePoint(b)));
    }

    /** Spells {@code bytes} in the alphabet, one code point per byte. */
    public static String encode(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            s.appendCodePoint(codePoint(b));
        }
        return s.toString();
    }

    /** Spells the UTF-8 bytes of {@code text} in the alphabet. */
    public static String encode(String text) {
        return encode(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The bytes a token string stands for.
     *
     * @throws IllegalArgumentException if a character is not in the alphabet
     */
    public static byte[] decode(String token) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(token.length());
        token.codePoints().forEach(cp -> {
            int b = cp < BYTE_OF_CODE_POINT.length ? BYTE_OF_CODE_POINT[cp] : -1;
            if (b < 0) {
                throw new IllegalArgumentException(String.format(
                        "U+%04X is not in the byte-level alphabet", cp));
            }
            out.write(b);
        });
        return out.toByteArray();
    }
}
