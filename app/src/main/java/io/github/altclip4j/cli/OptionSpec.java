package io.github.altclip4j.cli;

import io.github.altclip4j.formats.Spelling;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The options and positional arguments of one command, declared once: the parser and {@code --help} both come from
 * here, so every command parses the same way. Options are {@code --name VALUE} or {@code --name=VALUE} (flags take
 * no value); an option given twice is an error unless declared repeatable; {@code --} ends the options (what follows
 * is positional even if it starts with {@code -}); a lone {@code -} is a positional (it means stdin where a command
 * reads a list).
 */
final class OptionSpec {
    /**
     * One declared option. {@code valueName} null means a flag. A typed option ({@link #integer}, {@link #number},
     * {@link #choice}) carries its default ({@code typedDefault}, null: none) and bounds; {@code shownDefault} is
     * what the help says the default is.
     */
    record Option(
            String name,
            String valueName,
            String help,
            String shownDefault,
            boolean repeatable,
            Object typedDefault,
            long min,
            Class<? extends Enum<?>> choices) {
        Option(String name, String valueName, String help, String shownDefault, boolean repeatable) {
            this(name, valueName, help, shownDefault, repeatable, null, Long.MIN_VALUE, null);
        }
    }

    /** The positional arguments' name for help, and how many there may be. */
    record Positionals(String name, String help, int min, int max) {}

    private final Map<String, Option> options = new LinkedHashMap<>();
    private Positionals positionals = new Positionals(null, null, 0, 0);

    /** An option with a value, given at most once; {@code defaultValue} (may be null) is shown in the help. */
    OptionSpec value(String name, String valueName, String help, String defaultValue) {
        return add(new Option(name, valueName, help, defaultValue, false));
    }

    /** A whole number of at least {@code min}, {@code defaultValue} when not given: the default's one owner. */
    OptionSpec integer(String name, String valueName, String help, long defaultValue, long min) {
        return integer(name, valueName, help, defaultValue, min, Long.toString(defaultValue));
    }

    /** The same, with the default described in words in the help ("one per processor"). */
    OptionSpec integer(String name, String valueName, String help, long defaultValue, long min, String shown) {
        return add(new Option(name, valueName, help, shown, false, defaultValue, min, null));
    }

    /** A whole number of at least {@code min} without a default (the command asks {@link ParsedArgs#has} first). */
    OptionSpec integer(String name, String valueName, String help, long min, String shown) {
        return add(new Option(name, valueName, help, shown, false, null, min, null));
    }

    /** A finite number, {@code defaultValue} when not given. */
    OptionSpec number(String name, String valueName, String help, double defaultValue) {
        return add(new Option(name, valueName, help, Double.toString(defaultValue), false, defaultValue, 0, null));
    }

    /** One constant of {@code type}, spelt as {@link Spelling} spells it; {@code defaultValue} when not given. */
    <E extends Enum<E>> OptionSpec choice(String name, String valueName, String help, Class<E> type, E defaultValue) {
        return add(new Option(
                name,
                valueName,
                help + ": " + Spelling.choices(type),
                Spelling.of(defaultValue),
                false,
                defaultValue,
                0,
                type));
    }

    /** An option with a value that may be given several times. */
    OptionSpec repeated(String name, String valueName, String help) {
        return add(new Option(name, valueName, help, null, true));
    }

    /** An option without a value. */
    OptionSpec flag(String name, String help) {
        return add(new Option(name, null, help, null, false));
    }

    /** Positional arguments: between {@code min} and {@code max} of them ({@code Integer.MAX_VALUE}: any number). */
    OptionSpec positionals(String name, String help, int min, int max) {
        positionals = new Positionals(name, help, min, max);
        return this;
    }

    private OptionSpec add(Option o) {
        boolean shortName = o.name().length() == 2
                && o.name().charAt(0) == '-'
                && Character.isLetter(o.name().charAt(1));
        if (!(o.name().startsWith("--") || shortName) || options.put(o.name(), o) != null)
            throw new IllegalArgumentException("option " + o.name());
        return this;
    }

    /** Parses {@code args}; wrong arguments are {@link UsageException}s that say what is wrong. */
    ParsedArgs parse(String[] args) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (optionsEnded || !a.startsWith("-") || a.equals("-")) {
                rest.add(a);
                continue;
            }
            if (a.equals("--")) {
                optionsEnded = true;
                continue;
            }
            int eq = a.indexOf('=');
            String name = eq > 0 ? a.substring(0, eq) : a;
            Option o = options.get(name);
            if (o == null) {
                throw new UsageException(
                        "unknown option '" + name + "'" + (name.startsWith("--") ? "" : " (options start with --)"));
            }
            String value;
            if (o.valueName() == null) {
                if (eq > 0) throw new UsageException(name + " takes no value");
                value = "";
            } else if (eq > 0) {
                value = a.substring(eq + 1);
            } else {
                if (i + 1 >= args.length) throw new UsageException(name + " needs a value (" + o.valueName() + ")");
                value = args[++i];
            }
            List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
            if (!list.isEmpty() && !o.repeatable()) throw new UsageException(name + " is given more than once");
            list.add(value);
        }
        boolean help = values.containsKey("--help"); // --help needs none of the arguments
        if (!help && (rest.size() < positionals.min() || rest.size() > positionals.max())) {
            throw new UsageException(
                    positionals.max() == 0
                            ? "unexpected argument '" + rest.get(0) + "'"
                            : rest.size() < positionals.min()
                                    ? "expected "
                                            + (positionals.min() == 1 ? "" : "at least " + positionals.min() + " ")
                                            + positionals.name()
                                    : "too many arguments: " + rest.subList(positionals.max(), rest.size()));
        }
        return new ParsedArgs(options, values, rest);
    }

    /** The usage line's argument part, e.g. {@code "--model DIR [--json] IMAGE..."}. */
    String usage() {
        StringBuilder b = new StringBuilder("[options]");
        if (positionals.max() > 0) {
            String p = positionals.name() + (positionals.max() > 1 ? "..." : "");
            b.append(' ').append(positionals.min() > 0 ? p : "[" + p + "]");
        }
        return b.toString();
    }

    /** The generated option table for {@code --help}. */
    String help() {
        StringBuilder b = new StringBuilder();
        if (positionals.max() > 0 && positionals.help() != null) {
            b.append(String.format(Locale.ROOT, "  %-28s %s%n", positionals.name(), positionals.help()));
        }
        for (Option o : options.values()) {
            String left = o.name() + (o.valueName() == null ? "" : " " + o.valueName());
            String right = o.help()
                    + (o.repeatable() ? " (may be repeated)" : "")
                    + (o.shownDefault() == null ? "" : " (default: " + o.shownDefault() + ")");
            b.append(String.format(Locale.ROOT, "  %-28s %s%n", left, right));
        }
        return b.toString();
    }
}
