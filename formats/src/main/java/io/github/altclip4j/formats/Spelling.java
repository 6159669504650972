package io.github.altclip4j.formats;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How an enum constant is spelt wherever a user reads or writes it (command-line options, JSON, index headers): lower
 * case, words joined by '-' ({@code AS_STORED} is {@code as-stored}). The one rule, in both directions.
 */
public final class Spelling {
    private Spelling() {}

    public static String of(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The constant of {@code type} spelt {@code s} (any case); otherwise an {@link IllegalArgumentException} that says
     * what {@code what} may be, e.g. "weight format must be as-stored, f32, bf16, f16 or int8, got 'x'".
     */
    public static <E extends Enum<E>> E parse(Class<E> type, String s, String what) {
        for (E e : type.getEnumConstants()) if (of(e).equalsIgnoreCase(s.strip())) return e;
        throw new IllegalArgumentException(what + " must be " + choices(type) + ", got '" + s + "'");
    }

    /** "a, b or c": the spellings of every constant. */
    public static String choices(Class<? extends Enum<?>> type) {
        String[] all = Arrays.stream(type.getEnumConstants()).map(Spelling::of).toArray(String[]::new);
        if (all.length == 1) return all[0];
        return Arrays.stream(all, 0, all.length - 1).collect(Collectors.joining(", ")) + " or " + all[all.length - 1];
    }
}
