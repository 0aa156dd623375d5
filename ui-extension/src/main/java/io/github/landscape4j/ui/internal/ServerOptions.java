package io.github.landscape4j.ui.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Internal: the limits of the server {@link LocalhostUiServer} starts, read from system properties (names in
 * {@code io.github.landscape4j.ui.LandscapeUi}). A bad value is an {@link IllegalArgumentException} naming every bad
 * property, its value and what is allowed.
 *
 * @param maxBodyBytes       largest request body accepted on every route but {@code /remoteReceive}
 * @param maxRemoteBodyBytes largest request body accepted on DL4J's {@code /remoteReceive}
 * @param allowedHosts       extra {@code Host} header values accepted ({@code name} or {@code name:port}, lower
 *                           case; {@code *} accepts any)
 * @param keepServing        whether the server keeps serving (and the JVM running) after the program's own
 *                           threads end
 */
public record ServerOptions(long maxBodyBytes, long maxRemoteBodyBytes, List<String> allowedHosts,
                            boolean keepServing) {
    public static final String MAX_BODY = "landscape4j.ui.maxBodyBytes";
    public static final String MAX_REMOTE_BODY = "landscape4j.ui.maxRemoteBodyBytes";
    public static final String ALLOWED_HOSTS = "landscape4j.ui.allowedHosts";
    public static final String KEEP_SERVING = "landscape4j.ui.keepServing";
    public static final long DEFAULT_MAX_BODY = 1L << 20;
    public static final long DEFAULT_MAX_REMOTE_BODY = 16L << 20;
    /** Vert.x buffers a body in one {@code Buffer}, indexed by int. */
    private static final long MAX_LIMIT = Integer.MAX_VALUE;

    public ServerOptions {
        allowedHosts = List.copyOf(allowedHosts);
    }

    /** The options set as system properties, defaults for the others. */
    public static ServerOptions fromSystemProperties() {
        return from(System.getProperties());
    }

    static ServerOptions from(Properties p) {
        List<String> errors = new ArrayList<>();
        long body = size(p, MAX_BODY, DEFAULT_MAX_BODY, errors);
        long remote = size(p, MAX_REMOTE_BODY, DEFAULT_MAX_REMOTE_BODY, errors);
        List<String> hosts = new ArrayList<>();
        String h = p.getProperty(ALLOWED_HOSTS, "").trim();
        if (!h.isEmpty()) {
            for (String entry : h.split(",")) {
                String e = entry.trim().toLowerCase(Locale.ROOT);
                if (e.isEmpty() || e.contains("/") || e.contains(" ") || e.contains("@")) {
                    errors.add(ALLOWED_HOSTS + "=" + h + ": entry '" + entry.trim() + "' is not a host; allowed: a"
                            + " comma-separated list of host names or addresses, each optionally with :port, or *");
                } else {
                    hosts.add(e);
                }
            }
        }
        String keep = p.getProperty(KEEP_SERVING, "false").trim();
        if (!keep.equals("true") && !keep.equals("false")) {
            errors.add(KEEP_SERVING + "=" + keep + ": must be true or false");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("landscape4j UI: " + String.join("; ", errors));
        }
        return new ServerOptions(body, remote, hosts, Boolean.parseBoolean(keep));
    }

    /** A byte count: digits with an optional k or m suffix (KiB, MiB), 1 byte .. 2 GiB - 1. */
    private static long size(Properties p, String key, long dflt, List<String> errors) {
        String v = p.getProperty(key);
        if (v == null) {
            return dflt;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("k") || s.endsWith("m")) {
            unit = s.endsWith("k") ? 1L << 10 : 1L << 20;
            s = s.substring(0, s.length() - 1);
        }
        try {
            long n = Long.parseLong(s);
            if (n > 0 && n <= MAX_LIMIT / unit) {
                return n * unit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(key + "=" + v + ": must be a number of bytes from 1 to " + MAX_LIMIT + ", optionally with k or m"
                + " (KiB, MiB), e.g. 1048576 or 16m");
        return dflt;
    }
}
