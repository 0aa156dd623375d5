package io.github.landscape4j.listener.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Internal: versions of landscape4j, DL4J, ND4J and Java, from the jars' Maven metadata. */
public final class Versions {
    private static final Map<String, String> ALL = load();

    private Versions() {
    }

    public static Map<String, String> all() {
        return ALL;
    }

    /** landscape4j's own version. */
    public static String landscape4j() {
        return ALL.get("landscape4j");
    }

    private static Map<String, String> load() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("landscape4j", read("/io/github/landscape4j/version.properties", "version"));
        m.put("deeplearning4j", read("/META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties", "version"));
        m.put("nd4j", read("/META-INF/maven/org.nd4j/nd4j-api/pom.properties", "version"));
        m.put("java", System.getProperty("java.version"));
        return Map.copyOf(m);
    }

    private static String read(String resource, String key) {
        try (InputStream in = Versions.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty(key, "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
