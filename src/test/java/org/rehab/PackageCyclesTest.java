package org.rehab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The server's packages depend on each other one way only: the graph of their imports (src/main/java) has no cycle.
 * A cycle makes two capabilities one, which neither can be read nor changed without the other.
 */
class PackageCyclesTest {

    private static final Path SOURCES = Path.of("src/main/java/org/rehab");
    private static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?org\\.rehab\\.([a-z]+)\\.", Pattern.MULTILINE);

    @Test
    void packagesDependOnEachOtherOneWayOnly() {
        Map<String, Set<String>> dependencies = dependencies();
        assertThat(dependencies).containsKeys("audit", "security", "tenant", "recommendation");

        assertThat(cycles(dependencies)).as("package cycles").isEmpty();
    }

    @Test
    void aCycleThroughThreePackagesIsFound() {
        Map<String, Set<String>> graph =
                Map.of("audit", Set.of("tenant"), "tenant", Set.of("security"), "security", Set.of("audit", "web"));

        assertThat(cycles(graph)).containsExactly(List.of("audit", "tenant", "security", "audit"));
    }

    /** Each top-level package under org.rehab, and the other top-level packages its files import. */
    static Map<String, Set<String>> dependencies() {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file :
                    files.filter(path -> path.toString().endsWith(".java")).toList()) {
                Path relative = SOURCES.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue; // the application class, at the root
                }
                String from = relative.getName(0).toString();
                Set<String> to = graph.computeIfAbsent(from, key -> new TreeSet<>());
                Matcher imported = IMPORT.matcher(Files.readString(file));
                while (imported.find()) {
                    if (!imported.group(1).equals(from)) {
                        to.add(imported.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    /** Every cycle found by a depth-first walk, as the packages on it. */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        List<List<String>> cycles = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (String start : new TreeSet<>(graph.keySet())) {
            walk(start, graph, new ArrayList<>(), done, cycles);
        }
        return cycles;
    }

    private static void walk(
            String node,
            Map<String, Set<String>> graph,
            List<String> path,
            Set<String> done,
            List<List<String>> cycles) {
        int onPath = path.indexOf(node);
        if (onPath >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(onPath, path.size()));
            cycle.add(node);
            cycles.add(cycle);
            return;
        }
        if (done.contains(node)) {
            return;
        }
        path.add(node);
        for (String next : new TreeSet<>(graph.getOrDefault(node, Set.of()))) {
            walk(next, graph, path, done, cycles);
        }
        path.remove(path.size() - 1);
        done.add(node);
    }
}
