package io.github.altclip4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's example program, compiled as written against this module and run on the tiny model over the fixture
 * images: it prints the five best matches, best first (tests/ReadmeExamplesTest treats the other READMEs).
 */
class ReadmeExampleTest {
    private static final Path FIXTURES = Paths.get(System.getProperty("altclip4j.fixtures"));

    @TempDir
    Path tmp;

    @Test
    void theExampleProgramCompilesAndFindsFivePhotos() throws Exception {
        String md = Files.readString(FIXTURES.getParent().resolve("langchain4j/README.md"));
        Matcher m = Pattern.compile("(?m)^```java\\n(.*?)^```", Pattern.DOTALL).matcher(md);
        assertThat(m.find()).as("a Java block in the README").isTrue();
        String program = m.group(1);
        Matcher name = Pattern.compile("public class (\\w+)").matcher(program);
        assertThat(name.find()).isTrue();
        Path source = tmp.resolve(name.group(1) + ".java");
        Files.writeString(source, program);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean ok = javac.getTask(
                        errors,
                        null,
                        null,
                        List.of("-cp", System.getProperty("java.class.path"), "-d", tmp.toString()),
                        null,
                        javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)
                                .getJavaFileObjects(source))
                .call();
        assertThat(ok).as("the README's program does not compile:%n%s", errors).isTrue();

        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {tmp.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = loader.loadClass(name.group(1)).getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[] {
                FIXTURES.resolve("tiny-altclip").toString(),
                FIXTURES.resolve("images/files").toString(),
                "一只在沙发上睡觉的猫"
            });
        } finally {
            System.setOut(stdout);
        }
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(5);
        double previous = Double.POSITIVE_INFINITY;
        for (String line : lines) {
            assertThat(line).matches("-?\\d\\.\\d{3}  .*\\.(jpe?g|png)");
            double score = Double.parseDouble(line.substring(0, line.indexOf(' ')));
            assertThat(score).isLessThanOrEqualTo(previous);
            previous = score;
        }
    }
}
