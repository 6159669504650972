package io.github.altclip4j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmarks' forks must run with the flags users get from {@code bin/altclip}. */
class LauncherFlagsTest {

    @Test
    void forksUseExactlyTheLaunchersFlags() throws IOException {
        Path script = Paths.get(System.getProperty("altclip4j.fixtures", "../fixtures"))
                .resolveSibling("bin")
                .resolve("altclip");
        String exec = Files.readAllLines(script).stream()
                .filter(l -> l.startsWith("exec "))
                .findFirst()
                .orElseThrow();
        // exec "$java" <flags> ${ALTCLIP4J_JAVA_OPTS:-} -jar "$jar" "$@"
        List<String> words = Arrays.asList(exec.split("\\s+"));
        List<String> flags = words.subList(2, words.indexOf("${ALTCLIP4J_JAVA_OPTS:-}"));
        assertThat(flags)
                .containsExactly(
                        LauncherFlags.ADD_MODULES, LauncherFlags.VECTOR_API, LauncherFlags.GC, LauncherFlags.YOUNG_GEN);
    }
}
