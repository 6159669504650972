package io.github.altclip4j.bench;

/**
 * The JVM flags {@code bin/altclip} starts the engine with, for the benchmarks' forks ({@code @Fork(jvmArgsAppend)}),
 * so that a benchmark measures what users run. Annotation values must be constants, hence one constant per flag;
 * {@code LauncherFlagsTest} checks that they are exactly the launcher's.
 */
final class LauncherFlags {
    private LauncherFlags() {}

    static final String ADD_MODULES = "--add-modules";
    static final String VECTOR_API = "jdk.incubator.vector";
    static final String GC = "-XX:+UseParallelGC";
    static final String YOUNG_GEN = "-Xmn32m";
}
