package io.github.altclip4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LoadProgressTest {
    @Test
    void progressNeverGoesBackAndSmallModelsAreSizedInMegabytes() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Console console = new Console(
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(new byte[0]),
                false);
        LoadProgress progress = new LoadProgress(Path.of("tiny"), console);
        Thread.sleep(1100); // it stays quiet for the first second
        long total = 3_000_000;
        // reports from two binding threads, one late: 76%, then 74%, then 80%, then 100%
        for (long bytes : new long[] {2_280_000, 2_220_000, 2_400_000, 3_000_000}) progress.bound(bytes, total);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("altclip: loading tiny: 76% of 3.0 MB\naltclip: loading tiny: 100% of 3.0 MB\n");
    }
}
