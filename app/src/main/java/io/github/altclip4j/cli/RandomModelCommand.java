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
                .choice("--dtype", "TYPE", "how the weights are stored", Dtype.class, Dtype.F32)
                .integer("--seed", "N", "the random seed", 0, Long.MIN_VALUE);
    }

    @Override
    public int run(ParsedArgs a, Console c) throws IOException {
        String like = a.string("--like", "altclip");
        Path tokenizer = a.path("--tokenizer-from"), target = a.path("--out");
        long seed = a.longInteger("--seed");
        RandomModel.Shapes shapes =
                like.equals("altclip") ? RandomModel.ALTCLIP : like.equals("m18") ? RandomModel.M18 : null;
        if (shapes == null)
            throw new UsageException("--like must be altclip (BAAI/AltCLIP's shapes) or m18 (BAAI/AltCLIP-m18's)");
        if (tokenizer == null || target == null) throw new UsageException("--tokenizer-from and --out are required");
        StoredType type = a.choice("--dtype", Dtype.class).stored;
        long t0 = System.nanoTime();
        RandomModel.write(shapes, tokenizer, target, type, seed, c.err());
        c.err().printf("altclip: wrote %s in %.1f s%n", target, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** What --dtype may be. */
    enum Dtype {
        F32(StoredType.F32),
        BF16(StoredType.BF16);

        final StoredType stored;

        Dtype(StoredType stored) {
            this.stored = stored;
        }
    }
}
