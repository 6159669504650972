package io.github.altclip4j.cli;

import java.io.IOException;

/** One subcommand of {@code altclip}: its options are declared, {@link Main} parses them and prints the help. */
interface Command {
    /** One line for the command list. */
    String summary();

    /** What {@code --help} prints between the usage line and the option table. */
    String description();

    /** The options and positional arguments. */
    OptionSpec options();

    /** Runs the command; returns the process exit code. Bad arguments throw {@link UsageException}. */
    int run(ParsedArgs args, Console console) throws IOException;
}
