package io.github.landscape4j.study;

import org.deeplearning4j.nn.api.Model;

/**
 * Builds the network of one study run from its settings: a fresh, initialized {@code MultiLayerNetwork} or {@code
 * ComputationGraph} whose configuration uses the settings' seed, optimizer ({@link Optimizer#updater(double)}),
 * weight decay and dropout ({@link RunSettings#retainProbability()}). Called once per run, on the thread that trains
 * it. Serializable, so that a study can train its runs in other JVMs (Spark executors): a lambda is, as long as
 * what it captures is.
 */
@FunctionalInterface
public interface StudyModel extends java.io.Serializable {
    Model create(RunSettings settings);
}
