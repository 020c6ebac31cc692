package dev.arbor.llama;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What this JVM loaded: llama.cpp's and ggml's versions, the library file, the ggml backends and
 * their devices, the CPU variant ggml picked for this CPU, and, when the build carries a GPU
 * backend that did not load, the reason the dynamic loader gave. Read once, right after loading.
 *
 * @param llamaVersion {@code llama_version()}, e.g. {@code 0.5.0-dev}
 * @param ggmlVersion {@code ggml_version()}
 * @param commit {@code ggml_commit()}: the llama.cpp commit of the build
 * @param libraryPath the libllama file
 * @param backends the backend registries that loaded (e.g. CPU, CUDA)
 * @param devices every device of those backends
 * @param cpuVariant the CPU backend library ggml chose (e.g. {@code libggml-cpu-haswell.so}), if known
 * @param gpuProblem why a GPU backend in the library's folder did not load, if one did not
 */
@dev.arbor.annotation.PublicApi
public record LlamaRuntime(String llamaVersion, String ggmlVersion, String commit, String libraryPath,
        List<String> backends, List<Device> devices, Optional<String> cpuVariant, Optional<String> gpuProblem) {

    /**
     * A backend device.
     *
     * @param name ggml's name (e.g. {@code CPU}, {@code CUDA0})
     * @param description e.g. the CPU or GPU model
     * @param type CPU, GPU, IGPU or ACCEL
     * @param freeBytes memory free on it (0 when the backend does not say)
     * @param totalBytes its memory (0 when the backend does not say)
     */
    public record Device(String name, String description, String type, long freeBytes, long totalBytes) {}

    private static final String[] DEVICE_TYPES = {"CPU", "GPU", "IGPU", "ACCEL", "META"};

    static LlamaRuntime inspect(Path library, Path backendDir) {
        String[] versions = new String(LlamaNative.versions(), StandardCharsets.UTF_8).split("\n", -1);
        List<String> backends = new ArrayList<>();
        List<Device> devices = new ArrayList<>();
        for (String line : new String(LlamaNative.backends(), StandardCharsets.UTF_8).split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length == 2 && f[0].equals("reg")) {
                backends.add(f[1]);
            } else if (f.length == 5) {
                int type = Integer.parseInt(f[2]);
                devices.add(new Device(f[0], f[1], type >= 0 && type < DEVICE_TYPES.length ? DEVICE_TYPES[type]
                        : String.valueOf(type), Long.parseLong(f[3]), Long.parseLong(f[4])));
            }
        }
        return new LlamaRuntime(versions[0], versions.length > 1 ? versions[1] : "", versions.length > 2 ? versions[2] : "",
                library.toString(), List.copyOf(backends), List.copyOf(devices), mappedCpuVariant(),
                gpuProblem(backendDir, backends));
    }

    /** Whether a GPU (or other accelerator) device is there to offload layers to. */
    public boolean hasGpu() {
        return devices.stream().anyMatch(d -> !d.type().equals("CPU"));
    }

    /** The CPU variant library mapped into this process, found in /proc/self/maps. */
    private static Optional<String> mappedCpuVariant() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int at = line.indexOf("libggml-cpu");
                if (at >= 0) {
                    return Optional.of(line.substring(at).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or /proc not readable: the variant stays unknown.
        }
        return Optional.empty();
    }

    /** dlopen's reason, and every dependency of the library that cannot be found (not only the first). */
    private static String whyNotLoaded(Path library, Path backendDir) {
        String why = probe(library.toString());
        if (why.isEmpty()) {
            return "it loads, but found no usable device (no GPU, or its driver is missing)";
        }
        List<String> missing = new ArrayList<>();
        for (String needed : ElfNeeded.of(library)) {
            Path beside = backendDir.resolve(needed);
            if (!Files.exists(beside) && !probe(needed).isEmpty()) {
                missing.add(needed);
            }
        }
        return missing.isEmpty() ? why : "missing " + String.join(", ", missing) + " (" + why + ")";
    }

    private static String probe(String library) {
        return new String(LlamaNative.probeLibrary(library.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    /** For each GPU backend library in the folder whose backend is missing: what dlopen says about it. */
    private static Optional<String> gpuProblem(Path backendDir, List<String> loaded) {
        List<String> problems = new ArrayList<>();
        try (var files = Files.list(backendDir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (!name.startsWith("libggml-") || name.startsWith("libggml-cpu") || name.startsWith("libggml-base")) {
                    continue;
                }
                String backend = name.substring("libggml-".length(), name.indexOf('.')).toUpperCase();
                if (loaded.stream().noneMatch(b -> b.equalsIgnoreCase(backend))) {
                    problems.add(name + " did not load: " + whyNotLoaded(file, backendDir));
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }
}
