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
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads Arbor's native libraries once per JVM (per class loader): the JNI shim
 * {@code libarbor_jni.so} and, through it, llama.cpp and its ggml backends.
 *
 * <p>The arbor-native jar carries the shim, llama.cpp {@value #LLAMA_VERSION} (libllama, libggml,
 * libggml-base, the CPU variants, and in the {@code cuda} build the CUDA backend) and an index of
 * them ({@value #INDEX_FILE}). At the first load they are extracted together into one private
 * temporary folder, llama.cpp loads the backends that work on this machine from it (the best CPU
 * variant for this CPU; CUDA when its runtime is installed), and the folder is deleted again: the
 * libraries stay mapped. A build tree's unpacked classes are used in place.
 *
 * <p>Overrides: the system property {@value #NATIVE_DIR_PROPERTY} names a folder with the shim and
 * the libraries to use instead of the jar's; {@value #LLAMA_LIBRARY_PROPERTY} (or the environment
 * variable {@value #LLAMA_LIBRARY_ENV}) names a user's own libllama of the same llama.cpp version,
 * whose backends are then loaded from its folder. Any other version is refused at load with a
 * message naming both. Every other class of this package calls {@link #load()} before its first
 * native call, so users never need to.
 */
@dev.arbor.annotation.PublicApi
public final class LlamaLibrary {
    /** Folder holding {@code libarbor_jni.so} and the llama.cpp libraries to use instead of the jar's. */
    public static final String NATIVE_DIR_PROPERTY = "arbor.native.dir";
    /** Path of a llama.cpp shared library of the same version to use instead of the bundled one. */
    public static final String LLAMA_LIBRARY_PROPERTY = "arbor.llama.library";
    /** Environment variable with the same meaning as {@value #LLAMA_LIBRARY_PROPERTY}. */
    public static final String LLAMA_LIBRARY_ENV = "ARBOR_LLAMA_LIBRARY";
    /** The llama.cpp release the shim is built for. */
    public static final String LLAMA_VERSION = "0.5.0";

    static final String SHIM_FILE = "libarbor_jni.so";
    static final String INDEX_FILE = "natives.list";

    private static final Logger LOG = LoggerFactory.getLogger(LlamaLibrary.class);
    private static volatile LlamaRuntime runtime;

    private LlamaLibrary() {}

    /** Loads the natives if this class loader has not yet; safe to call from any thread, any number of times. */
    public static void load() {
        if (runtime == null) {
            loadOnce();
        }
    }

    /** What was loaded: versions, the library file, backends, devices and why a GPU backend is missing. */
    public static LlamaRuntime runtime() {
        load();
        return runtime;
    }

    /** The llama.cpp library this JVM uses (loading it first if needed). */
    public static String llamaLibraryPath() {
        return runtime().libraryPath();
    }

    /** llama.cpp's description of the CPU features and backends it was built with. */
    public static String systemInfo() {
        load();
        return new String(LlamaNative.systemInfo(), StandardCharsets.UTF_8).strip();
    }

    /** Whether a loaded backend can offload layers to a GPU. */
    public static boolean supportsGpuOffload() {
        load();
        return LlamaNative.supportsGpuOffload();
    }

    private static synchronized void loadOnce() {
        if (runtime != null) {
            return;
        }
        Optional<Path> llamaOverride = llamaLibraryOverride();
        String nativeDir = System.getProperty(NATIVE_DIR_PROPERTY);
        Path dir;
        Path extracted = null;
        if (nativeDir != null && !nativeDir.isBlank()) {
            dir = Path.of(nativeDir);
        } else {
            NativePlatform.requireBundledSupported(llamaOverride.isPresent());
            dir = bundledDirectory();
            if (dir == null) {
                extracted = extractBundled();
                dir = extracted;
            }
        }
        try {
            Path natives = dir;
            Path shim = natives.resolve(SHIM_FILE);
            Path llama = llamaOverride.orElseGet(() -> NativeFiles.llamaLibrary(NativeFiles.list(natives))
                    .map(natives::resolve).orElse(natives.resolve("libllama.so")));
            requireFile(shim, "the Arbor JNI shim");
            requireFile(llama, "the llama.cpp library");
            Path backendDir = llama.toAbsolutePath().getParent();
            System.load(shim.toAbsolutePath().toString());
            LlamaNative.init(llama.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8),
                    backendDir.toString().getBytes(StandardCharsets.UTF_8), LlamaLog.enabledLevel());
            // Read while the files still exist: a GPU backend that did not load is probed by path.
            runtime = LlamaRuntime.inspect(llama.toAbsolutePath(), backendDir);
        } finally {
            if (extracted != null) {
                deleteQuietly(extracted);
            }
        }
        LOG.debug("llama.cpp {} loaded from {}", runtime.llamaVersion(), runtime.libraryPath());
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

    /** The natives' folder when they sit unpacked on the class path (a build tree), else null. */
    private static Path bundledDirectory() {
        URL index = LlamaLibrary.class.getResource(resourceDirectory() + INDEX_FILE);
        if (index == null) {
            throw new UnsupportedOperationException("This arbor-native build carries no natives for "
                    + NativePlatform.BUNDLED + " (it was built without them). " + NativePlatform.HOW_TO_USE_YOUR_OWN);
        }
        if (!"file".equals(index.getProtocol())) {
            return null;
        }
        try {
            return Path.of(index.toURI()).getParent();
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** Copies every native file out of the jar into a fresh private folder (a new path per class loader). */
    private static Path extractBundled() {
        try {
            Path dir = Files.createTempDirectory("arbor-native-");
            copyResource(INDEX_FILE, dir);
            List<String> files = NativeFiles.list(dir);
            for (String file : files) {
                copyResource(file, dir);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract Arbor's native libraries to a temporary folder", e);
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
