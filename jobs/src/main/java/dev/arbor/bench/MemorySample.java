package dev.arbor.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's memory at one moment: Java heap in use after a full collection (so that garbage
 * does not count) and resident set size as Linux reports it (/proc/self/status, VmRSS), which
 * includes llama.cpp's native allocations. RSS is -1 where /proc is not available.
 */
record MemorySample(long heapBytes, long rssBytes) {
    static MemorySample take() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new MemorySample(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), rss());
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
