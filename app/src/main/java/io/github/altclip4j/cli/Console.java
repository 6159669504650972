package io.github.altclip4j.cli;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * Where a command reads and writes: results to {@code out}, messages and progress to {@code err}, lists given as
 * {@code -} from {@code in}. {@code errIsTerminal} decides whether progress updates one line in place or prints
 * plain lines (a log file, a CI job).
 */
record Console(PrintStream out, PrintStream err, InputStream in, boolean errIsTerminal) {}
