package dev.arbor.llama;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the loaded llama.cpp says about itself matches the pinned build, and the loader explains a backend that cannot load. */
class LlamaRuntimeTest {
    private static Properties pins() throws IOException {
        Properties pins = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("llama", "packages.properties"))) {
            pins.load(in);
        }
        return pins;
    }

    @Test
    void theBundledBuildIsThePinnedOne() throws IOException {
        LlamaRuntime runtime = LlamaLibrary.runtime();
        assertThat(runtime.llamaVersion()).isEqualTo(pins().getProperty("llama.version"));
        assertThat(runtime.commit()).isEqualTo(pins().getProperty("llama.commit"));
        assertThat(runtime.llamaVersion()).startsWith(LlamaLibrary.LLAMA_VERSION);
    }

    @Test
    void theCpuBackendLoadedWithAVariantForThisCpu() {
        LlamaRuntime runtime = LlamaLibrary.runtime();
        assertThat(runtime.backends()).contains("CPU");
        assertThat(runtime.devices()).anySatisfy(device -> assertThat(device.type()).isEqualTo("CPU"));
        assertThat(runtime.cpuVariant()).hasValueSatisfying(variant -> assertThat(variant).startsWith("libggml-cpu-"));
        assertThat(runtime.hasGpu()).as("the CPU build has no GPU backend").isFalse();
        assertThat(runtime.gpuProblem()).as("and nothing that failed to load").isEmpty();
    }

    @Test
    void dependenciesAreReadFromTheLibrary() {
        Path llama = Path.of(LlamaLibrary.llamaLibraryPath());
        // The extracted copy is gone once loaded; the build tree keeps its own.
        Path built = Path.of("target", "classes", "dev", "arbor", "llama", "native", "linux-x86_64",
                llama.getFileName().toString());
        assertThat(ElfNeeded.of(built)).contains("libggml-base.so", "libc.so.6");
        assertThat(ElfNeeded.of(Path.of("pom.xml"))).as("not an ELF file").isEmpty();
    }

    /**
     * A library that reports another llama.cpp version is refused at load, naming both versions.
     * Built here with gcc (as the shim is) and loaded in a child JVM, since this JVM holds the real one.
     */
    @Test
    void anotherVersionOfLlamaCppIsRefusedNamingBothVersions(@TempDir Path dir) throws Exception {
        Path source = Files.writeString(dir.resolve("fake.c"), "const char *llama_version(void) { return \"0.4.9\"; }\n");
        Path fake = dir.resolve("libllama.so");
        Process gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-o", fake.toString(), source.toString())
                .redirectErrorStream(true).start();
        assertThat(gcc.waitFor()).as(new String(gcc.getInputStream().readAllBytes())).isZero();

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-D" + LlamaLibrary.LLAMA_LIBRARY_PROPERTY + "=" + fake,
                LoadOnce.class.getName()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor()).as(output).isEqualTo(3);
        assertThat(output).contains("0.4.9").contains(pins().getProperty("llama.version")).contains(fake.toString());
    }

    /** Child-JVM entry: loads the natives; exit code 3 and the message when refused. */
    public static final class LoadOnce {
        public static void main(String[] args) {
            try {
                LlamaLibrary.load();
                System.exit(0);
            } catch (LlamaException e) {
                System.out.println(e.getMessage());
                System.exit(3);
            }
        }
    }
}
