package io.github.altclip4j.cli;

import io.github.altclip4j.Version;
import io.github.altclip4j.model.NotEnoughMemoryException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code altclip} command line: {@code altclip <command> [options]}. Each command is a {@link Command} whose
 * options are declared in an {@link OptionSpec}; {@code altclip --help} lists the commands and
 * {@code altclip <command> --help} describes one. Exit codes: 0 success, 1 failure (the message names the file or
 * input and the reason), 2 bad arguments. No stack trace reaches the user.
 */
public final class Main {
    private Main() {}

    static Map<String, Command> commands() {
        Map<String, Command> m = new LinkedHashMap<>();
        m.put("classify", new ClassifyCommand());
        m.put("embed", new EmbedCommand());
        m.put("index", new IndexCommand());
        m.put("search", new SearchCommand());
        m.put("dedup", new DedupCommand());
        m.put("eval", new EvalCommand());
        m.put("serve", new ServeCommand());
        m.put("tokenize", new TokenizeCommand());
        m.put("inspect", new InspectCommand());
        m.put("convert", new ConvertCommand());
        m.put("random-model", new RandomModelCommand());
        m.put("bench", new BenchCommand());
        m.put("info", new InfoCommand());
        return m;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.exit(run(args, new Console(out, err, System.in, System.console() != null)));
    }

    /** Runs one command line with stdin as the input; returns the exit code (what {@code main} exits with). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, new Console(out, err, System.in, false));
    }

    static int run(String[] args, Console c) {
        Map<String, Command> commands = commands();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            usage(commands, args.length == 0 ? c.err() : c.out());
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version")) {
            c.out().println("altclip4j " + Version.get() + " (Java " + System.getProperty("java.version") + ")");
            return 0;
        }
        String name = args[0];
        Command command = commands.get(name);
        if (command == null) {
            c.err().println("altclip: unknown command '" + name + "'");
            usage(commands, c.err());
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        OptionSpec spec = command.options().flag("--help", "print this help");
        String usage = "usage: altclip " + name + " " + spec.usage();
        try {
            ParsedArgs parsed = spec.parse(rest);
            if (parsed.has("--help")) {
                c.out().println(usage);
                c.out().println(command.description());
                c.out().println("options:");
                c.out().print(spec.help());
                return 0;
            }
            return command.run(parsed, c);
        } catch (UsageException e) {
            c.err().println("altclip " + name + ": " + e.getMessage());
            c.err().println(usage + "   (altclip " + name + " --help for details)");
            return 2;
        } catch (NotEnoughMemoryException e) {
            c.err().println("altclip " + name + ": " + e.advice("ALTCLIP4J_JAVA_OPTS=-Xmx%dg", "--weights int8"));
            return 1;
        } catch (IOException e) {
            c.err().println("altclip " + name + ": " + InputFiles.describe(e));
            return 1;
        } catch (OutOfMemoryError e) {
            c.err().println("altclip " + name + ": out of memory: " + heapAdvice());
            return 1;
        } catch (RuntimeException e) {
            String m = e.getMessage();
            c.err()
                    .println("altclip " + name + ": "
                            + (m == null || m.isBlank()
                                    ? "internal error (" + e.getClass().getSimpleName() + ")"
                                    : m));
            return 1;
        }
    }

    /** What to do when the heap is too small: the current limit and how to raise it. */
    static String heapAdvice() {
        long max = Runtime.getRuntime().maxMemory();
        long suggest = Math.max(4, 2 * ((max + (1L << 30) - 1) >> 30));
        return String.format(
                Locale.ROOT,
                "the Java heap is limited to %.1f GB; give the JVM more, e.g. ALTCLIP4J_JAVA_OPTS=-Xmx%dg "
                        + "(or java -Xmx%dg -jar ...), or hold the weights in fewer bytes with --weights int8",
                max / (double) (1L << 30),
                suggest,
                suggest);
    }

    private static void usage(Map<String, Command> commands, PrintStream s) {
        s.println("usage: altclip <command> [options]   (altclip <command> --help for details; altclip --version)");
        s.println("commands:");
        commands.forEach((name, c) -> s.printf("  %-13s %s%n", name, c.summary()));
    }
}
