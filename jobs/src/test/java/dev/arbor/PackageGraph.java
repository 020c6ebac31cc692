package dev.arbor;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Which {@code dev.arbor} package uses which, as the JDK's {@code jdeps} reads it from compiled
 * classes, and the cycles in it.
 *
 * <p>jdeps sees what ArchUnit does not: javac inlines a {@code static final} constant into the code
 * that reads it, so no access to the declaring class remains, but it still records that class in the
 * reader's constant pool, and jdeps reports that reference. A package that only reads another's
 * constant therefore depends on it here.
 */
final class PackageGraph {
    private static final Pattern EDGE = Pattern.compile("^\\s+(dev\\.arbor[\\w.]*)\\s+->\\s+(dev\\.arbor[\\w.]*)\\s");

    /** Package -> the packages it uses (never itself). */
    private final Map<String, Set<String>> uses;

    PackageGraph(Map<String, Set<String>> uses) {
        this.uses = uses;
    }

    /** The graph of the class directories (or jars) that hold {@code classes}, one per module. */
    static PackageGraph ofModulesOf(Class<?>... classes) {
        List<String> args = new ArrayList<>(List.of("-verbose:package", "-e", "dev\\.arbor\\..*"));
        Stream.of(classes).map(PackageGraph::locationOf).distinct().forEach(args::add);
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new IllegalStateException("jdeps is not in this JDK (module jdk.jdeps)"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = jdeps.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException("jdeps " + args + " failed (" + status + "): " + err + out);
        }
        return parse(out.toString());
    }

    /** Reads the package lines of {@code jdeps -verbose:package} output. */
    static PackageGraph parse(String jdepsOutput) {
        Map<String, Set<String>> uses = new TreeMap<>();
        for (String line : jdepsOutput.split("\\R")) {
            Matcher edge = EDGE.matcher(line);
            if (edge.find() && !edge.group(1).equals(edge.group(2))) {
                uses.computeIfAbsent(edge.group(1), key -> new TreeSet<>()).add(edge.group(2));
            }
        }
        return new PackageGraph(uses);
    }

    private static String locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("where " + type + " was loaded from", e);
        }
    }

    /** Every package that uses another or is used. */
    Set<String> packages() {
        Set<String> all = new TreeSet<>(uses.keySet());
        uses.values().forEach(all::addAll);
        return all;
    }

    boolean uses(String from, String to) {
        return uses.getOrDefault(from, Set.of()).contains(to);
    }

    /**
     * One cycle through each group of packages that reach each other, as the path around it
     * ({@code a -> b -> a}); empty when the graph has none.
     */
    List<String> cycles() {
        List<String> cycles = new ArrayList<>();
        Set<String> reported = new TreeSet<>();
        for (String start : packages()) {
            if (reported.contains(start)) {
                continue;
            }
            List<String> path = pathBack(start);
            if (path != null) {
                reported.addAll(path);
                cycles.add(String.join(" -> ", path) + " -> " + start);
            }
        }
        return cycles;
    }

    /** The shortest path from {@code start} back to itself (without the last step), or null. */
    private List<String> pathBack(String start) {
        Map<String, String> cameFrom = new TreeMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String at = queue.removeFirst();
            for (String next : uses.getOrDefault(at, Set.of())) {
                if (next.equals(start)) {
                    List<String> path = new ArrayList<>();
                    for (String step = at; step != null; step = cameFrom.get(step)) {
                        path.add(0, step);
                    }
                    return path;
                }
                if (!cameFrom.containsKey(next)) {
                    cameFrom.put(next, at);
                    queue.addLast(next);
                }
            }
        }
        return null;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        uses.forEach((from, to) -> text.append(from).append(" -> ").append(to).append('\n'));
        return text.toString();
    }
}
