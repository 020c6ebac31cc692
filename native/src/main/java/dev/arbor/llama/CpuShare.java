package dev.arbor.llama;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Decides how many threads a context with {@link ThreadPolicy#ADAPTIVE} may use for its next
 * decode: its share of the cores that other processes leave free, split among the contexts of this
 * JVM that are decoding at the moment, never more than it was created with and never fewer than
 * one.
 *
 * <p>Why: ggml's CPU threads meet at a spinning barrier after every operation, so a decode that
 * runs more threads than it gets cores waits for descheduled threads many times per token (a step
 * beside one busy process on 2 cores took 2-3x as long with 2 threads; with 1 thread it took no
 * longer than alone). The load of other processes is what the whole machine spent
 * ({@code /proc/stat}) minus what this JVM spent ({@code /proc/self/stat}), measured over about a
 * second. Where {@code /proc} is unreadable, every context keeps its configured threads.
 *
 * <p>Thread-safe: every context of the JVM asks the one {@link #shared()} instance.
 */
final class CpuShare {
    /**
     * Cumulative CPU times in clock ticks, as {@code /proc} reports them: busy and total ticks of
     * the {@code cpus} CPUs this process may run on, and this process's own ticks.
     */
    record Sample(long machineBusy, long machineTotal, long self, int cpus) {}

    /** Where samples come from: {@code /proc} in production, a script in tests. */
    interface Source {
        /** The current cumulative sample, or null when none can be read. */
        Sample read();
    }

    static final long SAMPLE_INTERVAL_NANOS = 1_000_000_000L;
    static final long ACTIVE_NANOS = 500_000_000L;
    /** A competitor measured at 0.7 cores still takes a whole core from a spinning barrier. */
    private static final double SLACK = 0.3;

    private static final CpuShare SHARED = new CpuShare(new ProcSource(), Runtime.getRuntime().availableProcessors());

    private final Source source;
    private final int cores;
    private final Map<Object, Long> lastDecode = new IdentityHashMap<>();
    private Sample previous;
    private long previousNanos = Long.MIN_VALUE;
    private double externalCores;
    private int cpus;

    CpuShare(Source source, int cores) {
        this.source = source;
        this.cores = Math.max(1, cores);
        this.cpus = this.cores;
    }

    static CpuShare shared() {
        return SHARED;
    }

    /**
     * The threads {@code context} should use for a decode starting at {@code nowNanos}, at most
     * {@code max}.
     */
    synchronized int threadsFor(Object context, int max, long nowNanos) {
        lastDecode.put(context, nowNanos);
        if (previousNanos == Long.MIN_VALUE || nowNanos - previousNanos >= SAMPLE_INTERVAL_NANOS) {
            resample(nowNanos);
        }
        int active = 0;
        for (var it = lastDecode.values().iterator(); it.hasNext(); ) {
            if (nowNanos - it.next() > ACTIVE_NANOS) {
                it.remove();
            } else {
                active++;
            }
        }
        double free = Math.max(0, Math.min(cores, cpus - externalCores));
        int share = (int) Math.floor(free / Math.max(1, active) + SLACK);
        return Math.max(1, Math.min(max, share));
    }

    /** Forgets a context (it was closed). */
    synchronized void forget(Object context) {
        lastDecode.remove(context);
    }

    /** Cores other processes kept busy over the last interval (for reports and tests). */
    synchronized double externalCores() {
        return externalCores;
    }

    private void resample(long nowNanos) {
        Sample now = source.read();
        if (now == null) {
            externalCores = 0;
        } else if (previous != null && now.machineTotal() > previous.machineTotal()) {
            double total = now.machineTotal() - previous.machineTotal();
            double others = (now.machineBusy() - previous.machineBusy()) - (now.self() - previous.self());
            // machineTotal counts the ticks of every CPU we may run on, so this is a count of busy CPUs.
            externalCores = Math.max(0, others / total * now.cpus());
            cpus = now.cpus();
        }
        previous = now;
        previousNanos = nowNanos;
    }

    /** Reads the CPU times of the CPUs this process may run on, and its own, from Linux's /proc. */
    static final class ProcSource implements Source {
        private static final Path STAT = Path.of("/proc/stat");
        private static final Path SELF_STAT = Path.of("/proc/self/stat");
        private static final Path SELF_STATUS = Path.of("/proc/self/status");

        @Override
        public Sample read() {
            try {
                BitSet allowed = allowedCpus(Files.readString(SELF_STATUS));
                long busy = 0;
                long total = 0;
                int cpus = 0;
                for (String line : Files.readAllLines(STAT)) {
                    if (!line.startsWith("cpu") || line.startsWith("cpu ")) {
                        continue;
                    }
                    String[] f = line.trim().split("\\s+");
                    int cpu = Integer.parseInt(f[0].substring(3));
                    if (allowed != null && !allowed.get(cpu)) {
                        continue;
                    }
                    // cpuN user nice system idle iowait irq softirq steal ...
                    long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                    long work = 0;
                    for (int i = 1; i < Math.min(f.length, 9); i++) {
                        work += i == 4 || i == 5 ? 0 : Long.parseLong(f[i]);
                    }
                    busy += work;
                    total += work + idle;
                    cpus++;
                }
                String self = Files.readString(SELF_STAT);
                // Fields after the command name, which is in parentheses and may hold spaces.
                String[] fields = self.substring(self.lastIndexOf(')') + 2).split(" ");
                long selfTicks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                return cpus == 0 ? null : new Sample(busy, total, selfTicks, cpus);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /** The CPUs of "Cpus_allowed_list: 0-3,8" in /proc/self/status, or null when absent. */
        static BitSet allowedCpus(String status) {
            for (String line : status.split("\n")) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    BitSet cpus = new BitSet();
                    for (String range : line.substring(line.indexOf(':') + 1).trim().split(",")) {
                        String[] ends = range.split("-");
                        int from = Integer.parseInt(ends[0].trim());
                        int to = ends.length > 1 ? Integer.parseInt(ends[1].trim()) : from;
                        cpus.set(from, to + 1);
                    }
                    return cpus;
                }
            }
            return null;
        }
    }
}
