package dev.arbor.flink;

import dev.arbor.annotation.Internal;
import java.util.List;

/**
 * One field of an input record (a JSONL line's value), read in the form its {@link RequestParameter}
 * asks for: each descriptor names one of these methods. The code that parses the input implements it
 * (the jobs' JSONL parser), so that the descriptors need no JSON library and every parser reads a
 * parameter the same way.
 *
 * <p>Each method returns the value, or throws {@link IllegalArgumentException} with a message for
 * the user that names the field and what it must be (never a silently rounded or wrapped value).
 */
@Internal
public interface OverrideReader {
    /** An integer that fits 32 bits. */
    int int32();

    /** An integer that fits 64 bits. */
    long int64();

    /** A finite number that fits a 32-bit float. */
    float float32();

    /** A finite number. */
    double float64();

    /** {@code true} or {@code false}. */
    boolean bool();

    /** One string of valid Unicode text. */
    String text();

    /** One string, or a list of strings; each valid Unicode text. */
    List<String> strings();

    /** The canonical name of a search strategy the registry knows ({@link dev.arbor.search.SearchStrategy#named}). */
    String strategyName();
}
