package dev.arbor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Issue 22: the library part of the user guide is a pom that works. Its blocks, put together, are a
 * pom whose every {@code ${...}} has a value, whose Arbor and Flink dependencies and plugin pins are
 * the quickstart's (which the build compiles and tests), and whose versions are the ones this
 * checkout builds: the quickstart is built against them, so a version the docs show is one that
 * works.
 */
class LibraryPomTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String QUICKSTART_POM = "docs/examples/quickstart/pom.xml";

    /** The user guide's blocks quoting the quickstart's pom, by region. */
    private static Map<String, String> guideBlocks() {
        Map<String, String> blocks = new LinkedHashMap<>();
        for (DocBlocks.Block block : DocBlocks.of(ROOT).blocks()) {
            if (block.file().endsWith("user-guide.md") && QUICKSTART_POM.equals(block.settings().get("file"))) {
                blocks.put(block.settings().get("region"), block.content());
            }
        }
        return blocks;
    }

    /** The pom a reader of the guide writes: the blocks in their places. */
    private static Document guidePom() throws Exception {
        Map<String, String> blocks = guideBlocks();
        assertThat(blocks).as("the guide quotes the versions, the dependencies and the plugin pins")
                .containsKeys("properties", "arbor", "flink", "build");
        return xml("<project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId>"
                + "<artifactId>mine</artifactId><version>1</version>" + blocks.get("properties") + "<dependencies>"
                + blocks.get("arbor") + blocks.get("flink") + "</dependencies><build>" + blocks.get("build")
                + "</build></project>");
    }

    @Test
    void theGuidesPomIsCompleteAndIsTheQuickstartsPom() throws Exception {
        Document guide = guidePom();
        Document quickstart = xml(Files.readString(ROOT.resolve(QUICKSTART_POM)));
        Map<String, String> properties = properties(guide);

        Matcher used = Pattern.compile("\\$\\{([^}]+)}").matcher(text(guide.getDocumentElement()));
        while (used.find()) {
            assertThat(properties).as("every ${...} of the guide's pom has a value").containsKey(used.group(1));
        }
        assertThat(properties).containsKeys("maven.compiler.release", "arbor.version", "flink.version");
        assertThat(properties(quickstart)).containsAllEntriesOf(properties);

        Set<String> quickstartDependencies = dependencies(quickstart, properties(quickstart));
        quickstartDependencies.removeIf(dependency -> !dependency.startsWith("dev.arbor:")
                && !dependency.startsWith("org.apache.flink:")); // logging and tests are the project's own choice
        assertThat(dependencies(guide, properties)).isEqualTo(quickstartDependencies);

        Map<String, String> pins = plugins(guide);
        assertThat(pins).as("the plugin pins").isEqualTo(plugins(quickstart));
        assertThat(pins.get("maven-compiler-plugin")).as("a compiler plugin that knows <release> (3.6 and later)")
                .isNotNull().matches("3\\.([6-9]|1[0-9])\\..*");
    }

    @Test
    void theQuickstartIsBuiltAgainstTheVersionsOfThisCheckout() throws Exception {
        Document parent = xml(Files.readString(ROOT.resolve("pom.xml")));
        Map<String, String> quickstart = properties(xml(Files.readString(ROOT.resolve(QUICKSTART_POM))));
        assertThat(quickstart.get("arbor.version")).as("Arbor's version").isEqualTo(child(parent.getDocumentElement(),
                "version").getTextContent().strip());
        Map<String, String> built = properties(parent);
        assertThat(quickstart.get("flink.version")).isEqualTo(built.get("flink.version"));
        assertThat(quickstart.get("maven.compiler.release")).isEqualTo(built.get("maven.compiler.release"));
    }

    private static Document xml(String text) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, String> properties(Document pom) {
        Map<String, String> properties = new HashMap<>();
        Element block = child(pom.getDocumentElement(), "properties");
        for (Node node = block == null ? null : block.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element property) {
                properties.put(property.getTagName(), property.getTextContent().strip());
            }
        }
        return properties;
    }

    /** groupId:artifactId:version of each dependency that is not test-scoped, properties resolved. */
    private static Set<String> dependencies(Document pom, Map<String, String> properties) {
        Set<String> dependencies = new HashSet<>();
        NodeList all = pom.getElementsByTagName("dependency");
        for (int i = 0; i < all.getLength(); i++) {
            Element dependency = (Element) all.item(i);
            Element scope = child(dependency, "scope");
            if (scope != null && scope.getTextContent().strip().equals("test")) {
                continue;
            }
            String version = child(dependency, "version").getTextContent().strip();
            for (Map.Entry<String, String> property : properties.entrySet()) {
                version = version.replace("${" + property.getKey() + "}", property.getValue());
            }
            dependencies.add(child(dependency, "groupId").getTextContent().strip() + ":"
                    + child(dependency, "artifactId").getTextContent().strip() + ":" + version);
        }
        return dependencies;
    }

    /** artifactId to version of the plugins pinned in pluginManagement. */
    private static Map<String, String> plugins(Document pom) {
        Map<String, String> plugins = new HashMap<>();
        Element management = (Element) pom.getElementsByTagName("pluginManagement").item(0);
        NodeList all = management == null ? null : management.getElementsByTagName("plugin");
        for (int i = 0; all != null && i < all.getLength(); i++) {
            Element plugin = (Element) all.item(i);
            plugins.put(child(plugin, "artifactId").getTextContent().strip(),
                    child(plugin, "version").getTextContent().strip());
        }
        return plugins;
    }

    private static Element child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element;
            }
        }
        return null;
    }

    private static String text(Element element) {
        return element.getTextContent();
    }
}
