package io.github.landscape4j.agent.internal;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;

/**
 * Internal: runs DL4J's configuration-to-JSON once on a throwaway configuration, off the training thread. A run
 * records its model's configuration as JSON when it starts, and DL4J's first {@code toJson()} builds its Jackson
 * mappers and serializers (~500 classes, ~0.9 s measured here), which a program that never serializes its model
 * would otherwise pay on its first training iteration. Jackson's caches are thread-safe; JsonMappers' static
 * initializer depends on no DL4J class that could be initializing on the main thread. Builds configuration
 * objects only: no ND4J arrays, no backend.
 */
final class JsonWarmup {

    private JsonWarmup() {
    }

    static void run() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(2).build())
                .layer(new OutputLayer.Builder().nIn(2).nOut(2).build())
                .build();
        conf.toJson();
    }
}
