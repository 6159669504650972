package io.github.altclip4j.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code altclip} command line: {@code altclip <command> [options]}. Each command is a {@link Command};
 * {@code altclip --help} lists them and {@code altclip <command> --help} describes one.
 */
public final class Main {
    private Main() {}

    static Map<String, Command> commands() {
        Map<String, Command> m = new LinkedHashMap<>();
        m.put("bench", new BenchCommand());
        m.put("classify", new ClassifyCommand());
        m.put("embed", new EmbedCommand());
        m.put("info", new InfoCommand());
        m.put("inspect", new InspectCommand());
        m.put("convert", new ConvertCommand());
        m.put("tokenize", new TokenizeCommand());
        m.put("random-model", new RandomModelCommand());
        return m;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, java.nio.charset.StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, java.nio.charset.StandardCharsets.UTF_8);
        System.exit(run(args, out, err));
    }

    /** Runs one command line; returns the exit code (what {@code main} exits with). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, Command> commands = commands();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            usage(commands, args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        Command c = commands.get(args[0]);
        if (c == null) {
            err.println("altclip: unknown command '" + args[0] + "'");
            usage(commands, err);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.asList(rest).contains("--help")) {
            out.println("usage: altclip " + args[0] + " " + c.usage());
            out.println(c.description());
            return 0;
        }
        try {
            return c.run(rest, out, err);
        } catch (UsageException e) {
            err.println("altclip " + args[0] + ": " + e.getMessage());
            err.println("usage: altclip " + args[0] + " " + c.usage());
            return 2;
        } catch (java.io.IOException | RuntimeException e) {
            err.println("altclip " + args[0] + ": " + e.getMessage());
            return 1;
        }
    }

    private static void usage(Map<String, Command> commands, PrintStream s) {
        s.println("usage: altclip <command> [options]   (altclip <command> --help for details)");
        s.println("commands:");
        commands.forEach((name, c) -> s.printf("  %-10s %s%n", name, c.summary()));
    }
}
