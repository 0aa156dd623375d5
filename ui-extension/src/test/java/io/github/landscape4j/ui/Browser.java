package io.github.landscape4j.ui;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Debian's headless Chromium driven by Selenium, with the binary and the driver named explicitly (Selenium Manager
 * would try to download them; this machine is offline). Screenshots go to {@code target/screenshots/}.
 */
final class Browser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    final ChromeDriver driver;

    Browser(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("landscape4j.chromium", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,3000", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("landscape4j.chromedriver", "/usr/bin/chromedriver")))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Number of finite numbers in the data of the Plotly chart with this id (z grids, else y series). */
    long points(String chartId) {
        Object n = js("""
                const gd = document.getElementById(arguments[0]);
                if (!gd || !gd.data) return 0;
                let n = 0;
                const count = (v) => { if (Array.isArray(v)) v.forEach(count);
                                       else if (typeof v === 'number' && isFinite(v)) n++; };
                gd.data.forEach((t) => count(t.z || t.y));
                return n;""", chartId);
        return ((Number) n).longValue();
    }

    /** Number of finite error bars in the chart's traces. */
    long errorBars(String chartId) {
        return ((Number) js("""
                const gd = document.getElementById(arguments[0]);
                if (!gd || !gd.data) return 0;
                return gd.data.reduce((n, t) => n + (t.error_y && t.error_y.visible !== false && t.error_y.array
                    ? t.error_y.array.filter((v) => typeof v === 'number' && isFinite(v) && v > 0).length : 0), 0);""",
                chartId)).longValue();
    }

    /** Names of the chart's traces. */
    java.util.List<Object> traceNames(String chartId) {
        @SuppressWarnings("unchecked")
        java.util.List<Object> names = (java.util.List<Object>) js("const gd = document.getElementById(arguments[0]);"
                + " return gd && gd.data ? gd.data.map((t) => t.name) : [];", chartId);
        return names;
    }

    /** [zmin, zmax] of the chart's first trace. */
    Object colourRange(String chartId) {
        return js("const t = document.getElementById(arguments[0]).data[0]; return [t.zmin, t.zmax];", chartId);
    }

    long traces(String chartId) {
        return ((Number) js("const gd = document.getElementById(arguments[0]);"
                + " return gd && gd.data ? gd.data.length : 0;", chartId)).longValue();
    }

    String dataset(String key) {
        return (String) js("return document.body.dataset[arguments[0]] || '';", key);
    }

    /** Runs {@code check}; when it fails, prints what the page shows and saves a screenshot, then rethrows. */
    void diagnoseOnTimeout(Runnable check) {
        try {
            check.run();
        } catch (RuntimeException | AssertionError e) {
            System.out.println("page state at failure: " + js("return JSON.stringify({status:"
                    + " document.getElementById('status').textContent, label:"
                    + " document.getElementById('snapshot-label').textContent, shown: window.landscape4j.shownHistory,"
                    + " cycle: window.landscape4j.lastCycleMillis, polls: window.landscape4j.polls,"
                    + " counts: window.landscape4j.counts, follow: window.landscape4j.follow});"));
            screenshot("failure");
            throw e;
        }
    }

    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save screenshot " + name, e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
