package io.github.altclip4j.cli;

import io.github.altclip4j.formats.JsonLines;
import io.github.altclip4j.formats.JsonWriter;
import io.github.altclip4j.model.ModelFolder;
import io.github.altclip4j.tokenizer.XlmRobertaTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** {@code altclip tokenize --model DIR [--max-length N] [--jsonl FILE | TEXT...]}. */
final class TokenizeCommand implements Command {

    @Override
    public String summary() {
        return "tokenize texts as AltCLIP's XLM-R tokenizer does (JSON lines)";
    }

    @Override
    public String description() {
        return "Prints one JSON object per text, in input order: {\"text\", \"pieces\", \"input_ids\", \"attention_mask\"}.\n"
                + "DIR holds sentencepiece.bpe.model (and tokenizer_config.json / config.json, which give the default\n"
                + "--max-length). With --jsonl, texts come from FILE (- for stdin), one JSON object with a \"text\" field per line.";
    }

    @Override
    public OptionSpec options() {
        return new OptionSpec()
                .value("--model", "DIR", "the model (or tokenizer) folder; required", null)
                .integer(
                        "--max-length",
                        "N",
                        "truncate to N tokens, <s> and </s> included",
                        2,
                        "the model's text positions")
                .value(
                        "--jsonl",
                        "FILE",
                        "read the texts from FILE, one {\"text\": ...} per line (- reads stdin)",
                        null)
                .positionals("TEXT", "texts to tokenize", 0, Integer.MAX_VALUE);
    }

    @Override
    public int run(ParsedArgs a, Console c) throws IOException {
        Path model = a.path("--model");
        if (model == null) throw new UsageException("--model DIR is required");
        if (!Files.isDirectory(model)) throw new NoSuchFileException(model.toString(), null, "no such model folder");
        List<String> texts = a.positionals();
        if (a.has("--jsonl") && !texts.isEmpty()) throw new UsageException("give texts or --jsonl, not both");
        if (a.has("--jsonl")) texts = readJsonl(a.string("--jsonl", null), c);
        int maxLength = a.has("--max-length") ? a.integer("--max-length") : ModelFolder.maxTextTokens(model);
        XlmRobertaTokenizer tokenizer = XlmRobertaTokenizer.load(model, maxLength);
        for (String text : texts) {
            XlmRobertaTokenizer.Tokens t = tokenizer.tokenize(text);
            int[] mask = new int[t.ids().length];
            Arrays.fill(mask, 1);
            c.out().println(new JsonWriter().any(new Tokenized(text, t.pieces(), t.ids(), mask)));
        }
        return 0;
    }

    private static List<String> readJsonl(String fileOrDash, Console c) throws IOException {
        List<String> texts = new ArrayList<>();
        String file = fileOrDash.equals("-") ? "stdin" : fileOrDash;
        try (BufferedReader r = fileOrDash.equals("-")
                ? new BufferedReader(new InputStreamReader(c.in(), StandardCharsets.UTF_8))
                : Files.newBufferedReader(
                        InputFiles.requireFile(ParsedArgs.toPath("--jsonl", fileOrDash), "texts file"),
                        StandardCharsets.UTF_8)) {
            int n = 0;
            for (Map<?, ?> o : JsonLines.read(r, file)) {
                n++;
                if (!(o.get("text") instanceof String))
                    throw new IOException(file + ": object " + n + ": expected a string \"text\" field");
                texts.add((String) o.get("text"));
            }
        }
        return texts;
    }

    /** One line of the output. */
    record Tokenized(String text, List<String> pieces, int[] inputIds, int[] attentionMask) {}
}
