package io.github.altclip4j.cli;

/** Small argument parsers that turn bad values into {@link UsageException}s naming the option. */
final class Args {
    private Args() {}

    static int positiveInt(String option, String value) {
        try {
            int v = Integer.parseInt(value);
            if (v > 0) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(option + " needs a positive whole number, got '" + value + "'");
    }

    static int nonNegativeInt(String option, String value) {
        try {
            int v = Integer.parseInt(value);
            if (v >= 0) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(option + " needs a whole number >= 0, got '" + value + "'");
    }
}
