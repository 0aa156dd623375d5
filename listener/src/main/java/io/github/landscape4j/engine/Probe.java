package io.github.landscape4j.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Internal: a fixed probe set: features and labels per network input/output (one of each for a
 * MultiLayerNetwork), drawn once per run and reused so that points are comparable over time.
 *
 * @param features one array per network input, examples along dimension 0
 * @param labels   one array per network output
 * @param source   how it was drawn, for the store
 * @param classes  the class index of each example (argmax of the first labels), for accuracy; null if not one-hot
 */
public record Probe(INDArray[] features, INDArray[] labels, String source, INDArray classes) {

    public Probe(INDArray[] features, INDArray[] labels, String source) {
        this(features, labels, source, labels[0].rank() == 2 && labels[0].size(1) > 1 ? labels[0].argMax(1) : null);
    }

    public long size() {
        return features[0].size(0);
    }

    @Override
    public String toString() {
        return size() + " examples (" + source + "), features " + Arrays.toString(features[0].shape());
    }
}
