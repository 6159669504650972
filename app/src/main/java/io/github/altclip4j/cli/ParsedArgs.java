package io.github.altclip4j.cli;

import io.github.altclip4j.formats.Spelling;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/** What {@link OptionSpec#parse} found: option values by name, and the positional arguments in order. */
final class ParsedArgs {
    private final Map<String, OptionSpec.Option> declared;
    private final Map<String, List<String>> values;
    private final List<String> positionals;

    ParsedArgs(Map<String, OptionSpec.Option> declared, Map<String, List<String>> values, List<String> positionals) {
        this.declared = declared;
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

    /** A typed option's value, checked against its declaration, or its declared default when not given. */
    int integer(String option) {
        long n = longInteger(option);
        if (n > Integer.MAX_VALUE)
            throw new UsageException(option + " must be at most " + Integer.MAX_VALUE + ", got " + n);
        return (int) n;
    }

    long longInteger(String option) {
        OptionSpec.Option o = typed(option);
        String v = string(option, null);
        if (v == null) return (Long) defaultOf(o);
        try {
            long n = Long.parseLong(v.trim());
            if (n >= o.min()) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        String needs = o.min() == 1
                ? "a positive whole number"
                : o.min() == Long.MIN_VALUE ? "a whole number" : "a whole number >= " + o.min();
        throw new UsageException(option + " needs " + needs + ", got '" + v + "'");
    }

    double number(String option) {
        OptionSpec.Option o = typed(option);
        String v = string(option, null);
        if (v == null) return (Double) defaultOf(o);
        try {
            double d = Double.parseDouble(v.trim());
            if (Double.isFinite(d)) return d;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(option + " needs a number, got '" + v + "'");
    }

    <E extends Enum<E>> E choice(String option, Class<E> type) {
        OptionSpec.Option o = typed(option);
        if (o.choices() != type)
            throw new IllegalStateException(option + " is not a choice of " + type.getSimpleName());
        String v = string(option, null);
        if (v == null) return type.cast(o.typedDefault());
        try {
            return Spelling.parse(type, v, option);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private OptionSpec.Option typed(String option) {
        OptionSpec.Option o = declared.get(option);
        if (o == null) throw new IllegalStateException(option + " is not declared");
        return o;
    }

    private static Object defaultOf(OptionSpec.Option o) {
        if (o.typedDefault() == null)
            throw new IllegalStateException(o.name() + " has no default: ask has(" + o.name() + ") first");
        return o.typedDefault();
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
}
