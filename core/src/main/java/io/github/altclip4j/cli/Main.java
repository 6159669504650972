package io.github.altclip4j.cli;

public final class Main {
    public static void main(String[] args) {
        System.out.println("altclip4j");
    }
}
