package io.github.altclip4j.cli;

import io.github.altclip4j.model.RandomModel;
import io.github.altclip4j.weights.StoredType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;

/** {@code altclip random-model --like altclip --tokenizer-from DIR --out DIR [--dtype f32|bf16] [--seed N]}. */
final class RandomModelCommand implements Command {

    @Override public String summary() { return "write a full-size AltCLIP folder with seeded random weights (for benchmarks)"; }

    @Override public String usage() { return "--like altclip --tokenizer-from DIR --out DIR [--dtype f32|bf16] [--seed N]"; }

    @Override
    public String description() {
        return "Writes config.json (BAAI/AltCLIP's shapes: ViT-L/14 at 224 px, XLM-R large, projection 768),\n"
                + "preprocessor_config.json, model.safetensors with seeded random weights, and the tokenizer files copied\n"
                + "from --tokenizer-from. The result loads like the real download, for measuring speed without it.";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        String like = null, dtype = "f32";
        Path tokenizer = null, target = null;
        long seed = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--like": like = ModelArgs.value(args, ++i, "--like"); break;
                case "--tokenizer-from": tokenizer = Paths.get(ModelArgs.value(args, ++i, "--tokenizer-from")); break;
                case "--out": target = Paths.get(ModelArgs.value(args, ++i, "--out")); break;
                case "--dtype": dtype = ModelArgs.value(args, ++i, "--dtype"); break;
                case "--seed":
                    try {
                        seed = Long.parseLong(ModelArgs.value(args, ++i, "--seed"));
                    } catch (NumberFormatException e) {
                        throw new UsageException("--seed needs a whole number");
                    }
                    break;
                default: throw new UsageException("unknown argument '" + args[i] + "'");
            }
        }
        if (!"altclip".equals(like)) throw new UsageException("--like must be 'altclip' (BAAI/AltCLIP's shapes)");
        if (tokenizer == null || target == null) throw new UsageException("--tokenizer-from and --out are required");
        StoredType type;
        switch (dtype) {
            case "f32": type = StoredType.F32; break;
            case "bf16": type = StoredType.BF16; break;
            default: throw new UsageException("--dtype must be f32 or bf16");
        }
        long t0 = System.nanoTime();
        RandomModel.write(RandomModel.ALTCLIP, tokenizer, target, type, seed, err);
        err.printf("altclip: wrote %s in %.1f s%n", target, (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
