package dev.arbor.grammar;

/**
 * Spelling of GBNF terminals. In literals {@code "} and {@code \} are written {@code \"} and
 * {@code \\}; everything else outside printable ASCII, and in classes every character class syntax
 * gives a meaning to, is written as a hex escape ({@code \xHH}, {@code \}{@code uHHHH}, {@code \UHHHHHHHH}):
 * llama.cpp's parser knows only those and {@code \t \r \n \\ \" \[ \]}, and an all-ASCII grammar
 * survives any transport. Stateless.
 */
final class GbnfText {
    private GbnfText() {
    }

    /** A quoted literal matching exactly {@code s} (code point by code point). */
    static String literal(String s) {
        StringBuilder out = new StringBuilder("\"");
        s.codePoints().forEach(cp -> out.append(literalChar(cp)));
        return out.append('"').toString();
    }

    private static String literalChar(int cp) {
        if (cp == '"' || cp == '\\') {
            return "\\" + (char) cp;
        }
        return isPlain(cp) ? Character.toString(cp) : escape(cp);
    }

    /** One member of a character class: a code point that cannot be read as class syntax. */
    static String classChar(int cp) {
        boolean special = cp == ']' || cp == '[' || cp == '^' || cp == '-' || cp == '"';
        return isPlain(cp) && !special ? Character.toString(cp) : escape(cp);
    }

    private static boolean isPlain(int cp) {
        return cp >= 0x20 && cp < 0x7F && cp != '\\';
    }

    private static String escape(int cp) {
        if (cp <= 0xFF) {
            return String.format("\\x%02X", cp);
        }
        if (cp <= 0xFFFF) {
            return String.format("\\u%04X", cp);
        }
        return String.format("\\U%08X", cp);
    }
}
