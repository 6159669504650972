package io.github.altclip4j.cli;

import java.io.PrintStream;

/** One subcommand of {@code altclip}. */
interface Command {
    /** One line for the command list. */
    String summary();

    /** The arguments, e.g. {@code "[--threads N]"}. */
    String usage();

    /** What {@code --help} prints under the usage line. */
    default String description() {
        return summary();
    }

    /** Runs the command; returns the process exit code. Bad arguments throw {@link UsageException}. */
    int run(String[] args, PrintStream out, PrintStream err) throws java.io.IOException;
}
