package dev.arbor.llama;

import java.util.Locale;

/**
 * Which native build this JVM needs, and the checks that turn "wrong platform" into a message a
 * user can act on instead of an {@link UnsatisfiedLinkError} or a SIGILL.
 */
final class NativePlatform {
    /** The only platform the arbor-native jar carries libraries for. */
    static final String BUNDLED = "linux-x86_64";

    static final String HOW_TO_USE_YOUR_OWN = "To run elsewhere, build llama.cpp " + LlamaLibrary.LLAMA_VERSION
            + " as shared libraries (cmake -B build -DBUILD_SHARED_LIBS=ON -DGGML_BACKEND_DL=ON [-DGGML_CUDA=ON] && "
            + "cmake --build build), build the shim with 'make -C native/src/main/c OUT=<dir>/libarbor_jni.so "
            + "HEADERS=native/target/jni-headers LLAMA_INCLUDE=<llama.cpp>/include:<llama.cpp>/ggml/include', "
            + "then start the JVM with -D" + LlamaLibrary.NATIVE_DIR_PROPERTY + "=<dir> and -D"
            + LlamaLibrary.LLAMA_LIBRARY_PROPERTY + "=<path to libllama.so> (or env "
            + LlamaLibrary.LLAMA_LIBRARY_ENV + ").";

    private NativePlatform() {}

    /** This JVM's platform in the form used for resource directories, e.g. {@code linux-x86_64}. */
    static String current() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macos"
                : os.startsWith("windows") ? "windows" : os.replace(' ', '_');
        String archName = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : arch;
        return osName + "-" + archName;
    }

    /**
     * Throws {@link UnsupportedOperationException} unless the bundled natives can run here: the
     * shim always comes from the jar, llama.cpp too unless {@code ownLlama}. The jar's CPU variants
     * reach from plain x86-64 to AVX-512, so any x86-64 CPU is served.
     */
    static void requireBundledSupported(boolean ownLlama) {
        String platform = current();
        if (!BUNDLED.equals(platform)) {
            throw new UnsupportedOperationException("Arbor bundles " + (ownLlama ? "its JNI shim" : "llama.cpp")
                    + " for " + BUNDLED + " (glibc 2.34+) only; this JVM runs on " + platform + ". "
                    + HOW_TO_USE_YOUR_OWN);
        }
    }
}
