package io.github.altclip4j.tokenizer;

import java.io.IOException;

/** A tokenizer model or config that is malformed, truncated or inconsistent; the message names the file and field. */
public class TokenizerException extends IOException {
    private static final long serialVersionUID = 1L;

    public TokenizerException(String message) {
        super(message);
    }
}
