package io.github.landscape4j.ui.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Internal: which {@code Host} header values the server answers. A page on another site that rebinds its own name to
 * this machine's address (DNS rebinding) reaches the server with its own name in {@code Host}; only names this
 * server is known by are let through: {@code localhost}, the loopback addresses, the bound address (for a wildcard
 * bind, the addresses of this machine's interfaces and its host name) and the names the user allows, each with no
 * port or the server's port.
 */
final class HostCheck {
    private final Set<String> names = new LinkedHashSet<>();
    private final Set<String> namesWithPort = new LinkedHashSet<>();
    private final boolean any;
    private final IntSupplier port;

    HostCheck(String boundHost, List<String> allowed, IntSupplier port) {
        this.port = port;
        names.add("localhost");
        names.add("127.0.0.1");
        names.add("[::1]");
        String bound = boundHost.toLowerCase(Locale.ROOT);
        if (bound.equals("0.0.0.0") || bound.equals("::") || bound.equals("[::]")) {
            names.addAll(localAddresses());
        } else {
            names.add(bound.contains(":") && !bound.startsWith("[") ? "[" + bound + "]" : bound);
        }
        boolean star = false;
        for (String a : allowed) {
            if (a.equals("*")) {
                star = true;
            } else if (a.startsWith("[") ? a.contains("]:") : a.contains(":")) {
                namesWithPort.add(a);
            } else {
                names.add(a);
            }
        }
        this.any = star;
    }

    /** Whether a request with this {@code Host} header (null when absent) is answered. */
    boolean allows(String host) {
        if (any) {
            return true;
        }
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (namesWithPort.contains(h)) {
            return true;
        }
        int close = h.lastIndexOf(']');
        int colon = h.lastIndexOf(':');
        if (colon <= close) { // no port
            return names.contains(h);
        }
        String name = h.substring(0, colon);
        String p = h.substring(colon + 1);
        return names.contains(name) && p.equals(Integer.toString(port.getAsInt()));
    }

    /** For messages: the names accepted. */
    String describe() {
        Set<String> all = new LinkedHashSet<>(names);
        all.addAll(namesWithPort);
        return String.join(", ", all) + " (with no port or :" + port.getAsInt() + ")";
    }

    private static Set<String> localAddresses() {
        Set<String> out = new LinkedHashSet<>();
        try {
            for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(i.getInetAddresses())) {
                    String literal = a.getHostAddress();
                    int zone = literal.indexOf('%');
                    if (zone >= 0) {
                        literal = literal.substring(0, zone);
                    }
                    out.add(a instanceof Inet6Address ? "[" + literal + "]" : literal);
                }
            }
        } catch (SocketException e) {
            // no interface list: the loopback names and the allowed hosts still work
        }
        try {
            out.add(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
        } catch (UnknownHostException e) {
            // this machine's name does not resolve: browsers cannot use it either
        }
        return out;
    }
}
