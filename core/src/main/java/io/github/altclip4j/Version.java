package io.github.altclip4j;

/** The version of this build, from the JAR's manifest ("dev" when running from classes). */
public final class Version {
    private Version() {}

    public static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
