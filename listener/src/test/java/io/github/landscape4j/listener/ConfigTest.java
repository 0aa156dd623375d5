package io.github.landscape4j.listener;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaults() {
        LandscapeConfig c = LandscapeConfig.defaults();
        assertThat(c.every()).isEqualTo(LandscapeConfig.AUTO);
        assertThat(c.asOptions().get("every")).isEqualTo("auto");
        assertThat(c.checkpointEvery()).isEqualTo(50);
        assertThat(c.maxCheckpoints()).isEqualTo(64);
        assertThat(c.store()).isEmpty();
        assertThat(c.seed()).isEqualTo(42);
        assertThat(c.ui()).isEmpty();
        for (ConfigOption o : ConfigOption.values()) {
            assertThat(c.asOptions()).containsEntry(o.key(), o.defaultValue());
        }
    }

    @Test
    void everyBadOptionIsReportedWithItsValueAndWhatIsAllowed() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("every", "0");
        bad.put("maxCheckpoints", "lots");
        bad.put("perTensor", "yes");
        bad.put("run", "my run");
        bad.put("colour", "blue");
        bad.put("snapshot", "sometimes");
        bad.put("planes", "random+diagonal");
        bad.put("sharpnessBox", "box");
        bad.put("curvature", "biases");
        bad.put("pca", "whitened");
        bad.put("traceSe", "1.5");
        assertThatThrownBy(() -> LandscapeConfig.parse(bad))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "colour=blue: unknown option; known options: store, run, tags, seed, every, perTensor,"
                                + " tensorEvery, checkpointEvery, maxCheckpoints, commitEvery, commitMillis, writerNice, snapshot,"
                                + " finalSeconds, probeSize, probeMin, holdout, checkpointMB, snapshotThreads, grid, range, normalization, biasbn,"
                                + " planes, planeValidation, slices, epsilon, sharpnessK,"
                                + " ascentSteps, sharpnessBox, hessianIterations, hutchinson, traceSe, curvature, pca,"
                                + " perTensorMeasures, ui",
                        "run=my run: must be a non-empty name of letters, digits, '.', '_' or '-'",
                        "every=0: must be auto or an integer in [1, 1000000]",
                        "perTensor=yes: must be true or false",
                        "maxCheckpoints=lots: must be an integer in [4, 100000]",
                        "snapshot=sometimes: must be off, every:N (N >= 1), epoch or budget:P% (0 < P <= 100)",
                        "planes=random+diagonal: must be none or names from random, pca, hessian joined by '+'",
                        "traceSe=1.5: must be 0 or a number in (0, 1)",
                        "sharpnessBox=box: must be all or weights",
                        "curvature=biases: must be all or weights",
                        "pca=whitened: must be centred or uncentred"));
    }

    @Test
    void traceSeIsZeroOrAFraction() {
        assertThat(LandscapeConfig.parse(Map.of()).snapshots().traceSe()).isEqualTo(0.05);
        assertThat(LandscapeConfig.parse(Map.of("traceSe", "0")).snapshots().traceSe()).isZero();
        assertThat(LandscapeConfig.parse(Map.of("traceSe", "0.02")).snapshots().traceSe()).isEqualTo(0.02);
        for (String bad : new String[]{"-0.1", "1", "NaN", "some"}) {
            assertThatThrownBy(() -> LandscapeConfig.parse(Map.of("traceSe", bad)))
                    .hasMessageContaining("traceSe=" + bad + ": must be 0 or a number in (0, 1)");
        }
    }

    @Test
    void uiIsAPortOrEmpty() {
        assertThat(LandscapeConfig.parse(Map.of("ui", "0")).ui()).hasValue(0);
        assertThat(LandscapeConfig.parse(Map.of("ui", "9000")).ui()).hasValue(9000);
        assertThatThrownBy(() -> LandscapeConfig.parse(Map.of("ui", "70000")))
                .hasMessageContaining("ui=70000: must be empty (off), 0 (any free port) or a port in [1, 65535]");
        assertThatThrownBy(() -> LandscapeConfig.parse(Map.of("ui", "yes")))
                .hasMessageContaining("ui=yes: must be empty (off), 0 (any free port) or a port in [1, 65535]");
    }

    @Test
    void uiFailsClearlyWithoutTheUiModule() {
        assertThatThrownBy(() -> LandscapeListener.builder().store(dir.resolve("ui.db")).ui(0).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("ui=0: the live page needs io.github.landscape4j:landscape4j-ui-extension on"
                        + " the class path");
        assertThat(dir.resolve("ui.db")).doesNotExist();
    }

    @Test
    void builderValidatesAtBuild() {
        assertThatThrownBy(() -> LandscapeListener.builder().store(dir.resolve("x.db")).every(-3).commitMillis(0)
                .build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("every=-3: must be auto or an integer in [1, 1000000]")
                .hasMessageContaining("commitMillis=0: must be an integer in [1, 3600000]");
        assertThatThrownBy(() -> LandscapeListener.builder().build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(
                        "give exactly one of store(Path), store(LandscapeStore), store(Supplier) or router");
    }
}
