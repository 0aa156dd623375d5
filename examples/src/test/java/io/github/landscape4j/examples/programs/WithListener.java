package io.github.landscape4j.examples.programs;

import io.github.landscape4j.listener.LandscapeListener;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A {@link Program} with the listener added by hand, as the README's listener line shows: default options, one
 * listener writing to {@code STORE}, added to each model once its own listeners are set, closed after training.
 * {@code WithListener STORE PROGRAM ARGS...} ({@code PROGRAM} a {@link Program} constant).
 */
public final class WithListener {

    private WithListener() {
    }

    public static void main(String[] args) throws Exception {
        Program program = Program.valueOf(args[1]);
        try (LandscapeListener listener = LandscapeListener.builder().store(Path.of(args[0])).build()) {
            program.train(Arrays.copyOfRange(args, 2, args.length), System.out, model -> model.addListeners(listener));
        }
    }
}
