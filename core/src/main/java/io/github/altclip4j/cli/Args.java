package io.github.altclip4j.cli;

/** Small argument parsers that turn bad values into {@link UsageException}s naming the option. */
final class Args {
    private Args() {}

    static int positiveInt(String option, String value) {
        return intAtLeast(option, value, 1);
    }

    static int nonNegativeInt(String option, String value) {
        return intAtLeast(option, value, 0);
    }

    private static int intAtLeast(String option, String value, int min) {
        try {
            int v = Integer.parseInt(value);
            if (v >= min) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(option + " needs " + (min == 1 ? "a positive whole number" : "a whole number >= " + min) + ", got '" + value + "'");
    }
}
