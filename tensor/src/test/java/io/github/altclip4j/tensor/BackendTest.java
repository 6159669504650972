package io.github.altclip4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackendTest {

    /** Surefire runs this suite twice: with the Vector API module (SIMD kernels) and without it (scalar kernels). */
    @Test
    void kernelsFollowThePresenceOfTheVectorModule() {
        boolean present = ModuleLayer.boot().findModule(Backend.VECTOR_MODULE).isPresent();
        boolean forcedOff = "false".equals(System.getProperty("altclip4j.simd"));
        assertThat(Backend.isVectorized()).isEqualTo(present && !forcedOff);
        assertThat(Backend.name()).startsWith(Backend.isVectorized() ? "vector-" : "scalar");
    }
}
