package io.github.landscape4j.study;

import com.google.gson.Gson;
import io.github.landscape4j.store.MeasureDescriptor;
import io.github.landscape4j.store.StudyRecord;
import io.github.landscape4j.store.internal.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

import java.util.Set;

/**
 * Writes a study's report files into a directory: {@code runs.csv} (one row per run: settings and every measure),
 * {@code correlations.csv} (one row per measure and gap), {@code study.json} (the whole record; undefined values as
 * {@code null}) and {@code report.md} (the table of τ, ρ and p for people).
 */
public final class StudyReport {
    /** JSON for other programs: NaN and infinities as null. */
    private static final Gson GSON = Json.forOthers().setPrettyPrinting().create();

    private StudyReport() {
    }

    /** The study as JSON for other programs (undefined values as {@code null}). */
    public static String json(StudyRecord study) {
        return GSON.toJson(study);
    }

    /**
     * Writes the four files into {@code dir} (created when missing), replacing earlier ones.
     *
     * @return the files written
     * @throws UncheckedIOException naming the file that could not be written
     */
    public static List<Path> write(StudyRecord study, Path dir) {
        List<Path> files = List.of(dir.resolve("runs.csv"), dir.resolve("correlations.csv"),
                dir.resolve("study.json"), dir.resolve("report.md"));
        List<String> texts = List.of(runsCsv(study), correlationsCsv(study), json(study), markdown(study));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create report directory " + dir + ": " + e, e);
        }
        for (int i = 0; i < files.size(); i++) {
            try {
                Files.writeString(files.get(i), texts.get(i), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + files.get(i) + ": " + e, e);
            }
        }
        return files;
    }

    /** One row per run: key, run id, settings, epochs, stop reason, seconds, then every measure. */
    public static String runsCsv(StudyRecord study) {
        Set<String> settings = new LinkedHashSet<>(study.axes().keySet());
        study.runs().forEach(r -> settings.addAll(r.settings().keySet()));
        List<String> measures = study.measures().stream().map(MeasureDescriptor::key).toList();
        StringBuilder b = new StringBuilder("key,run_id");
        settings.forEach(s -> b.append(',').append(s));
        b.append(",epochs_trained,stop,train_seconds,measure_seconds");
        measures.forEach(m -> b.append(',').append(m));
        b.append('\n');
        for (StudyRecord.Run r : study.runs()) {
            b.append(r.key()).append(',').append(r.runId());
            settings.forEach(s -> b.append(',').append(r.settings().getOrDefault(s, "")));
            b.append(',').append(r.epochs()).append(',').append(csv(r.stopReason())).append(',')
                    .append(num(r.trainSeconds())).append(',').append(num(r.measureSeconds()));
            measures.forEach(m -> b.append(',').append(num(r.measure(m))));
            b.append('\n');
        }
        return b.toString();
    }

    /** One row per measure and gap. */
    public static String correlationsCsv(StudyRecord study) {
        StringBuilder b = new StringBuilder("measure,gap,n,tau,tau_p,tau_low,tau_high,rho,rho_p,rho_low,rho_high,"
                + "granulated_tau,tau_by_axis,scale_invariant,note,tau_p_holm\n");
        StudyAnswer answer = StudyAnswer.of(study);
        for (StudyRecord.Correlation c : study.correlations()) {
            List<String> axes = new ArrayList<>();
            c.tauByAxis().forEach((k, v) -> axes.add(k + "=" + num(v)));
            b.append(String.join(",", c.measure(), c.gap(), Integer.toString(c.n()), num(c.tau()), num(c.tauP()),
                    num(c.tauLow()), num(c.tauHigh()), num(c.rho()), num(c.rhoP()), num(c.rhoLow()),
                    num(c.rhoHigh()), num(c.granulatedTau()), csv(String.join(" ", axes)),
                    Boolean.toString(c.scaleInvariant()), csv(c.note()), num(answer.holmP(c))))
                    .append('\n');
        }
        return b.toString();
    }

    /** The report for people: what was run, the runs, and the table of correlations. */
    public static String markdown(StudyRecord study) {
        StringBuilder b = new StringBuilder();
        b.append("# Study ").append(study.name()).append("\n\n").append(study.description()).append("\n\n");
        double train = study.runs().stream().mapToDouble(StudyRecord.Run::trainSeconds).sum();
        double measure = study.runs().stream().mapToDouble(StudyRecord.Run::measureSeconds).sum();
        b.append(String.format(Locale.ROOT, "%d of %d planned runs finished; training %.0f s and final-point"
                + " measures %.0f s in all (summed over runs).%n%n", study.runs().size(), study.planned(), train,
                measure));
        b.append("Options: ");
        List<String> opts = new ArrayList<>();
        study.options().forEach((k, v) -> opts.add(k + " " + v));
        b.append(String.join(", ", opts)).append(".\n\n");
        StudyAnswer answer = StudyAnswer.of(study);
        answer(study, answer, b);
        b.append("A positive τ or ρ means: the larger the measure, the larger the gap (the worse the model"
                + " generalizes). p is a two-sided permutation p-value; [low, high] a 95% bootstrap interval."
                + " Loss gap = validation loss − train loss on probes of equal size; accuracy gap = train accuracy"
                + " − validation accuracy.\n\n");
        for (String gap : StudyAnalysis.GAPS) {
            b.append("## Against the ").append(gap.equals("gap") ? "loss gap" : "accuracy gap").append("\n\n");
            b.append("| measure | n | τ | p(τ) | Holm p(τ) | τ 95% CI | ρ | p(ρ) | ρ 95% CI |")
                    .append(study.grid() ? " granulated τ |" : "").append(" scale-invariant | note |\n");
            b.append("|---|---|---|---|---|---|---|---|---|").append(study.grid() ? "---|" : "").append("---|---|\n");
            for (StudyRecord.Correlation c : study.correlations()) {
                if (!c.gap().equals(gap) || c.n() == 0) { // n = 0: not computed for this model
                    continue;
                }
                b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | [%s, %s] | %s | %s | [%s, %s] |",
                        label(study, c.measure()), c.n(), f2(c.tau()), p(c.tauP()),
                        p(answer.holmP(c)), f2(c.tauLow()),
                        f2(c.tauHigh()), f2(c.rho()), p(c.rhoP()), f2(c.rhoLow()), f2(c.rhoHigh())));
                if (study.grid()) {
                    b.append(' ').append(f2(c.granulatedTau())).append(" |");
                }
                b.append(' ').append(c.scaleInvariant() ? "yes" : "no").append(" | ").append(c.note()).append(" |\n");
            }
            b.append('\n');
        }
        b.append("## Runs\n\n| run | epochs | stop | train loss | val loss | loss gap | accuracy gap |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (StudyRecord.Run r : study.runs()) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %s | %.4f | %.4f | %.4f | %.4f |%n", r.key(),
                    r.epochs(), r.stopReason(), r.measure("train_loss"), r.measure("val_loss"), r.measure("gap"),
                    r.measure("accuracy_gap")));
        }
        return b.toString();
    }

    /** The answer first: a verdict per flatness measure and gap, the warnings, the correction. */
    private static void answer(StudyRecord study, StudyAnswer a, StringBuilder b) {
        b.append("## Answer\n\n");
        if (study.correlations().isEmpty()) {
            b.append("The analysis runs after the last run.\n\n");
            return;
        }
        for (StudyAnswer.Verdict v : a.verdicts()) {
            b.append(String.format(Locale.ROOT, "- **%s** (`%s`) against the %s: %s (τ = %s, Holm p = %s, n = %d%s).%n",
                    v.label(), v.measure(), v.gap().equals("gap") ? "loss gap" : "accuracy gap", v.finding(),
                    f2(v.tau()), p(v.holmP()), v.n(), v.scaleInvariant() ? "" : "; not scale-invariant"));
        }
        if (a.verdicts().isEmpty()) {
            b.append("- No sharpness or curvature measure has values in enough runs to test.\n");
        }
        b.append('\n').append(Character.toUpperCase(a.correction().charAt(0))).append(a.correction().substring(1))
                .append(".\n\n");
        for (String w : a.warnings()) {
            b.append("> Warning: ").append(w).append(".\n\n");
        }
    }

    private static String label(StudyRecord study, String key) {
        return study.measures().stream().filter(d -> d.key().equals(key)).map(d -> d.label() + " (`" + key + "`)")
                .findFirst().orElse(key);
    }

    private static String f2(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String p(double v) {
        return Double.isNaN(v) ? "–" : v < 0.001 ? "<0.001" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

}
