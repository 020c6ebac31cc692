package dev.arbor.grammar;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Grammars for the string formats that can be matched exactly: {@code date} (RFC 3339 full-date,
 * month lengths and leap years included), {@code time} (full-time: seconds 00-59, an optional
 * fraction of 1 to 9 digits, {@code Z} or a numeric offset up to 18:00, never {@code -00:00}),
 * {@code date-time} and {@code uuid}.
 * Output uses the upper-case {@code T} and {@code Z}, a subset of what RFC 3339 allows. Other
 * formats are refused, since checking them (e-mail, URI, ...) takes more than a grammar should hold.
 */
final class FormatRules {
    /** Formats whose every value has this many characters. */
    static final Map<String, Integer> FIXED_LENGTH = Map.of("date", 10, "uuid", 36);

    private final JsonRules json;

    FormatRules(JsonRules json) {
        this.json = json;
    }

    static boolean isSupported(String format) {
        return List.of("date", "time", "date-time", "uuid").contains(format);
    }

    /** The whole JSON string (quotes included) of the given supported format. */
    Expr string(String format) {
        Expr body = switch (format) {
            case "date" -> date();
            case "time" -> time();
            case "date-time" -> json.once("date-time", () -> Expr.seq(date(), Expr.literal("T"), time()));
            case "uuid" -> uuid();
            default -> throw new IllegalArgumentException("unsupported format " + format);
        };
        return Expr.seq(JsonRules.QUOTE, body, JsonRules.QUOTE);
    }

    private Expr date() {
        return json.once("date", () -> Expr.alt(List.of(
                Expr.seq(digits(4), Expr.literal("-"), monthAndDay()),
                Expr.seq(leapYear(), Expr.literal("-02-29")))));
    }

    /** Every month-day pair valid in every year (so 02-29 is left to {@link #leapYear}). */
    private Expr monthAndDay() {
        Expr upTo28 = Expr.alt(List.of(Expr.seq(Expr.literal("0"), Expr.charClass("[1-9]")),
                Expr.seq(Expr.literal("1"), digit()), Expr.seq(Expr.literal("2"), Expr.charClass("[0-8]"))));
        Expr long31 = months("01", "03", "05", "07", "08", "10", "12");
        Expr short30 = months("04", "06", "09", "11");
        return Expr.alt(List.of(
                Expr.seq(long31, Expr.literal("-"), Expr.alt(List.of(upTo28, Expr.literal("29"), Expr.literal("30"),
                        Expr.literal("31")))),
                Expr.seq(short30, Expr.literal("-"), Expr.alt(List.of(upTo28, Expr.literal("29"), Expr.literal("30")))),
                Expr.seq(Expr.literal("02-"), upTo28)));
    }

    /**
     * Four-digit years divisible by 4 but not by 100, or by 400: the last two digits form a non-zero
     * multiple of 4, or they are 00 and the first two form a multiple of 4.
     */
    private Expr leapYear() {
        Expr multipleOf4 = Expr.alt(List.of(Expr.seq(Expr.charClass("[02468]"), Expr.charClass("[048]")),
                Expr.seq(Expr.charClass("[13579]"), Expr.charClass("[26]"))));
        Expr nonZeroMultipleOf4 = Expr.alt(List.of(Expr.seq(Expr.charClass("[02468]"), Expr.charClass("[48]")),
                Expr.seq(Expr.charClass("[13579]"), Expr.charClass("[26]")),
                Expr.seq(Expr.charClass("[2468]"), Expr.literal("0"))));
        return Expr.alt(List.of(Expr.seq(digits(2), nonZeroMultipleOf4), Expr.seq(multipleOf4, Expr.literal("00"))));
    }

    private Expr time() {
        return json.once("time", () -> {
            Expr fraction = Expr.seq(Expr.literal("."), digit().repeat(1, 9)).optional();
            Expr offset = Expr.alt(List.of(Expr.literal("Z"), Expr.seq(Expr.literal("+"), offsetHours()),
                    Expr.seq(Expr.literal("-"), nonZeroOffset())));
            return Expr.seq(hour(), Expr.literal(":"), minute(), Expr.literal(":"), minute(), fraction, offset);
        });
    }

    /**
     * Offsets up to 18:00 either way: RFC 3339 allows any hour, but Java's {@code ZoneOffset}, which
     * Java validators parse with, stops at 18 hours.
     */
    private Expr offsetHours() {
        Expr upTo17 = Expr.alt(List.of(Expr.seq(Expr.literal("0"), digit()), Expr.seq(Expr.literal("1"),
                Expr.charClass("[0-7]"))));
        return Expr.alt(List.of(Expr.seq(upTo17, Expr.literal(":"), minute()), Expr.literal("18:00")));
    }

    /**
     * The offsets after a minus sign: RFC 3339 reads {@code -00:00} as "offset unknown", and Java
     * validators refuse it, so a negative offset is never zero.
     */
    private Expr nonZeroOffset() {
        Expr nonZeroMinute = Expr.alt(List.of(Expr.seq(Expr.literal("0"), Expr.charClass("[1-9]")),
                Expr.seq(Expr.charClass("[1-5]"), digit())));
        Expr nonZeroHour = Expr.alt(List.of(Expr.seq(Expr.literal("0"), Expr.charClass("[1-9]")),
                Expr.seq(Expr.literal("1"), Expr.charClass("[0-7]"))));
        return Expr.alt(List.of(Expr.seq(nonZeroHour, Expr.literal(":"), minute()),
                Expr.seq(Expr.literal("00:"), nonZeroMinute), Expr.literal("18:00")));
    }

    private Expr hour() {
        return once("hour", () -> Expr.alt(List.of(Expr.seq(Expr.charClass("[01]"), digit()),
                Expr.seq(Expr.literal("2"), Expr.charClass("[0-3]")))));
    }

    /** 00-59, for minutes and seconds alike. */
    private Expr minute() {
        return once("minute", () -> Expr.seq(Expr.charClass("[0-5]"), digit()));
    }

    private Expr uuid() {
        return json.once("uuid", () -> {
            Expr dash = Expr.literal("-");
            return Expr.seq(hex(8), dash, hex(4), dash, hex(4), dash, hex(4), dash, hex(12));
        });
    }

    private Expr once(String name, Supplier<Expr> body) {
        return json.once(name, body);
    }

    private static Expr months(String... months) {
        return Expr.alt(java.util.Arrays.stream(months).map(Expr::literal).toList());
    }

    private static Expr hex(int n) {
        return Expr.charClass("[0-9a-fA-F]").repeat(n, n);
    }

    private static Expr digits(int n) {
        return digit().repeat(n, n);
    }

    private static Expr digit() {
        return Expr.charClass("[0-9]");
    }
}
