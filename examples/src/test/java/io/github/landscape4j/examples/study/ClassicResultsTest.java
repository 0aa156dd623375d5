package io.github.landscape4j.examples.study;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Goodfellow and Li et al. commands on tiny runs: their tables, curves and figures are written. */
class ClassicResultsTest {

    @Test
    void goodfellowWritesTheTrainingCurvesAndTheInitialToFinalLine(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("g");
        GoodfellowCommand.main(new String[]{"--out", out.toString(), "--train", "256", "--probe", "64", "--epochs",
                "2", "--batch", "32", "--points", "6", "--hidden", "16"});
        List<String> csv = Files.readAllLines(out.resolve("goodfellow.csv"));
        assertThat(csv.stream().filter(l -> l.startsWith("line,"))).hasSize(6);
        assertThat(csv.stream().filter(l -> l.startsWith("training,"))).hasSize(16); // 2 x 8 iterations
        String first = csv.stream().filter(l -> l.startsWith("line,0.0000")).findFirst().orElseThrow();
        String last = csv.stream().filter(l -> l.startsWith("line,1.0000")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(last.split(",")[2])).as("train loss at the end of the line")
                .isLessThan(Double.parseDouble(first.split(",")[2]));
        assertThat(Files.readString(out.resolve("goodfellow.md"))).contains("gradient norm", "rises");
        assertThat(ImageIO.read(out.resolve("goodfellow.png").toFile()).getWidth()).isEqualTo(3 * 520);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"mlp", "mlp-bn"})
    void liComparesRawAndFilterNormalizedVerdictsWithAndWithoutWeightDecay(String model, @TempDir Path dir)
            throws Exception {
        Path out = dir.resolve("li");
        LiCommand.main(new String[]{"--out", out.toString(), "--train", "256", "--probe", "64", "--epochs", "1",
                "--small", "32", "--large", "128", "--points", "5", "--hidden", "16", "--model", model});
        List<String> csv = Files.readAllLines(out.resolve("li.csv"));
        assertThat(csv).hasSize(1 + 2 * 4 * 5); // raw and filter, 4 models, 5 points
        // at t = 0 both directions give the model's own loss
        for (String batch : List.of("32", "128")) {
            double raw = centre(csv, "raw", batch);
            assertThat(centre(csv, "filter-normalized", batch)).isEqualTo(raw);
        }
        assertThat(Files.readString(out.resolve("li.md"))).contains("| raw | 0 |", "| filter-normalized | 0.0005 |",
                "verdict");
        assertThat(ImageIO.read(out.resolve("li.png").toFile()).getHeight()).isEqualTo(2 * 380 + 30);
    }

    @Test
    void liNamesTheModelsItKnows(@TempDir Path dir) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LiCommand.main(new String[]{"--out",
                dir.toString(), "--model", "vgg"})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'vgg'").hasMessageContaining("mlp, mlp-bn");
    }

    /** The batch-normalized MLP: no bias before batch normalization, whose statistics no direction moves. */
    @Test
    void batchNormalizedMlpHasItsLayers() {
        var net = FashionModels.mlpBatchNorm(new io.github.landscape4j.study.RunSettings(1, 32,
                io.github.landscape4j.study.Optimizer.SGD_MOMENTUM, 0.05, 0, 0, 1), 16);
        assertThat(net.paramTable().keySet()).containsExactly("0_W", "1_gamma", "1_beta", "1_mean", "1_log10stdev",
                "3_W", "3_b");
    }

    private static double centre(List<String> csv, String direction, String batch) {
        return csv.stream().filter(l -> l.startsWith(direction + "," + batch + ",0.0,0.0000,")).findFirst()
                .map(l -> Double.parseDouble(l.split(",")[4])).orElseThrow();
    }
}
