package io.github.altclip4j.cli;

import io.github.altclip4j.model.AltClipModel;
import io.github.altclip4j.weights.Checkpoint;
import io.github.altclip4j.weights.Conversion;
import io.github.altclip4j.weights.StoredType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** {@code altclip convert IN OUT.safetensors [--dtype f32|f16|bf16|int8]}. */
final class ConvertCommand implements Command {

    @Override public String summary() { return "convert a checkpoint to safetensors (F32, F16, BF16 or int8)"; }

    @Override public String usage() { return "IN OUT.safetensors [--dtype f32|f16|bf16|int8]"; }

    @Override
    public String description() {
        return "Reads IN (a model folder, or a safetensors or pytorch_model.bin file) and writes OUT as safetensors.\n"
                + "Floating-point tensors are stored as --dtype (default: f32), rounded to nearest even; integer tensors\n"
                + "are stored as I64. int8 stores the GEMM weights and the word embeddings as I8 rows with an F32 scale\n"
                + "per row (NAME and NAME_scale, docs/formats.md) and everything else as F32; it needs the model's\n"
                + "config.json (IN a model folder, or a file in one).";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        String in = null, to = null, dtype = "f32";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--dtype") && i + 1 < args.length) dtype = args[++i];
            else if (args[i].startsWith("--")) throw new UsageException("unknown option '" + args[i] + "'");
            else if (in == null) in = args[i];
            else if (to == null) to = args[i];
            else throw new UsageException("unexpected argument '" + args[i] + "'");
        }
        if (in == null || to == null) throw new UsageException("expected IN and OUT");
        StoredType type;
        boolean int8 = false;
        switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32": type = StoredType.F32; break;
            case "f16": type = StoredType.F16; break;
            case "bf16": type = StoredType.BF16; break;
            case "int8": type = StoredType.F32; int8 = true; break;
            default: throw new UsageException("--dtype must be f32, f16, bf16 or int8, got '" + dtype + "'");
        }
        Path source = Paths.get(in);
        Path file = Files.isDirectory(source) ? Checkpoint.findIn(source) : source;
        Set<String> quantized = int8 ? new HashSet<>(AltClipModel.int8Tensors(file.toAbsolutePath().getParent())) : Set.of();
        try (Checkpoint c = Checkpoint.open(file)) {
            Path target = Paths.get(to);
            Conversion.toSafetensors(c, target, type, quantized);
            err.println("wrote " + c.tensors().size() + " tensors to " + target + (int8 ? " (" + quantized.size() + " as int8)" : ""));
        }
        return 0;
    }
}
