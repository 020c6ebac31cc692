package dev.arbor.llama;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads Arbor's native libraries once per JVM (per class loader): the JNI shim
 * {@code libarbor_jni.so} and, through it, llama.cpp.
 *
 * <p>The shim comes from the arbor-native jar (extracted to a private temporary directory that is
 * deleted once the libraries are mapped) or from the directory named by the system property
 * {@value #NATIVE_DIR_PROPERTY}. llama.cpp is the bundled b4916 CPU build unless the system
 * property {@value #LLAMA_LIBRARY_PROPERTY} or the environment variable {@value #LLAMA_LIBRARY_ENV}
 * names another file, for example a CUDA build. Every other class of this package calls
 * {@link #load()} before its first native call, so users never need to.
 */
public final class LlamaLibrary {
    /** Directory holding {@code libarbor_jni.so} (and {@code libjllama.so}) to use instead of the jar's. */
    public static final String NATIVE_DIR_PROPERTY = "arbor.native.dir";
    /** Path of a llama.cpp b4916 shared library to use instead of the bundled one. */
    public static final String LLAMA_LIBRARY_PROPERTY = "arbor.llama.library";
    /** Environment variable with the same meaning as {@value #LLAMA_LIBRARY_PROPERTY}. */
    public static final String LLAMA_LIBRARY_ENV = "ARBOR_LLAMA_LIBRARY";

    static final String SHIM_FILE = "libarbor_jni.so";
    static final String LLAMA_FILE = "libjllama.so";

    private static final Logger LOG = LoggerFactory.getLogger(LlamaLibrary.class);
    private static volatile String loadedLlamaPath;

    private LlamaLibrary() {}

    /** Loads the natives if this class loader has not yet; safe to call from any thread, any number of times. */
    public static void load() {
        if (loadedLlamaPath == null) {
            loadOnce();
        }
    }

    /** The llama.cpp library this JVM uses (loading it first if needed). */
    public static String llamaLibraryPath() {
        load();
        return loadedLlamaPath;
    }

    /** llama.cpp's description of the CPU features and backends it was built with. */
    public static String systemInfo() {
        load();
        return new String(LlamaNative.systemInfo(), StandardCharsets.UTF_8).strip();
    }

    /** Whether the loaded llama.cpp can offload layers to a GPU (false for the bundled CPU build). */
    public static boolean supportsGpuOffload() {
        load();
        return LlamaNative.supportsGpuOffload();
    }

    private static synchronized void loadOnce() {
        if (loadedLlamaPath != null) {
            return;
        }
        Optional<Path> llamaOverride = llamaLibraryOverride();
        String nativeDir = System.getProperty(NATIVE_DIR_PROPERTY);
        Path shimDir;
        Path extracted = null;
        if (nativeDir != null && !nativeDir.isBlank()) {
            shimDir = Path.of(nativeDir);
        } else {
            if (llamaOverride.isEmpty()) {
                NativePlatform.requireBundledSupported();
            } else if (!NativePlatform.BUNDLED.equals(NativePlatform.current())) {
                throw new UnsupportedOperationException("The arbor-native jar has no shim for "
                        + NativePlatform.current() + ". " + NativePlatform.HOW_TO_USE_YOUR_OWN);
            }
            shimDir = bundledDirectory();
            if (shimDir == null) {
                extracted = extractBundled(llamaOverride.isEmpty());
                shimDir = extracted;
            }
        }
        Path shim = shimDir.resolve(SHIM_FILE);
        Path llama = llamaOverride.orElse(shimDir.resolve(LLAMA_FILE));
        requireFile(shim, "the Arbor JNI shim");
        requireFile(llama, "the llama.cpp library");
        try {
            System.load(shim.toAbsolutePath().toString());
            LlamaNative.init(llama.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8),
                    LlamaLog.enabledLevel());
        } finally {
            if (extracted != null) {
                deleteQuietly(extracted);
            }
        }
        loadedLlamaPath = llama.toAbsolutePath().toString();
        LOG.debug("llama.cpp loaded from {} through {}", loadedLlamaPath, shim);
    }

    private static Optional<Path> llamaLibraryOverride() {
        String property = System.getProperty(LLAMA_LIBRARY_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Optional.of(Path.of(property));
        }
        String env = System.getenv(LLAMA_LIBRARY_ENV);
        return env == null || env.isBlank() ? Optional.empty() : Optional.of(Path.of(env));
    }

    private static String resourceDirectory() {
        return "/dev/arbor/llama/native/" + NativePlatform.BUNDLED + "/";
    }

    /** The natives' directory when they sit unpacked on the class path (a build tree), else null. */
    private static Path bundledDirectory() {
        URL shim = LlamaLibrary.class.getResource(resourceDirectory() + SHIM_FILE);
        if (shim == null) {
            throw new UnsupportedOperationException("This arbor-native build carries no natives for "
                    + NativePlatform.BUNDLED + " (it was built without them). " + NativePlatform.HOW_TO_USE_YOUR_OWN);
        }
        if (!"file".equals(shim.getProtocol())) {
            return null;
        }
        try {
            return Path.of(shim.toURI()).getParent();
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** Copies the natives out of the jar into a fresh private directory (a new path per class loader). */
    private static Path extractBundled(boolean withLlama) {
        try {
            Path dir = Files.createTempDirectory("arbor-native-");
            copyResource(SHIM_FILE, dir);
            if (withLlama) {
                copyResource(LLAMA_FILE, dir);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract Arbor's native libraries to a temporary directory", e);
        }
    }

    private static void copyResource(String name, Path dir) throws IOException {
        try (InputStream in = LlamaLibrary.class.getResourceAsStream(resourceDirectory() + name)) {
            if (in == null) {
                throw new IOException("resource " + resourceDirectory() + name + " is missing from arbor-native");
            }
            Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new UnsupportedOperationException(what + " was not found at " + file + ". "
                    + NativePlatform.HOW_TO_USE_YOUR_OWN);
        }
    }

    /** The libraries stay mapped after their files are unlinked, so nothing is left in /tmp. */
    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.debug("could not delete {}", dir, e);
        }
    }
}
