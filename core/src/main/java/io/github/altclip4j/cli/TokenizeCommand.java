package io.github.altclip4j.cli;

import io.github.altclip4j.tokenizer.XlmRobertaTokenizer;
import io.github.altclip4j.weights.AltClipConfig;
import io.github.altclip4j.weights.Json;
import io.github.altclip4j.weights.TokenizerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code altclip tokenize --model DIR [--max-length N] [--jsonl FILE | TEXT...]}. */
final class TokenizeCommand implements Command {

    @Override public String summary() { return "tokenize texts as AltCLIP's XLM-R tokenizer does"; }

    @Override public String usage() { return "--model DIR [--max-length N] [--jsonl FILE | TEXT...]"; }

    @Override
    public String description() {
        return "Prints one JSON object per text, in input order: {\"pieces\", \"input_ids\", \"attention_mask\"}.\n"
                + "DIR holds sentencepiece.bpe.model (and tokenizer_config.json / config.json, which give the default\n"
                + "--max-length). With --jsonl, texts come from FILE, one JSON object with a \"text\" field per line.";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        Path model = null, jsonl = null;
        Integer maxLength = null;
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model": model = Paths.get(value(args, ++i, "--model")); break;
                case "--max-length": maxLength = Args.positiveInt("--max-length", value(args, ++i, "--max-length")); break;
                case "--jsonl": jsonl = Paths.get(value(args, ++i, "--jsonl")); break;
                default:
                    if (args[i].startsWith("--")) throw new UsageException("unknown option '" + args[i] + "'");
                    texts.add(args[i]);
            }
        }
        if (model == null) throw new UsageException("--model DIR is required");
        if (jsonl != null && !texts.isEmpty()) throw new UsageException("give texts or --jsonl, not both");
        if (jsonl != null) texts = readJsonl(jsonl);
        XlmRobertaTokenizer tokenizer = XlmRobertaTokenizer.load(model, maxLength != null ? maxLength : defaultMaxLength(model));
        for (String text : texts) {
            XlmRobertaTokenizer.Tokens t = tokenizer.tokenize(text);
            StringBuilder b = new StringBuilder("{\"pieces\": [");
            for (int i = 0; i < t.pieces().size(); i++) b.append(i > 0 ? ", " : "").append(Json.quote(t.pieces().get(i)));
            b.append("], \"input_ids\": [");
            for (int i = 0; i < t.ids().length; i++) b.append(i > 0 ? ", " : "").append(t.ids()[i]);
            b.append("], \"attention_mask\": [");
            for (int i = 0; i < t.ids().length; i++) b.append(i > 0 ? ", 1" : "1");
            out.println(b.append("]}"));
        }
        return 0;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new UsageException(option + " needs a value");
        return args[i];
    }

    /** {@code model_max_length} of tokenizer_config.json, else max_position_embeddings - 2 of config.json, else none. */
    static int defaultMaxLength(Path model) throws IOException {
        int fromTokenizer = TokenizerConfig.read(model).modelMaxLength();
        if (fromTokenizer > 0) return Math.max(2, fromTokenizer);
        Path config = model.resolve("config.json");
        if (Files.exists(config)) return Math.max(2, AltClipConfig.read(config).text().maxPositionEmbeddings() - 2);
        return -1;
    }

    private static List<String> readJsonl(Path file) throws IOException {
        List<String> texts = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                Object o;
                try {
                    o = Json.parse(line);
                } catch (Json.JsonException e) {
                    throw new IOException(file + ": line " + n + ": " + e.getMessage());
                }
                if (!(o instanceof Map) || !(((Map<?, ?>) o).get("text") instanceof String)) {
                    throw new IOException(file + ": line " + n + ": expected a JSON object with a string \"text\" field");
                }
                texts.add((String) ((Map<?, ?>) o).get("text"));
            }
        }
        return texts;
    }
}
