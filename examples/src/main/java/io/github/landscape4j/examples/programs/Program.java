package io.github.landscape4j.examples.programs;

import org.deeplearning4j.nn.api.Model;

import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * The plain DL4J training programs of this package, for harnesses that run them: under {@code -javaagent} through
 * their {@code main}, or with a listener added by hand through {@link #train}.
 */
public enum Program {
    /** {@link MathFunctionsRegression}. */
    MATH_FUNCTIONS_REGRESSION(MathFunctionsRegression.class, MathFunctionsRegression::train),
    /** {@link XorMiniBatchFalse}. */
    XOR_MINI_BATCH_FALSE(XorMiniBatchFalse.class, XorMiniBatchFalse::train),
    /** {@link LstmMemorize}. */
    LSTM_MEMORIZE(LstmMemorize.class, LstmMemorize::train),
    /** {@link Seq2SeqAddition}. */
    SEQ2SEQ_ADDITION(Seq2SeqAddition.class, Seq2SeqAddition::train);

    /** A program's training: its command-line arguments, where it prints, and a hook for each model it sets up. */
    @FunctionalInterface
    public interface Training {
        /**
         * Trains as {@code main(args)} does, printing to {@code out}; {@code modelReady} gets each model once its
         * own listeners are set (a harness adds its listener there).
         */
        void train(String[] args, PrintStream out, Consumer<Model> modelReady) throws Exception;
    }

    private final Class<?> mainClass;
    private final Training training;

    Program(Class<?> mainClass, Training training) {
        this.mainClass = mainClass;
        this.training = training;
    }

    /** The class whose {@code main} runs the program unchanged. */
    public String mainClass() {
        return mainClass.getName();
    }

    /** The program's simple name, e.g. {@code MathFunctionsRegression}. */
    public String simpleName() {
        return mainClass.getSimpleName();
    }

    /** Runs the program's training; see {@link Training#train}. */
    public void train(String[] args, PrintStream out, Consumer<Model> modelReady) throws Exception {
        training.train(args, out, modelReady);
    }
}
