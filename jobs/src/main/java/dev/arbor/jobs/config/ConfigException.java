package dev.arbor.jobs.config;

import dev.arbor.annotation.PublicApi;

/**
 * A configuration or usage problem the user can fix: an unknown key, a bad value, a missing or
 * unreadable input, an output that cannot be written. The message is meant for the user as is
 * (it names the key, file or path); the command prints it without a stack trace and exits with 2.
 */
@PublicApi
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
