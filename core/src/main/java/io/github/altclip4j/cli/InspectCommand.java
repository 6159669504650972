package io.github.altclip4j.cli;

import io.github.altclip4j.weights.Checkpoint;
import io.github.altclip4j.weights.TensorEntry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;

/** {@code altclip inspect FILE|DIR}: every tensor's name, type, shape and size, and the totals. */
final class InspectCommand implements Command {

    @Override public String summary() { return "list the tensors of a checkpoint (safetensors or pytorch_model.bin)"; }

    @Override public String usage() { return "FILE | MODEL_DIR"; }

    @Override
    public String description() {
        return "Prints one line per tensor (name, dtype, shape, bytes), then the tensor count, parameter count and bytes.\n"
                + "A folder means its model.safetensors, else its pytorch_model.bin.";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        if (args.length != 1) throw new UsageException("expected one file or folder");
        Path p = Paths.get(args[0]);
        Path file = Files.isDirectory(p) ? Checkpoint.findIn(p) : p;
        try (Checkpoint c = Checkpoint.open(file)) {
            long params = 0, bytes = 0;
            for (TensorEntry e : c.tensors().values()) {
                out.printf(Locale.ROOT, "%-72s %-5s %-20s %,d%n", e.name(), e.type(), Arrays.toString(e.shape()), e.byteLength());
                params += e.elementCount();
                bytes += e.byteLength();
            }
            out.printf(Locale.ROOT, "%d tensors, %,d parameters, %,d bytes (%s)%n", c.tensors().size(), params, bytes, file);
        }
        return 0;
    }
}
