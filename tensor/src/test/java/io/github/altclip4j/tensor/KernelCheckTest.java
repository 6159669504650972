package io.github.altclip4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KernelCheckTest {
    private static final double PEAK = 32; // flops per CPU ns: 32 GFLOPS per core
    private static final long WINDOW = KernelCheck.WINDOW_NANOS;

    @Test
    void sustainedSlownessIsReportedOnceWithTheMeasuredRates() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        KernelCheck check = new KernelCheck(PEAK, new PrintStream(err, true, StandardCharsets.UTF_8));
        long slowFlops = (long) (0.02 * PEAK * WINDOW); // 2% of the peak, as an uncompiled kernel runs
        for (int w = 1; w < KernelCheck.SLOW_WINDOWS; w++)
            assertThat(check.record(slowFlops, WINDOW)).isFalse();
        assertThat(err.size()).isZero();
        assertThat(check.record(slowFlops, WINDOW)).isTrue();
        for (int w = 0; w < 5; w++) assertThat(check.record(slowFlops, WINDOW)).isFalse();
        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(message).contains("0.6 GFLOPS per core, 2.0% of the 32 this CPU reaches");
        assertThat(message.lines()).hasSize(1);
    }

    @Test
    void aSlowStartOrAFastKernelIsNotReported() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        KernelCheck check = new KernelCheck(PEAK, new PrintStream(err, true, StandardCharsets.UTF_8));
        long slow = (long) (0.02 * PEAK * WINDOW), fast = (long) (0.6 * PEAK * WINDOW);
        for (int round = 0; round < 10; round++) { // slow windows broken by fast ones: a JVM compiling its kernels
            for (int w = 1; w < KernelCheck.SLOW_WINDOWS; w++)
                assertThat(check.record(slow, WINDOW)).isFalse();
            assertThat(check.record(fast, WINDOW)).isFalse();
        }
        for (int i = 0; i < 1000; i++)
            assertThat(check.record(fast / 100, WINDOW / 100)).isFalse(); // small tasks
        assertThat(err.size()).isZero();
    }

    @Test
    void thePeakMeasuredThroughTheKernelsCountsTheirFlops() {
        Kernels kern = Backend.kernels();
        float[] acc = new float[kern.panelWidth() * 8];
        acc[0] = 1f;
        long flops = kern.fmaChains(acc, 1000);
        assertThat(flops).isEqualTo(2L * 1000 * 8 * (Backend.isVectorized() ? lanes(kern) : 1));
        float expected = 1f;
        for (int s = 0; s < 1000; s++) expected = Math.fma(0.999f, expected, 0.001f);
        assertThat(acc[0]).isEqualTo(expected);
    }

    private static int lanes(Kernels kern) {
        return Integer.parseInt(kern.name().substring("vector-".length())) / Float.SIZE;
    }
}
