package io.github.altclip4j.cli;

import io.github.altclip4j.model.AltClipModel;
import io.github.altclip4j.weights.Checkpoint;
import io.github.altclip4j.weights.Conversion;
import io.github.altclip4j.weights.StoredType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** {@code altclip convert IN OUT.safetensors [--dtype f32|f16|bf16|int8]}. */
final class ConvertCommand implements Command {

    @Override
    public String summary() {
        return "convert a checkpoint to safetensors (F32, F16, BF16 or int8)";
    }

    @Override
    public String description() {
        return "Reads IN (a model folder, or a safetensors or pytorch_model.bin file) and writes OUT as safetensors.\n"
                + "Floating-point tensors are stored as --dtype, rounded to nearest even; integer tensors are stored as\n"
                + "I64. int8 stores the GEMM weights and the word embeddings as I8 rows with an F32 scale per row\n"
                + "(NAME and NAME_scale, docs/formats.md) and everything else as F32; it needs the model's config.json\n"
                + "(IN a model folder, or a file in one).";
    }

    @Override
    public OptionSpec options() {
        return new OptionSpec()
                .choice("--dtype", "TYPE", "how floating-point tensors are stored", Dtype.class, Dtype.F32)
                .positionals("IN OUT.safetensors", "the checkpoint (or model folder) to read, the file to write", 2, 2);
    }

    @Override
    public int run(ParsedArgs a, Console c) throws IOException {
        String in = a.positionals().get(0), to = a.positionals().get(1);
        Dtype dtype = a.choice("--dtype", Dtype.class);
        if (!to.toLowerCase(Locale.ROOT).endsWith(".safetensors"))
            throw new UsageException("OUT must be a .safetensors file, got '" + to + "'");
        StoredType type = dtype.stored;
        boolean int8 = dtype == Dtype.INT8;
        Path source = ParsedArgs.toPath("IN", in), target = InputFiles.requireWritable(ParsedArgs.toPath("OUT", to));
        Path file = Files.isDirectory(source)
                ? Checkpoint.findIn(source)
                : InputFiles.requireFile(source, "checkpoint file");
        if (file.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize()))
            throw new UsageException("OUT is the file being read");
        Set<String> quantized = int8
                ? new HashSet<>(AltClipModel.int8Tensors(file.toAbsolutePath().getParent()))
                : Set.of();
        try (Checkpoint ck = Checkpoint.open(file)) {
            Conversion.toSafetensors(ck, target, type, quantized);
            c.err().println("altclip: wrote " + target + (int8 ? " (" + quantized.size() + " tensors as int8)" : ""));
        }
        return 0;
    }

    /** What --dtype may be: a stored type for every tensor, or int8 GEMM weights with everything else F32. */
    enum Dtype {
        F32(StoredType.F32),
        F16(StoredType.F16),
        BF16(StoredType.BF16),
        INT8(StoredType.F32);

        final StoredType stored;

        Dtype(StoredType stored) {
            this.stored = stored;
        }
    }
}
