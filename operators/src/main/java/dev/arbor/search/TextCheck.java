package dev.arbor.search;

import java.util.Locale;

/**
 * Whether a Java string is valid Unicode text, i.e. can be encoded as UTF-8 without loss. The only
 * way a {@link String} can fail is an unpaired surrogate (half of a UTF-16 pair, e.g. from a JSON
 * escape {@code "\uD800"}); UTF-8 encoders silently turn one into {@code '?'}, so text must be
 * checked before it is serialized or tokenized. Stateless.
 */
@dev.arbor.annotation.Internal
public final class TextCheck {
    private TextCheck() {}

    /**
     * Describes the first unpaired surrogate of {@code text} for a user ("an unpaired surrogate
     * U+D800 at character 2"), or returns null when the text is valid (null text included).
     */
    public static String problem(String text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return String.format(Locale.ROOT, "an unpaired surrogate U+%04X at character %d", (int) c, i + 1);
            }
        }
        return null;
    }
}
