package io.github.landscape4j.study;

import org.deeplearning4j.nn.api.Model;

/**
 * Builds the network of one study run from its settings: a fresh, initialized {@code MultiLayerNetwork} or {@code
 * ComputationGraph} whose configuration uses the settings' seed, optimizer ({@link Optimizer#updater(double)}),
 * weight decay and dropout ({@link RunSettings#retainProbability()}). Called once per run, on the thread that trains
 * it.
 */
@FunctionalInterface
public interface StudyModel {
    Model create(RunSettings settings);
}
