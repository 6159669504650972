package io.github.altclip4j.cli;

import io.github.altclip4j.tools.RandomModel;
import io.github.altclip4j.weights.StoredType;
import java.io.IOException;
import java.nio.file.Path;

/** {@code altclip random-model --like altclip --tokenizer-from DIR --out DIR [--dtype f32|bf16] [--seed N]}. */
final class RandomModelCommand implements Command {

    @Override
    public String summary() {
        return "write a full-size AltCLIP folder with seeded random weights (for benchmarks)";
    }

    @Override
    public String description() {
        return "Writes config.json (BAAI/AltCLIP's shapes: ViT-L/14 at 224 px, XLM-R large, projection 768; or with --like m18\n"
                + "BAAI/AltCLIP-m18's: ViT-H/14, projection 1024),\n"
                + "preprocessor_config.json, model.safetensors with seeded random weights, and the tokenizer files copied\n"
                + "from --tokenizer-from. The result loads like the real download, for measuring speed without it.";
    }

    @Override
    public OptionSpec options() {
        return new OptionSpec()
                .value(
                        "--like",
                        "MODEL",
                        "whose shapes: altclip (BAAI/AltCLIP, ViT-L/14) or m18 (BAAI/AltCLIP-m18, ViT-H/14)",
                        "altclip")
                .value("--tokenizer-from", "DIR", "a folder with sentencepiece.bpe.model to copy; required", null)
                .value("--out", "DIR", "the folder to write; required", null)
                .value("--dtype", "TYPE", "f32 or bf16", "f32")
                .value("--seed", "N", "the random seed", "0");
    }

    @Override
    public int run(ParsedArgs a, Console c) throws IOException {
        String like = a.string("--like", "altclip"), dtype = a.choice("--dtype", "f32", "f32", "bf16");
        Path tokenizer = a.path("--tokenizer-from"), target = a.path("--out");
        long seed;
        try {
            seed = Long.parseLong(a.string("--seed", "0").trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--seed needs a whole number, got '" + a.string("--seed", "") + "'");
        }
        RandomModel.Shapes shapes =
                like.equals("altclip") ? RandomModel.ALTCLIP : like.equals("m18") ? RandomModel.M18 : null;
        if (shapes == null)
            throw new UsageException("--like must be altclip (BAAI/AltCLIP's shapes) or m18 (BAAI/AltCLIP-m18's)");
        if (tokenizer == null || target == null) throw new UsageException("--tokenizer-from and --out are required");
        StoredType type = dtype.equals("bf16") ? StoredType.BF16 : StoredType.F32;
        long t0 = System.nanoTime();
        RandomModel.write(shapes, tokenizer, target, type, seed, c.err());
        c.err().printf("altclip: wrote %s in %.1f s%n", target, (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
