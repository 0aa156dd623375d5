package io.github.landscape4j.engine;

import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.store.Slice;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.Surface;
import io.github.landscape4j.store.internal.Json;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot written out for reproduction with another tool (NumPy, PyTorch, ...): the centre parameters, the
 * directions of every plane and slice, the probes' examples, the grids and the model, as {@code .npy} files written
 * by ND4J ({@code Nd4j.writeAsNumpy}) plus two JSON files. Layout of the directory:
 * <ul>
 *   <li>{@code model.json}: the DL4J configuration; {@code manifest.json}: model class, seed, snapshot index and
 *   iteration, the file of each array below, and {@code tensors}: each parameter tensor's name, offset and length in
 *   {@code params.npy}, shape, and the order ({@code c} or {@code f}) in which its values are laid out there;</li>
 *   <li>{@code params.npy}: the centre {@code θ}, flattened in DL4J's parameter order (its {@code paramTable} order,
 *   which is not always the configuration's: a convolution layer's bias comes before its weights, and a dense
 *   layer's weights are in {@code f} order, a convolution's in {@code c} order: read them with {@code tensors});</li>
 *   <li>per plane {@code P} ({@code random}, {@code pca}, {@code hessian}): {@code P_d1.npy}, {@code P_d2.npy}
 *   (the directions, already normalized), {@code P_xs.npy}, {@code P_ys.npy}, {@code P_train_loss.npy} and, with a
 *   validation probe, {@code P_val_loss.npy}: float64 {@code [len(ys), len(xs)]}, entry {@code [j, i]} = mean probe
 *   loss at {@code θ + xs[i]·d1 + ys[j]·d2};</li>
 *   <li>per slice {@code K} ({@code random}, {@code interpolation}): {@code slice_K_base.npy}, {@code
 *   slice_K_direction.npy}, {@code slice_K_alphas.npy}, {@code slice_K_train_loss.npy}: loss at {@code base +
 *   alphas[i]·direction};</li>
 *   <li>{@code train_features_I.npy}, {@code train_labels_I.npy} per network input/output {@code I} (and {@code
 *   val_...}): the probe examples;</li>
 *   <li>{@code sharpness_random_directions.npy}: the {@code sharpnessK} normalized directions {@code d_k} (rows) random
 *   sharpness drew from the snapshot's generator; {@code manifest.json}'s {@code randomSharpness} gives ε and the
 *   definition, so {@code sharpness_random_mean} and {@code _max} can be recomputed exactly;</li>
 *   <li>{@code snapshot.json}: the snapshot record as stored.</li>
 * </ul>
 * The loss is the mean over the probe of the output layers' loss functions (without regularization), as DL4J's
 * {@code score} with regularization off.
 */
public final class SnapshotExport {
    private SnapshotExport() {
    }

    /** Name, offset, length, shape and layout order of each parameter tensor in the flat parameter vector. */
    private static List<Map<String, Object>> tensors(Model model) {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, INDArray> table = model.paramTable();
        for (io.github.landscape4j.store.ParameterTensor t : Models.tensors(model)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("offset", t.offset());
            m.put("length", t.length());
            m.put("shape", t.shape());
            INDArray view = table.get(t.name());
            m.put("order", view == null || view.rank() <= 1 || view.isVector() ? "c"
                    : String.valueOf(view.ordering()));
            out.add(m);
        }
        return out;
    }

    static void write(Path dir, Snapshot s, INDArray centre, Map<String, INDArray> directions,
                      SnapshotRequest request, Model model, double epsilon) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("modelClass", Models.kind(model));
        manifest.put("seed", s.seed());
        manifest.put("index", s.index());
        manifest.put("iteration", s.iteration());
        manifest.put("params", npy(dir, "params", centre));
        manifest.put("tensors", tensors(model));
        Files.writeString(dir.resolve("model.json"), Models.configJsonLater(model).get(), StandardCharsets.UTF_8);
        List<Map<String, Object>> planes = new ArrayList<>();
        for (Surface p : s.surfaces()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("plane", p.plane());
            m.put("d1", npy(dir, p.plane() + "_d1", directions.get(p.plane() + ".d1")));
            m.put("d2", npy(dir, p.plane() + "_d2", directions.get(p.plane() + ".d2")));
            m.put("xs", npy(dir, p.plane() + "_xs", Nd4j.createFromArray(p.xs())));
            m.put("ys", npy(dir, p.plane() + "_ys", Nd4j.createFromArray(p.ys())));
            m.put("trainLoss", npy(dir, p.plane() + "_train_loss", Nd4j.createFromArray(p.trainLoss())));
            if (p.valLoss().length > 0) {
                m.put("valLoss", npy(dir, p.plane() + "_val_loss", Nd4j.createFromArray(p.valLoss())));
            }
            planes.add(m);
        }
        manifest.put("planes", planes);
        List<Map<String, Object>> slices = new ArrayList<>();
        for (Slice l : s.slices()) {
            String k = "slice_" + l.kind();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", l.kind());
            m.put("base", npy(dir, k + "_base", directions.get(l.kind() + ".base")));
            m.put("direction", npy(dir, k + "_direction", directions.get(l.kind() + ".direction")));
            m.put("alphas", npy(dir, k + "_alphas", Nd4j.createFromArray(l.alphas())));
            m.put("trainLoss", npy(dir, k + "_train_loss", Nd4j.createFromArray(l.trainLoss())));
            slices.add(m);
        }
        manifest.put("slices", slices);
        INDArray sharpness = directions.get("sharpness.directions");
        if (sharpness != null) { // sharpness_random_mean/_max = mean/max over rows d_k of |L(θ + ε·d_k) − L(θ)|
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("directions", npy(dir, "sharpness_random_directions", sharpness));
            m.put("epsilon", epsilon);
            m.put("definition", "sharpness_random_mean and _max: mean and max over the rows d_k of |L(params + epsilon"
                    + " * d_k) - L(params)| on the train probe, L the train_loss of snapshot.json");
            manifest.put("randomSharpness", m);
        }
        manifest.put("train", probe(dir, "train", request.train()));
        if (request.validation() != null) {
            manifest.put("validation", probe(dir, "val", request.validation()));
        }
        Files.writeString(dir.resolve("manifest.json"), Json.GSON.toJson(manifest), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("snapshot.json"), Json.GSON.toJson(s), StandardCharsets.UTF_8);
    }

    private static Map<String, List<String>> probe(Path dir, String side, Probe p) throws IOException {
        List<String> features = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < p.features().length; i++) {
            features.add(npy(dir, side + "_features_" + i, p.features()[i]));
        }
        for (int i = 0; i < p.labels().length; i++) {
            labels.add(npy(dir, side + "_labels_" + i, p.labels()[i]));
        }
        return Map.of("features", features, "labels", labels);
    }

    private static String npy(Path dir, String name, INDArray a) throws IOException {
        if (a == null) {
            throw new IllegalStateException("no array " + name + " was kept for the export");
        }
        String file = name + ".npy";
        INDArray out = a.dataType() == DataType.DOUBLE || a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
        Nd4j.writeAsNumpy(out.dup('c'), dir.resolve(file).toFile());
        return file;
    }
}
