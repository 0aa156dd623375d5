package io.github.landscape4j.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.github.landscape4j.engine.EvaluationContext;
import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Measure;
import io.github.landscape4j.engine.Part;
import io.github.landscape4j.engine.Plane;
import io.github.landscape4j.engine.SliceKind;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.engine.internal.Workbench;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The direction of the layers: store ← maths (direction, surface, sharpness, trajectory) ← engine ← listener ← study
 * (and the UI, the agent, the examples). Nothing below the listener reaches up into it or the study; nothing outside
 * the listener uses its internals; the store depends on no other part; the maths use only the engine's value
 * types (probes, evaluations, the plugin scope, the model adapter), never the engine's front door or its parts. And no
 * class of any module is longer than 400 lines.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.github.landscape4j");
    }

    private static final String[] BELOW_THE_LISTENER = {"io.github.landscape4j.store..",
        "io.github.landscape4j.engine..", "io.github.landscape4j.surface..", "io.github.landscape4j.sharpness..",
        "io.github.landscape4j.direction..", "io.github.landscape4j.trajectory.."};

    @Test
    void nothingBelowTheListenerReachesUpIntoItOrTheStudy() {
        noClasses().that().resideInAnyPackage(BELOW_THE_LISTENER)
                .should().dependOnClassesThat().resideInAnyPackage("io.github.landscape4j.listener..",
                        "io.github.landscape4j.study..")
                .check(classes);
    }

    @Test
    void onlyTheListenerUsesItsInternals() {
        noClasses().that().resideOutsideOfPackage("io.github.landscape4j.listener..")
                .should().dependOnClassesThat().resideInAPackage("io.github.landscape4j.listener.internal..")
                .check(classes);
    }

    @Test
    void theStoreDependsOnNoOtherPart() {
        noClasses().that().resideInAPackage("io.github.landscape4j.store..")
                .should().dependOnClassesThat().resideInAnyPackage("io.github.landscape4j.engine..",
                        "io.github.landscape4j.surface..", "io.github.landscape4j.sharpness..",
                        "io.github.landscape4j.direction..", "io.github.landscape4j.trajectory..")
                .check(classes);
    }

    @Test
    void theMathsUseOnlyTheEnginesValueTypes() {
        noClasses().that().resideInAnyPackage("io.github.landscape4j.surface..", "io.github.landscape4j.sharpness..",
                        "io.github.landscape4j.direction..", "io.github.landscape4j.trajectory..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAnyPackage(
                                "io.github.landscape4j.engine.measure..", "io.github.landscape4j.engine.plane..")
                        .or(JavaClass.Predicates.belongToAnyOf(LandscapeEngine.class, EvaluationContext.class,
                                Part.class, Measure.class, Plane.class, SliceKind.class, SnapshotRequest.class,
                                Workbench.class)))
                .check(classes);
    }

    @Test
    void theEngineDoesNotDependOnTheUiOrTheAgent() {
        noClasses().that().resideInAPackage("io.github.landscape4j.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("io.github.landscape4j.ui..",
                        "io.github.landscape4j.agent..", "org.deeplearning4j.ui..")
                .check(classes);
    }

    @Test
    void noClassIsLongerThan400Lines() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> tooLong;
        try (Stream<Path> files = Files.walk(root)) {
            tooLong = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))
                    .filter(p -> !p.toString().contains("/target/"))
                    .filter(p -> lines(p) > 400)
                    .map(p -> root.relativize(p) + " (" + lines(p) + " lines)")
                    .toList();
        }
        assertThat(tooLong).as("classes over 400 lines").isEmpty();
    }

    private static long lines(Path p) {
        try (Stream<String> s = Files.lines(p)) {
            return s.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
