package dev.arbor.llama.gguf;

/**
 * The type tags of GGUF metadata values, with the numeric codes the format stores as a u32.
 *
 * <p>The codes are part of the on-disk format and must never be renumbered. Scalar types know
 * their encoded width; {@link #STRING} and {@link #ARRAY} are variable-length and report
 * {@code -1}.
 */
@dev.arbor.annotation.Internal
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, -1),
    ARRAY(9, -1),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_CODE = new GgufValueType[13];

    static {
        for (GgufValueType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final int width;

    GgufValueType(int code, int width) {
        this.code = code;
        this.width = width;
    }

    /** The u32 tag written before a value (or before the elements of an array). */
    public int code() {
        return code;
    }

    /** Encoded size in bytes of one value, or {@code -1} for strings and arrays. */
    public int width() {
        return width;
    }

    /**
     * Looks up a tag read from a file.
     *
     * @throws IllegalArgumentException if the code is not a GGUF v3 value type
     */
    public static GgufValueType fromCode(long code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown GGUF value type code " + code);
        }
        return BY_CODE[(int) code];
    }
}
