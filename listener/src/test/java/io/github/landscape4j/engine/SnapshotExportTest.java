package io.github.landscape4j.engine;

import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The {@code .npy} export recomputes: from the exported files alone (model JSON, parameters, directions, probe
 * examples, grid coordinates), a network built anew and scored by DL4J's own {@code score} at
 * {@code θ + x·d1 + y·d2} gives the exported grids within 1e-5 relative, on a convolutional network with batch norm,
 * ReLU and softmax; and the exported random-sharpness directions give {@code sharpness_random_mean} and {@code _max}.
 */
class SnapshotExportTest {

    @Test
    void exportedFilesRecomputeTheGridsAndSlices(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = TestNets.cnnWithBatchNorm();
        List<DataSet> data = TestNets.images(4, 16, 11);
        TestNets.train(net, data, 1);
        INDArray initial = net.params().dup();
        TestNets.train(net, data, 2);
        SnapshotConfig config = LandscapeConfig.parse(Map.of("grid", "5", "planes", "random", "sharpnessK", "6",
                "ascentSteps", "0", "hessianIterations", "0", "hutchinson", "0")).snapshots();
        LandscapeEngine engine = LandscapeEngine.builder(net).config(config).seed(5).build();
        Path out = dir.resolve("export");
        Snapshot s = engine.snapshotAndExport(SnapshotRequest.of(Probes.of(DataSet.merge(data), 64, "test"))
                .withTrajectory(List.of(), new long[0], initial), out);

        assertThat(Files.readString(out.resolve("manifest.json"))).contains("random_d1.npy", "train_features_0.npy");
        // every tensor read back from params.npy by its manifest entry (offset, shape, order) is DL4J's own
        com.google.gson.JsonObject manifest = com.google.gson.JsonParser.parseString(
                Files.readString(out.resolve("manifest.json"))).getAsJsonObject();
        INDArray flat = npy(out, "params").reshape(net.numParams());
        int checked = 0;
        boolean biasFirst = false;
        for (com.google.gson.JsonElement e : manifest.getAsJsonArray("tensors")) {
            com.google.gson.JsonObject t = e.getAsJsonObject();
            long offset = t.get("offset").getAsLong();
            long length = t.get("length").getAsLong();
            long[] shape = new com.google.gson.Gson().fromJson(t.get("shape"), long[].class);
            char order = t.get("order").getAsString().charAt(0);
            INDArray read = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, offset + length)).dup()
                    .reshape(order, shape);
            INDArray own = net.getParam(t.get("name").getAsString());
            assertThat(read.castTo(own.dataType())).as(t.toString()).isEqualTo(own);
            if (t.get("name").getAsString().equals("0_b") && offset == 0) {
                biasFirst = true;
            }
            checked++;
        }
        assertThat(checked).isEqualTo(net.paramTable().size());
        assertThat(biasFirst).as("the first convolution's bias comes first in params.npy").isTrue();
        MultiLayerNetwork fresh = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(
                Files.readString(out.resolve("model.json"))));
        fresh.init();
        INDArray theta = npy(out, "params");
        INDArray d1 = npy(out, "random_d1");
        INDArray d2 = npy(out, "random_d2");
        double[] xs = npy(out, "random_xs").toDoubleVector();
        double[] ys = npy(out, "random_ys").toDoubleVector();
        INDArray grid = npy(out, "random_train_loss");
        DataSet probe = new DataSet(npy(out, "train_features_0"), npy(out, "train_labels_0"));
        assertThat(grid.shape()).containsExactly(ys.length, xs.length);
        for (int j = 0; j < ys.length; j++) {
            for (int i = 0; i < xs.length; i++) {
                fresh.setParams(theta.add(d1.mul(xs[i])).addi(d2.mul(ys[j])).reshape(1, theta.length()));
                double expected = fresh.score(probe, false);
                assertThat(relative(grid.getDouble(j, i), expected)).as("grid [%d, %d]", j, i).isLessThan(1e-5);
                assertThat(grid.getDouble(j, i)).isEqualTo(s.surfaces().get(0).trainLoss()[j][i]);
            }
        }
        // random sharpness from its exported directions: mean and max of |L(θ + ε·d_k) − L(θ)| by DL4J's score
        INDArray ds = npy(out, "sharpness_random_directions");
        double eps = manifest.getAsJsonObject("randomSharpness").get("epsilon").getAsDouble();
        assertThat(ds.rows()).isEqualTo(6);
        fresh.setParams(theta.reshape(1, theta.length()));
        double centre = fresh.score(probe, false);
        double sum = 0;
        double max = 0;
        for (int k = 0; k < ds.rows(); k++) {
            fresh.setParams(theta.add(ds.getRow(k).reshape(theta.shape()).mul(eps)).reshape(1, theta.length()));
            double delta = Math.abs(fresh.score(probe, false) - centre);
            sum += delta;
            max = Math.max(max, delta);
        }
        // differences of float losses near 1: absolute agreement to a few float roundings of the loss
        assertThat(sum / ds.rows()).isCloseTo(s.measure("sharpness_random_mean"), within(1e-6 + 1e-3 * sum));
        assertThat(max).isCloseTo(s.measure("sharpness_random_max"), within(1e-6 + 1e-3 * max));
        for (String kind : List.of("random", "interpolation")) {
            INDArray base = npy(out, "slice_" + kind + "_base");
            INDArray d = npy(out, "slice_" + kind + "_direction");
            double[] alphas = npy(out, "slice_" + kind + "_alphas").toDoubleVector();
            INDArray loss = npy(out, "slice_" + kind + "_train_loss");
            for (int i = 0; i < alphas.length; i++) {
                fresh.setParams(base.add(d.mul(alphas[i])).reshape(1, theta.length()));
                assertThat(relative(loss.getDouble(i), fresh.score(probe, false))).as("%s slice [%d]", kind, i)
                        .isLessThan(1e-5);
            }
        }
    }

    private static INDArray npy(Path dir, String name) {
        return Nd4j.createFromNpyFile(new File(dir.toFile(), name + ".npy"));
    }

    private static double relative(double a, double b) {
        return Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
    }
}
