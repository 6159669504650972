package io.github.altclip4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every code block of README.md and the modules' READMEs runs or compiles as written. The blocks run in a folder laid
 * out as the README's reader has it: {@code AltCLIP} (here the tiny model), {@code cat.jpg}, {@code dog.png},
 * {@code holiday.jpg}, {@code pool.jpg}, {@code ~/Photos}, {@code cifar10/} (class folders), {@code bin/altclip},
 * {@code fixtures/}. Shell blocks run through bash, verbatim, with {@code set -euo pipefail}; the commands this test
 * does not run are replaced by shell functions that say why ({@link #NOT_RUN}). Java blocks are compiled against this
 * build and run when they need nothing but those files (a snippet that uses variables of its surroundings is compiled
 * with them declared, {@link #SURROUNDINGS}). The Spark and LangChain4j modules check their own READMEs' Java blocks
 * (their frameworks are not on this module's classpath). A block this test does not know how to treat fails it.
 */
class ReadmeExamplesTest {
    private static final Path ROOT =
            Reference.fixtures().toAbsolutePath().normalize().getParent();

    /** Commands a block may call that this test does not run, and why. */
    private static final Map<String, String> NOT_RUN = Map.of(
            "mvn", "the build itself: CI runs mvn -B verify, and this test runs on what it built",
            "python3", "needs torchvision and the internet to download CIFAR-10 (the test makes class folders instead)",
            "java", "a JMH run (minutes) or Spark's class path from Maven: bench/ and bench/spark-cluster.sh run them",
            "spark-submit", "needs a Spark cluster: bench/spark-cluster.sh runs the same jobs on one",
            "huggingface-cli", "downloads the real model");

    /** Blocks skipped whole (by a phrase they contain), and why. */
    private static final Map<String, String> SKIPPED_BLOCKS = Map.of(
            "--like altclip",
            "writes the 3.5 GB full-size random model: FullSizeParityTest and bench/jit-cliff.sh run it");

    /** Declarations a snippet's free names need, by a phrase of the snippet. */
    private static final Map<String, String> SURROUNDINGS = Map.of(
            "clip.embedAll(photos",
            "static void save(List<AltClip.ImageResult> results) {}\n"
                    + "static void snippet(AltClip clip, byte[] uploaded, float[] imageEmbedding) throws Exception {",
            "new PlainForward(weights",
            "static void snippet(Path folder, int[] inputIds, int[] attentionMask, double[][][] pixels)"
                    + " throws Exception {");

    private static final List<String> DEFAULT_IMPORTS = List.of(
            "io.github.altclip4j.*",
            "io.github.altclip4j.index.*",
            "io.github.altclip4j.plain.*",
            "io.github.altclip4j.weights.*",
            "java.nio.file.*",
            "java.util.*");

    @TempDir
    static Path home;

    private record Block(Path file, int line, String language, String text) {
        String where() {
            return ROOT.relativize(file) + ":" + line;
        }
    }

    /** The reader's folder: the files the READMEs name, the tiny model as AltCLIP, the repository's bin and fixtures. */
    @BeforeAll
    static void layOutTheReadersFolder() throws IOException {
        Path images = ROOT.resolve("fixtures/images/files");
        Files.createSymbolicLink(home.resolve("AltCLIP"), ROOT.resolve("fixtures/tiny-altclip"));
        Files.createSymbolicLink(home.resolve("fixtures"), ROOT.resolve("fixtures"));
        Files.createSymbolicLink(home.resolve("bin"), ROOT.resolve("bin"));
        Files.copy(images.resolve("rgb_baseline_400x300.jpg"), home.resolve("cat.jpg"));
        Files.copy(images.resolve("small_64x48.png"), home.resolve("dog.png"));
        Files.copy(images.resolve("rgb_progressive_landscape_420x236.jpg"), home.resolve("holiday.jpg"));
        Files.copy(images.resolve("gray_301x257.jpg"), home.resolve("pool.jpg"));
        Files.createDirectories(home.resolve("Photos"));
        Files.createDirectories(home.resolve("cifar10/cat"));
        Files.createDirectories(home.resolve("cifar10/dog"));
        try (Stream<Path> s = Files.list(images)) {
            for (Path f : s.filter(f -> !f.getFileName().toString().startsWith("large"))
                    .toList()) {
                Files.copy(f, home.resolve("Photos").resolve(f.getFileName()));
                String n = f.getFileName().toString();
                Files.copy(
                        f,
                        home.resolve(n.compareTo("p") < 0 ? "cifar10/cat" : "cifar10/dog")
                                .resolve(n));
            }
        }
    }

    private static List<Block> blocks() throws IOException {
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> s = Files.list(ROOT)) {
            s.filter(d -> Files.isRegularFile(d.resolve("README.md")))
                    .sorted()
                    .forEach(d -> files.add(d.resolve("README.md")));
        }
        List<Block> out = new ArrayList<>();
        Pattern fence = Pattern.compile("(?m)^```(\\w*)\\n(.*?)^```\\s*$", Pattern.DOTALL);
        for (Path f : files) {
            String md = Files.readString(f);
            Matcher m = fence.matcher(md);
            while (m.find()) {
                int line = (int) md.substring(0, m.start()).lines().count() + 1;
                out.add(new Block(f, line, m.group(1), m.group(2)));
            }
        }
        return out;
    }

    @Test
    void everyShellBlockRunsAsWritten() throws Exception {
        int ran = 0;
        for (Block b : blocks()) {
            if (!b.language().equals("sh")) continue;
            String skip = SKIPPED_BLOCKS.entrySet().stream()
                    .filter(e -> b.text().contains(e.getKey()))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(null);
            if (skip != null) continue;
            runShell(b);
            ran++;
        }
        assertThat(ran).as("shell blocks run").isGreaterThanOrEqualTo(6);
    }

    /**
     * Runs a shell block with bash in the reader's folder. A block that starts {@code altclip serve} gets it in the
     * background on a free port (the block's 8080 replaced), waits for it to be ready and stops it at the end; its
     * curl calls fail the block on an HTTP error.
     */
    private static void runShell(Block b) throws Exception {
        StringBuilder script = new StringBuilder("set -euo pipefail\n");
        for (Map.Entry<String, String> e : NOT_RUN.entrySet())
            script.append(e.getKey())
                    .append("() { echo \"not run: ")
                    .append(e.getKey())
                    .append(": ")
                    .append(e.getValue())
                    .append("\" >&2; }\n");
        script.append("curl() { command curl --fail-with-body \"$@\"; echo; }\n");
        String text = b.text();
        if (text.contains("altclip serve")) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            text = text.replace("8080", String.valueOf(port));
            text = text.replaceFirst(
                    "(?m)^(bin/altclip serve .*)$",
                    "$1 &\nserver=\\$!; trap 'kill \\$server' EXIT\n"
                            + "for i in \\$(seq 1 120); do command curl -sf localhost:" + port
                            + "/.well-known/ready >/dev/null && break; sleep 0.5; done");
        }
        script.append(text);
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script.toString())
                .directory(home.toFile())
                .redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment()
                .put("ALTCLIP4J_JAR", ROOT.resolve("target/altclip4j.jar").toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("%s ran with exit code %d:%n%s%n%s", b.where(), p.exitValue(), b.text(), output)
                .isZero();
        assertThat(output).as(b.where()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void everyJavaBlockCompilesAndThoseThatNeedNothingMoreRun() throws Exception {
        int compiled = 0, ran = 0;
        for (Block b : blocks()) {
            if (!b.language().equals("java") || frameworkOwned(b)) continue;
            String surroundings = SURROUNDINGS.entrySet().stream()
                    .filter(e -> b.text().contains(e.getKey()))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(null);
            Path classes = compile(b, surroundings);
            compiled++;
            if (surroundings == null) {
                run(b, classes);
                ran++;
            }
        }
        assertThat(compiled).as("Java blocks compiled").isGreaterThanOrEqualTo(5);
        assertThat(ran).as("Java blocks run").isGreaterThanOrEqualTo(3);
    }

    /**
     * Java blocks that use Spark or LangChain4j, which this module's class path does not hold: those modules' own
     * README tests compile them (Spark's also compiles README.md's Spark lines).
     */
    private static boolean frameworkOwned(Block b) {
        return b.file().startsWith(ROOT.resolve("spark"))
                || b.file().startsWith(ROOT.resolve("langchain4j"))
                || b.text().contains("Dataset<Row>");
    }

    /** The block as a class {@code Snippet}: its imports, the defaults, its lines as the body of a method. */
    private static Path compile(Block b, String surroundings) throws IOException {
        StringBuilder src = new StringBuilder();
        List<String> body = new ArrayList<>();
        for (String line : b.text().lines().toList()) {
            if (line.startsWith("import ")) src.append(line).append('\n');
            else body.add(line);
        }
        for (String i : DEFAULT_IMPORTS) src.append("import ").append(i).append(";\n");
        src.append("public class Snippet {\n")
                .append(
                        surroundings != null
                                ? surroundings
                                : "public static void main(String[] args) throws Exception {")
                .append('\n');
        for (String line : body) src.append(line).append('\n');
        src.append("}}\n");
        Path dir = Files.createTempDirectory(home, "snippet");
        Files.writeString(dir.resolve("Snippet.java"), src);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean ok = javac.getTask(
                        errors,
                        null,
                        null,
                        List.of("-cp", System.getProperty("java.class.path"), "-d", dir.toString()),
                        null,
                        javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)
                                .getJavaFileObjects(dir.resolve("Snippet.java")))
                .call();
        assertThat(ok)
                .as("%s does not compile:%n%s%n%s", b.where(), src, errors)
                .isTrue();
        return dir;
    }

    /** Runs the compiled block in the reader's folder, as its reader would (a JVM of its own). */
    private static void run(Block b, Path classes) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "--add-modules",
                        "jdk.incubator.vector",
                        "-cp",
                        classes + File.pathSeparator + System.getProperty("java.class.path"),
                        "Snippet")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as("%s ran with exit code %d:%n%s%n%s", b.where(), p.exitValue(), b.text(), output)
                .isZero();
    }

    @Test
    void everyBlockIsOfAKindThisTestTreats() throws IOException {
        Map<String, List<String>> unknown = new LinkedHashMap<>();
        for (Block b : blocks()) {
            boolean known = b.language().equals("sh")
                    || b.language().equals("java")
                    || b.language().equals("xml")
                    || (b.language().isEmpty() && b.file().endsWith(Path.of("fixtures", "README.md")));
            if (!known)
                unknown.computeIfAbsent(b.language(), k -> new ArrayList<>()).add(b.where());
        }
        assertThat(unknown).as("blocks no test runs or compiles").isEmpty();
    }

    /** A Maven dependency snippet names an artifact this build makes, at this build's version. */
    @Test
    void everyDependencySnippetNamesAnArtifactOfThisBuild() throws IOException {
        String rootPom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher version = Pattern.compile("<version>([^<]+)</version>").matcher(rootPom);
        assertThat(version.find()).isTrue();
        List<String> artifacts = new ArrayList<>();
        try (Stream<Path> s = Files.list(ROOT)) {
            for (Path d :
                    s.filter(d -> Files.isRegularFile(d.resolve("pom.xml"))).toList()) {
                Matcher a = Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>")
                        .matcher(Files.readString(d.resolve("pom.xml")));
                if (a.find()) artifacts.add(a.group(1));
            }
        }
        int checked = 0;
        for (Block b : blocks()) {
            if (!b.language().equals("xml")) continue;
            assertThat(b.text()).as(b.where()).contains("<groupId>io.github.altclip4j</groupId>");
            Matcher a = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(b.text());
            assertThat(a.find()).as(b.where()).isTrue();
            assertThat(artifacts).as(b.where()).contains(a.group(1));
            assertThat(b.text()).as(b.where()).contains("<version>" + version.group(1) + "</version>");
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(1);
    }
}
