package dev.arbor.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The process's memory at one moment: Java heap in use after a full collection (so that garbage
 * does not count) and resident set size as Linux reports it (/proc/self/status, VmRSS), which
 * includes llama.cpp's native allocations: the lowest of several readings, each after the
 * allocator has returned freed memory. RSS is -1 where /proc is not available.
 */
record MemorySample(long heapBytes, long rssBytes) {
    static MemorySample take() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            sleep(100);
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        // The JIT compiler's threads allocate and free arenas of megabytes while they work: the lowest
        // of a few readings is what stays resident, which is what a leak would raise.
        long rss = Long.MAX_VALUE;
        for (int i = 0; i < READINGS; i++) {
            trimNativeHeap();
            rss = Math.min(rss, rss());
            sleep(200);
        }
        return new MemorySample(heap, rss);
    }

    private static final int READINGS = 10;

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Returns freed native memory to the system (glibc's malloc_trim, through the JVM's
     * {@code System.trim_native_heap} command), so that RSS counts memory in use, not what the
     * allocator keeps from earlier peaks (the JIT compiler's arenas, for one). Skipped where the
     * command does not exist.
     */
    private static void trimNativeHeap() {
        try {
            ObjectName diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
            ManagementFactory.getPlatformMBeanServer().invoke(diagnostics, "systemTrimNativeHeap",
                    new Object[] {null}, new String[] {String[].class.getName()});
        } catch (JMException | RuntimeException e) {
            // not HotSpot on glibc, or an older JDK: RSS then includes what the allocator keeps
        }
    }

    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no RSS
        }
        return -1;
    }

    /** |this - baseline| / baseline, per figure. */
    static double drift(long baseline, long now) {
        return baseline <= 0 ? 0 : Math.abs((double) now - baseline) / baseline;
    }
}
