package dev.arbor.flink;

import dev.arbor.annotation.PublicApi;
import org.apache.flink.runtime.throwable.ThrowableAnnotation;
import org.apache.flink.runtime.throwable.ThrowableType;

/**
 * The model file cannot be loaded, and will not load on a retry either (llama.cpp refused it, it
 * is missing, or it is not a GGUF file): a configuration error. Flink does not restart a job
 * that fails with it ({@link ThrowableType#NonRecoverableError}), so a bad model fails the job
 * once, at once, instead of after every restart attempt; the {@code arbor} command then exits
 * with its configuration error code.
 */
@PublicApi
@ThrowableAnnotation(ThrowableType.NonRecoverableError)
public final class ModelLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
