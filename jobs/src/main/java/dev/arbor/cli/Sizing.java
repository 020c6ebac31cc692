package dev.arbor.cli;

/**
 * The context sizing Arbor picks on this machine when nothing is configured, for {@code arbor info}:
 * every slot of a TaskManager may use every core, and with the ADAPTIVE thread policy the slots
 * that decode at the same time split the cores between them (and give way to other processes).
 *
 * @param cores the cores this JVM may use
 * @param slots task slots of an embedded job (its parallelism)
 */
record Sizing(int cores, int slots) {
    static Sizing forThisMachine() {
        return new Sizing(Runtime.getRuntime().availableProcessors(), 1);
    }

    /** Threads each slot decodes with while all of them decode at once. */
    int threadsPerSlot() {
        return Math.max(1, cores / slots);
    }

    String describe() {
        return String.format("%d cores: %d slot(s) x %d decode threads while all decode (context.threads 0, "
                + "thread-policy ADAPTIVE: decoding slots share the cores and give way to other processes)",
                cores, slots, threadsPerSlot());
    }
}
