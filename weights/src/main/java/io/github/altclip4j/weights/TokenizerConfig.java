package io.github.altclip4j.weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code tokenizer_config.json}: the tokenizer class and the longest input ({@code model_max_length}). transformers'
 * "no limit" sentinel (a huge {@code model_max_length}) reads as absent.
 */
public record TokenizerConfig(String tokenizerClass, int modelMaxLength /* -1: none set */) {

    /** transformers writes {@code int(1e30)} for "no maximum"; any value above this counts as none. */
    static final long NO_LIMIT_ABOVE = 1L << 31;

    /** Reads {@code tokenizer_config.json} in {@code folder}; an absent file gives the defaults. */
    public static TokenizerConfig read(Path folder) throws IOException {
        Path file = folder.resolve("tokenizer_config.json");
        if (!Files.exists(file)) return new TokenizerConfig("XLMRobertaTokenizer", -1);
        JsonFields f = JsonFields.read(file);
        int max = -1;
        Object m = f.raw("model_max_length");
        if (m instanceof Long && (Long) m > 0 && (Long) m < NO_LIMIT_ABOVE) max = (int) (long) (Long) m;
        else if (m != null && !(m instanceof Number)) throw f.bad("model_max_length", "a number");
        return new TokenizerConfig(f.getString("tokenizer_class", "XLMRobertaTokenizer"), max);
    }
}
