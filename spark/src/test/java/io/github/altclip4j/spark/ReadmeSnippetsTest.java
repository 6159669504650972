package io.github.altclip4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark lines of spark/README.md and README.md compile as written against this module, given the
 * {@code SparkSession spark} they assume (they name HDFS paths, so they are not run: SparkTransformersTest runs the same
 * calls on local files). tests/ReadmeExamplesTest treats the READMEs' other blocks.
 */
class ReadmeSnippetsTest {
    private static final Path ROOT =
            Paths.get(System.getProperty("altclip4j.fixtures", "../fixtures")).getParent();

    @TempDir
    Path tmp;

    @Test
    void theSparkSnippetsCompile() throws Exception {
        List<String> snippets = new ArrayList<>();
        for (String readme : List.of("spark/README.md", "README.md")) {
            Matcher m = Pattern.compile("(?m)^```java\\n(.*?)^```", Pattern.DOTALL)
                    .matcher(Files.readString(ROOT.resolve(readme)));
            while (m.find()) if (m.group(1).contains("Dataset<Row>")) snippets.add(m.group(1));
        }
        assertThat(snippets).as("Spark snippets in the READMEs").hasSizeGreaterThanOrEqualTo(2);
        for (int i = 0; i < snippets.size(); i++) {
            String src = "import io.github.altclip4j.spark.*;\nimport org.apache.spark.sql.*;\n"
                    + "public class Snippet" + i + " {\n  static void snippet(SparkSession spark) throws Exception {\n"
                    + snippets.get(i) + "}}\n";
            Path file = tmp.resolve("Snippet" + i + ".java");
            Files.writeString(file, src);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            StringWriter errors = new StringWriter();
            boolean ok = javac.getTask(
                            errors,
                            null,
                            null,
                            List.of("-cp", System.getProperty("java.class.path"), "-d", tmp.toString()),
                            null,
                            javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)
                                    .getJavaFileObjects(file))
                    .call();
            assertThat(ok).as("does not compile:%n%s%n%s", src, errors).isTrue();
        }
    }
}
