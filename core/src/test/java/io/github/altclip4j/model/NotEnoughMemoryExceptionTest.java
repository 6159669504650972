package io.github.altclip4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.altclip4j.weights.WeightFormat;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NotEnoughMemoryExceptionTest {
    private static final long HUGE = 1L << 50; // a petabyte of weights: no test JVM's heap holds it

    @Test
    void theLibrarysMessageNamesTheApiAndTheCommandLinesNamesItsFlags() {
        NotEnoughMemoryException e = catchThrowableOfType(
                () -> NotEnoughMemoryException.check(Path.of("AltCLIP"), WeightFormat.F32, HUGE),
                NotEnoughMemoryException.class);
        assertThat(e.getMessage())
                .startsWith("AltCLIP needs about 1048576.5 GB of Java heap with f32 weights")
                .contains("start the JVM with -Xmx")
                .contains("AltClip.Options.withWeights(WeightFormat.INT8)")
                .doesNotContain("--weights")
                .doesNotContain("ALTCLIP4J_JAVA_OPTS");
        assertThat(e.advice("ALTCLIP4J_JAVA_OPTS=-Xmx%dg", "--weights int8"))
                .contains("give it more with ALTCLIP4J_JAVA_OPTS=-Xmx1048")
                .contains("or load it with --weights int8")
                .doesNotContain("AltClip.Options");
    }

    @Test
    void int8WeightsAreNotAdvisedWhenTheyAreAlreadyAsked() {
        NotEnoughMemoryException e = catchThrowableOfType(
                () -> NotEnoughMemoryException.check(Path.of("AltCLIP"), WeightFormat.INT8, HUGE),
                NotEnoughMemoryException.class);
        assertThat(e.getMessage()).doesNotContain("INT8");
        assertThat(e.advice("-Xmx%dg", "--weights int8")).doesNotContain("--weights");
    }
}
