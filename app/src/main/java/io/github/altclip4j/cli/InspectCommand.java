package io.github.altclip4j.cli;

import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.weights.Checkpoint;
import io.github.altclip4j.weights.TensorEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** {@code altclip inspect FILE|DIR}: every tensor's name, type, shape and size, and the totals. */
final class InspectCommand implements Command {

    @Override
    public String summary() {
        return "list the tensors of a checkpoint (safetensors or pytorch_model.bin)";
    }

    @Override
    public String description() {
        return "Prints one line per tensor (name, dtype, shape, bytes), then the tensor count, parameter count and bytes.\n"
                + "A folder means its model.safetensors, else its pytorch_model.bin.";
    }

    @Override
    public OptionSpec options() {
        return new OptionSpec()
                .flag(
                        "--json",
                        "print JSON: {\"file\", \"tensors\": [{\"name\", \"dtype\", \"shape\", \"bytes\"}], \"parameters\", \"bytes\"}")
                .positionals("FILE|MODEL_DIR", "the checkpoint, or a model folder", 1, 1);
    }

    @Override
    public int run(ParsedArgs a, Console c) throws IOException {
        Path p = ParsedArgs.toPath("checkpoint", a.positionals().get(0));
        Path file = Files.isDirectory(p) ? Checkpoint.findIn(p) : InputFiles.requireFile(p, "checkpoint file");
        try (Checkpoint ck = Checkpoint.open(file)) {
            long params = 0, bytes = 0;
            List<Tensor> tensors = new ArrayList<>();
            for (TensorEntry e : ck.tensors().values()) {
                tensors.add(new Tensor(e.name(), e.type().name(), e.shape(), e.byteLength()));
                params += e.elementCount();
                bytes += e.byteLength();
            }
            if (a.has("--json")) {
                c.out().println(new JsonWriter().any(new Listing(file, tensors, params, bytes)));
                return 0;
            }
            for (Tensor t : tensors)
                c.out()
                        .printf(
                                Locale.ROOT,
                                "%-72s %-5s %-20s %,d%n",
                                t.name(),
                                t.dtype(),
                                Arrays.toString(t.shape()),
                                t.bytes());
            c.out()
                    .printf(
                            Locale.ROOT,
                            "%d tensors, %,d parameters, %,d bytes (%s)%n",
                            tensors.size(),
                            params,
                            bytes,
                            file);
        }
        return 0;
    }

    /** One tensor of the checkpoint, as stored. */
    record Tensor(String name, String dtype, long[] shape, long bytes) {}

    /** What {@code --json} prints. */
    record Listing(Path file, List<Tensor> tensors, long parameters, long bytes) {}
}
