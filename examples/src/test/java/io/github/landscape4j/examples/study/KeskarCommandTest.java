package io.github.landscape4j.examples.study;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The Keskar command on a tiny MLP: it trains the large batch to the small batch's train loss (keskar.json: within
 * 20%, the large batch stopped by its train loss), writes the table, the interpolation and the PNG figure, and the
 * interpolation passes through both minimizers (α = 0 and 1 give the losses the study measured there);
 * {@code --same-epochs} trains both for the same epochs.
 */
class KeskarCommandTest {

    @Test
    void writesTheTableTheInterpolationAndTheFigure(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        KeskarCommand.main(new String[]{"--out", out.toString(), "--families", "mlp", "--train", "256", "--probe",
                "64", "--small", "32", "--large", "128", "--epochs-mlp", "2", "--points", "7"});
        List<String> summary = KeskarCommand.summaryLines(out);
        assertThat(summary).hasSize(3);
        String[] sb = summary.get(1).split(",");
        String[] lb = summary.get(2).split(",");
        assertThat(sb[1]).isEqualTo("32");
        assertThat(lb[1]).isEqualTo("128");
        assertThat(Double.parseDouble(sb[7])).as("ε-sharpness 1e-3").isPositive();
        assertThat(Double.parseDouble(sb[8])).as("ε-sharpness 5e-4").isPositive()
                .isLessThan(Double.parseDouble(sb[7]));

        List<String> curve = Files.readAllLines(out.resolve("keskar.csv"));
        assertThat(curve).hasSize(8); // header and 7 points from α = -1 to 2 by 0.5
        String[] atSb = curve.get(3).split(",");
        String[] atLb = curve.get(5).split(",");
        assertThat(Double.parseDouble(atSb[1])).isEqualTo(0.0);
        assertThat(Double.parseDouble(atSb[2])).as("train loss at α=0").isCloseTo(Double.parseDouble(sb[3]),
                within(1e-4));
        assertThat(Double.parseDouble(atLb[3])).as("test loss at α=1").isCloseTo(Double.parseDouble(lb[4]),
                within(1e-4));

        BufferedImage png = ImageIO.read(out.resolve("keskar.png").toFile());
        assertThat(png.getWidth()).isEqualTo(1040);
        assertThat(Files.readString(out.resolve("keskar.md"))).contains("| mlp | 32 | 2 | epochs |");

        com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(
                Files.readString(out.resolve("keskar.json"))).getAsJsonObject();
        assertThat(json.get("mode").getAsString()).isEqualTo("equal train loss");
        com.google.gson.JsonObject large = json.getAsJsonArray("minima").get(1).getAsJsonObject();
        assertThat(large.get("batch").getAsInt()).isEqualTo(128);
        assertThat(large.get("stop").getAsString()).startsWith("train loss below");
        assertThat(large.get("epochs").getAsInt()).isGreaterThan(2); // fewer steps an epoch: more epochs
        double ratio = json.getAsJsonObject("train_loss_large_over_small").get("mlp").getAsDouble();
        assertThat(ratio).isBetween(0.8, 1.0);
        assertThat(ratio).isCloseTo(Double.parseDouble(lb[3]) / Double.parseDouble(sb[3]), within(1e-5)); // csv: 6 digits
    }

    @Test
    void sameEpochsTrainsBothForTheSameEpochs(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        KeskarCommand.main(new String[]{"--out", out.toString(), "--families", "mlp", "--train", "256", "--probe",
                "64", "--small", "32", "--large", "128", "--epochs-mlp", "2", "--points", "5", "--same-epochs"});
        assertThat(Files.readString(out.resolve("keskar.md"))).contains("| mlp | 32 | 2 | epochs |",
                "| mlp | 128 | 2 | epochs |");
        assertThat(Files.readString(out.resolve("keskar.json"))).contains("\"mode\": \"same epochs\"");
    }
}
