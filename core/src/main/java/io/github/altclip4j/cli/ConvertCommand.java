package io.github.altclip4j.cli;

import io.github.altclip4j.weights.Checkpoint;
import io.github.altclip4j.weights.Conversion;
import io.github.altclip4j.weights.StoredType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/** {@code altclip convert IN OUT.safetensors [--dtype f32|f16|bf16]}. */
final class ConvertCommand implements Command {

    @Override public String summary() { return "convert a checkpoint to safetensors (F32, F16 or BF16)"; }

    @Override public String usage() { return "IN OUT.safetensors [--dtype f32|f16|bf16]"; }

    @Override
    public String description() {
        return "Reads IN (safetensors or pytorch_model.bin) and writes OUT as safetensors. Floating-point tensors are\n"
                + "stored as --dtype (default: f32), rounded to nearest even; integer tensors are stored as I64.";
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
        switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32": type = StoredType.F32; break;
            case "f16": type = StoredType.F16; break;
            case "bf16": type = StoredType.BF16; break;
            default: throw new UsageException("--dtype must be f32, f16 or bf16, got '" + dtype + "'");
        }
        try (Checkpoint c = Checkpoint.open(Paths.get(in))) {
            Path target = Paths.get(to);
            Conversion.toSafetensors(c, target, type);
            err.println("wrote " + c.tensors().size() + " tensors to " + target);
        }
        return 0;
    }
}
