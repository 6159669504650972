package io.github.altclip4j.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/** What {@link OptionSpec#parse} found: option values by name, and the positional arguments in order. */
final class ParsedArgs {
    private final Map<String, List<String>> values;
    private final List<String> positionals;

    ParsedArgs(Map<String, List<String>> values, List<String> positionals) {
        this.values = values;
        this.positionals = List.copyOf(positionals);
    }

    boolean has(String option) {
        return values.containsKey(option);
    }

    /** The option's value, or {@code otherwise} when it was not given. */
    String string(String option, String otherwise) {
        List<String> v = values.get(option);
        return v == null ? otherwise : v.get(0);
    }

    /** Every value of a repeatable option, in order (empty when not given). */
    List<String> all(String option) {
        return values.getOrDefault(option, List.of());
    }

    List<String> positionals() {
        return positionals;
    }

    /** The option's value as a whole number of at least {@code min}, or {@code otherwise} when not given. */
    int integer(String option, int otherwise, int min) {
        String v = string(option, null);
        if (v == null) return otherwise;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(option + " needs "
                + (min == 1 ? "a positive whole number" : "a whole number >= " + min) + ", got '" + v + "'");
    }

    /** The option's value as a number, or {@code otherwise} when not given. */
    double number(String option, double otherwise) {
        String v = string(option, null);
        if (v == null) return otherwise;
        try {
            double d = Double.parseDouble(v.trim());
            if (Double.isFinite(d)) return d;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(option + " needs a number, got '" + v + "'");
    }

    /** The option's value as a path, or null when not given. */
    Path path(String option) {
        String v = string(option, null);
        return v == null ? null : toPath(option, v);
    }

    static Path toPath(String what, String v) {
        try {
            return Paths.get(v);
        } catch (InvalidPathException e) {
            throw new UsageException(what + ": '" + v + "' is not a valid path");
        }
    }

    /** The option's value, which must be one of {@code choices}, or {@code otherwise}. */
    String choice(String option, String otherwise, String... choices) {
        String v = string(option, otherwise);
        for (String c : choices) if (c.equals(v)) return v;
        throw new UsageException(option + " must be " + String.join(", ", choices) + "; got '" + v + "'");
    }
}
