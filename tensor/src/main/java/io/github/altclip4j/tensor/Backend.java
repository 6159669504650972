package io.github.altclip4j.tensor;

import java.util.Locale;

/**
 * Picks the kernels once per JVM: the Vector API when {@code jdk.incubator.vector} is in the boot layer, the
 * scalar code otherwise (one warning line on stderr naming the flag). {@code -Daltclip4j.simd=false} forces the
 * scalar path, e.g. to compare the two.
 */
public final class Backend {
    private Backend() {}

    public static final String VECTOR_MODULE = "jdk.incubator.vector";

    private static final Kernels KERNELS = choose();

    static Kernels kernels() {
        return KERNELS;
    }

    /** The kernels in use, e.g. {@code "vector-512"} or {@code "scalar"}. */
    public static String name() {
        return KERNELS.name();
    }

    /** True when the SIMD kernels are in use. */
    public static boolean isVectorized() {
        return !(KERNELS instanceof ScalarKernels);
    }

    private static Kernels choose() {
        boolean wanted =
                !"false".equals(System.getProperty("altclip4j.simd", "true").toLowerCase(Locale.ROOT));
        if (!wanted) return new ScalarKernels();
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            System.err.println(
                    "altclip4j: WARNING: the Vector API is not enabled, running scalar kernels (much slower); "
                            + "start java with --add-modules " + VECTOR_MODULE);
            return new ScalarKernels();
        }
        return new VectorKernels();
    }
}
