package io.github.altclip4j.cli;

import io.github.altclip4j.AltClip;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code altclip classify --model DIR IMAGE LABEL...}. */
final class ClassifyCommand implements Command {

    @Override public String summary() { return "zero-shot classify an image against labels (any language)"; }

    @Override public String usage() { return "--model DIR IMAGE LABEL... [--threads N] [--weights as-stored|f32|bf16|f16|int8]"; }

    @Override
    public String description() {
        return "Prints each label with its probability (softmax over the scaled image-text similarities), best first.";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        ModelArgs m = new ModelArgs();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            int used = m.accept(args, i);
            if (used >= 0) i = used;
            else if (args[i].startsWith("--")) throw new UsageException("unknown option '" + args[i] + "'");
            else rest.add(args[i]);
        }
        if (rest.size() < 2) throw new UsageException("expected an image and at least one label");
        Path image = Paths.get(rest.get(0));
        try (AltClip clip = m.load(err)) {
            for (AltClip.Label l : clip.classify(image, rest.subList(1, rest.size()))) {
                out.printf(Locale.ROOT, "%.4f  %s%n", l.probability(), l.text());
            }
        }
        return 0;
    }
}
