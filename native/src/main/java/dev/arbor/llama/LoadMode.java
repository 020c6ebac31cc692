package dev.arbor.llama;

/** How llama.cpp reads a model's weights ({@code enum llama_load_mode}). */
@dev.arbor.annotation.PublicApi
public enum LoadMode {
    /** llama.cpp picks what suits the devices. */
    AUTO(-1),
    /** Read the file into memory. */
    READ(0),
    /** Map the file: processes on one host share the pages, and loading is fast. */
    MMAP(1),
    /** Map the file and lock it in RAM, so the weights are never swapped out. */
    MMAP_LOCKED(3);

    private final int llamaValue;

    LoadMode(int llamaValue) {
        this.llamaValue = llamaValue;
    }

    int llamaValue() {
        return llamaValue;
    }
}
