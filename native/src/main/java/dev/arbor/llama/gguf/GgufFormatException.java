package dev.arbor.llama.gguf;

import java.io.IOException;

/**
 * A file is not a well-formed GGUF file (bad magic, unsupported version, truncated, impossible
 * counts or offsets). The message names the file and says what is wrong in words a user can act
 * on; it is an {@link IOException} because callers already handle unreadable model files.
 */
@dev.arbor.annotation.Internal
public class GgufFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, starting with the file name */
    public GgufFormatException(String message) {
        super(message);
    }
}
