package dev.arbor.llama.gguf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One typed GGUF metadata value, as written by {@link GgufWriter} and read by {@link GgufReader}.
 *
 * <p>The type tag is kept beside the Java value because GGUF distinguishes, say, a uint32 from
 * an int32, and llama.cpp rejects a key stored with the wrong one. The Java representation is
 * fixed per type so that values read back compare equal to values written:
 * <ul>
 *   <li>UINT8, INT8, UINT16, INT16, INT32: {@link Integer} (unsigned types hold their unsigned
 *       value);</li>
 *   <li>UINT32, INT64: {@link Long}; UINT64: {@link Long} holding the raw 64 bits;</li>
 *   <li>FLOAT32: {@link Float}; FLOAT64: {@link Double}; BOOL: {@link Boolean};
 *       STRING: {@link String};</li>
 *   <li>ARRAY: an unmodifiable {@link List} whose elements all follow the rule for
 *       {@link #elementType()}. Nested arrays are not supported.</li>
 * </ul>
 * Values out of the type's range are rejected at construction.
 *
 * @param type the value's type tag
 * @param elementType the element type of an array, {@code null} for scalars
 * @param value the Java value, never {@code null}
 */
@dev.arbor.annotation.Internal
public record GgufValue(GgufValueType type, GgufValueType elementType, Object value) {

    /** Validates the value against its type and freezes arrays. */
    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if (type == GgufValueType.ARRAY) {
            Objects.requireNonNull(elementType, "elementType");
            if (elementType == GgufValueType.ARRAY) {
                throw new IllegalArgumentException("nested GGUF arrays are not supported");
            }
            if (!(value instanceof List<?> list)) {
                throw new IllegalArgumentException("ARRAY value must be a List");
            }
            for (Object element : list) {
                checkScalar(elementType, element);
            }
            value = Collections.unmodifiableList(new ArrayList<Object>(list));
        } else {
            if (elementType != null) {
                throw new IllegalArgumentException("only arrays have an element type");
            }
            checkScalar(type, value);
        }
    }

    /** A UINT8 value, 0 to 255. */
    public static GgufValue uint8(int v) {
        return new GgufValue(GgufValueType.UINT8, null, v);
    }

    /** An INT8 value, -128 to 127. */
    public static GgufValue int8(int v) {
        return new GgufValue(GgufValueType.INT8, null, v);
    }

    /** A UINT16 value, 0 to 65535. */
    public static GgufValue uint16(int v) {
        return new GgufValue(GgufValueType.UINT16, null, v);
    }

    /** An INT16 value, -32768 to 32767. */
    public static GgufValue int16(int v) {
        return new GgufValue(GgufValueType.INT16, null, v);
    }

    /** A UINT32 value, 0 to 2^32-1. */
    public static GgufValue uint32(long v) {
        return new GgufValue(GgufValueType.UINT32, null, v);
    }

    /** An INT32 value. */
    public static GgufValue int32(int v) {
        return new GgufValue(GgufValueType.INT32, null, v);
    }

    /** A UINT64 value given as its raw 64 bits. */
    public static GgufValue uint64(long rawBits) {
        return new GgufValue(GgufValueType.UINT64, null, rawBits);
    }

    /** An INT64 value. */
    public static GgufValue int64(long v) {
        return new GgufValue(GgufValueType.INT64, null, v);
    }

    /** A FLOAT32 value. */
    public static GgufValue float32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, null, v);
    }

    /** A FLOAT64 value. */
    public static GgufValue float64(double v) {
        return new GgufValue(GgufValueType.FLOAT64, null, v);
    }

    /** A BOOL value. */
    public static GgufValue bool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, null, v);
    }

    /** A STRING value (stored as UTF-8). */
    public static GgufValue string(String v) {
        return new GgufValue(GgufValueType.STRING, null, v);
    }

    /** An array of {@code elementType}; elements follow the per-type rule in the class doc. */
    public static GgufValue array(GgufValueType elementType, List<?> elements) {
        return new GgufValue(GgufValueType.ARRAY, elementType, elements);
    }

    /** An array of STRING. */
    public static GgufValue stringArray(List<String> elements) {
        return array(GgufValueType.STRING, elements);
    }

    /** An array of FLOAT32. */
    public static GgufValue float32Array(float[] elements) {
        List<Float> list = new ArrayList<>(elements.length);
        for (float f : elements) {
            list.add(f);
        }
        return array(GgufValueType.FLOAT32, list);
    }

    /** An array of INT32. */
    public static GgufValue int32Array(int[] elements) {
        List<Integer> list = new ArrayList<>(elements.length);
        for (int i : elements) {
            list.add(i);
        }
        return array(GgufValueType.INT32, list);
    }

    /** The value of any integer type as a long (UINT64 as raw bits). */
    public long asLong() {
        if (value instanceof Integer i) {
            return i;
        }
        if (value instanceof Long l) {
            return l;
        }
        throw new IllegalStateException("GGUF " + type + " value is not an integer");
    }

    /** The value of a STRING. */
    public String asString() {
        if (value instanceof String s) {
            return s;
        }
        throw new IllegalStateException("GGUF " + type + " value is not a string");
    }

    /** The elements of an ARRAY (unmodifiable). */
    @SuppressWarnings("unchecked") // the compact constructor stores an unmodifiable List<Object>
    public List<Object> asList() {
        if (value instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new IllegalStateException("GGUF " + type + " value is not an array");
    }

    private static void checkScalar(GgufValueType t, Object v) {
        boolean ok = switch (t) {
            case UINT8 -> v instanceof Integer i && i >= 0 && i <= 0xFF;
            case INT8 -> v instanceof Integer i && i >= Byte.MIN_VALUE && i <= Byte.MAX_VALUE;
            case UINT16 -> v instanceof Integer i && i >= 0 && i <= 0xFFFF;
            case INT16 -> v instanceof Integer i && i >= Short.MIN_VALUE && i <= Short.MAX_VALUE;
            case INT32 -> v instanceof Integer;
            case UINT32 -> v instanceof Long l && l >= 0 && l <= 0xFFFF_FFFFL;
            case UINT64, INT64 -> v instanceof Long;
            case FLOAT32 -> v instanceof Float;
            case FLOAT64 -> v instanceof Double;
            case BOOL -> v instanceof Boolean;
            case STRING -> v instanceof String;
            case ARRAY -> false;
        };
        if (!ok) {
            throw new IllegalArgumentException(
                    "value " + v + " (" + (v == null ? "null" : v.getClass().getSimpleName())
                            + ") is not a valid GGUF " + t);
        }
    }
}
