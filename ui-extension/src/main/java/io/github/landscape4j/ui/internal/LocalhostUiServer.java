package io.github.landscape4j.ui.internal;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import org.deeplearning4j.exception.DL4JException;
import org.deeplearning4j.ui.VertxUIServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Internal: DL4J's own UI server ({@link VertxUIServer}, with all its modules and ours), deployed so that it listens
 * on a chosen host and port. DL4J's server always listens on every interface ({@code HttpServer.listen(port, ...)}
 * binds {@code 0.0.0.0}) and takes its port from a static field; it has no bind-address option. This subclass hands
 * the server a {@link Vertx} whose {@code createHttpServer()} returns a server whose {@code listen(port, handler)}
 * becomes {@code listen(ourPort, ourHost, handler)}, and whose {@code requestHandler(router)} installs DL4J's router
 * changed by {@link RouterPolicy} behind a {@link RequestGuard}. Everything else is DL4J's code, and because DL4J's
 * constructor registers the instance, {@code UIServer.getInstance()} returns this server afterwards.
 */
public final class LocalhostUiServer extends VertxUIServer {
    private static final Logger log = LoggerFactory.getLogger(LocalhostUiServer.class);

    private final String host;
    private final int port;
    private final ServerOptions options;

    private LocalhostUiServer(String host, int port, ServerOptions options) {
        this.host = host;
        this.port = port;
        this.options = options;
    }

    /**
     * Starts DL4J's UI server on {@code host:port} (port 0: any free port) with the limits set as system properties
     * ({@link ServerOptions}) and waits until it listens. Unless {@link ServerOptions#keepServing()}, the server
     * stops once the program's own threads have ended ({@link ExitWatcher}).
     *
     * @throws DL4JException naming the address when it cannot listen there
     * @throws IllegalArgumentException naming each bad option
     */
    public static VertxUIServer start(String host, int port) {
        ServerOptions options = ServerOptions.fromSystemProperties();
        LocalhostUiServer server = new LocalhostUiServer(host, port, options);
        long startedMillis = System.currentTimeMillis();
        Vertx vertx = Vertx.vertx();
        CompletableFuture<String> deployed = new CompletableFuture<>();
        vertx.deployVerticle(server, ar -> {
            if (ar.succeeded()) {
                deployed.complete(ar.result());
            } else {
                deployed.completeExceptionally(ar.cause());
            }
        });
        try {
            deployed.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            vertx.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new DL4JException("DL4J UI server could not listen on " + host + ":" + port + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            vertx.close();
            throw new DL4JException("interrupted while starting the DL4J UI server on " + host + ":" + port, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!server.isStopped()) {
                try {
                    VertxUIServer.stopInstance();
                } catch (Exception e) {
                    // the JVM is exiting: nothing left to report to
                }
            }
        }, "landscape4j-ui-shutdown"));
        removeEmptyUploadDirs(startedMillis, System.currentTimeMillis());
        if (!options.keepServing()) {
            ExitWatcher.watch(server);
        }
        return server;
    }

    /**
     * DL4J's {@code start} creates {@code java.io.tmpdir/DL4JUI_<millis>} for uploads, which {@link RouterPolicy}
     * never uses: the empty one made while this server started goes.
     */
    private static void removeEmptyUploadDirs(long from, long to) {
        File[] dirs = new File(System.getProperty("java.io.tmpdir")).listFiles((d, name) -> name.startsWith(
                "DL4JUI_"));
        for (File d : dirs == null ? new File[0] : dirs) {
            try {
                long millis = Long.parseLong(d.getName().substring("DL4JUI_".length()));
                String[] inside = d.list();
                if (millis >= from && millis <= to && inside != null && inside.length == 0 && !d.delete()) {
                    log.debug("landscape4j UI: could not remove the empty directory {}", d);
                }
            } catch (NumberFormatException e) {
                // not DL4J's naming: not ours to remove
            }
        }
    }

    @Override
    public void init(Vertx vertx, Context context) {
        super.init(proxy(Vertx.class, vertx, this::onVertx), context);
    }

    private Object onVertx(Object target, Method m, Object[] args) throws Throwable {
        if (m.getName().equals("createHttpServer") && (args == null || args.length == 0)) {
            // request lines up to RequestGuard.MAX_LINE reach the guard, which answers long ones in JSON
            HttpServer s = ((Vertx) target).createHttpServer(new io.vertx.core.http.HttpServerOptions()
                    .setMaxInitialLineLength(RequestGuard.MAX_LINE));
            return proxy(HttpServer.class, s, this::onServer);
        }
        Object result = invoke(target, m, args);
        if (m.getName().equals("createHttpServer") && result instanceof HttpServer s) {
            return proxy(HttpServer.class, s, this::onServer);
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private Object onServer(Object target, Method m, Object[] args) throws Throwable {
        HttpServer server = (HttpServer) target;
        if (m.getName().equals("listen") && args != null && args.length == 2 && args[0] instanceof Integer
                && args[1] instanceof Handler<?> handler) {
            return server.listen(port, host, (Handler<io.vertx.core.AsyncResult<HttpServer>>) handler);
        }
        if (m.getName().equals("requestHandler") && args != null && args.length == 1
                && args[0] instanceof Handler<?> handler) {
            if (handler instanceof Router router) {
                RouterPolicy.apply(router, options);
            } else {
                log.warn("landscape4j UI: DL4J's request handler is not a router ({}); body limits and route"
                        + " policies are not applied", handler.getClass().getName());
            }
            HostCheck hosts = new HostCheck(host, options.allowedHosts(), server::actualPort);
            return server.requestHandler(new RequestGuard((Handler<HttpServerRequest>) handler, hosts, options));
        }
        return invoke(target, m, args);
    }

    @Override
    public String getAddress() {
        return "http://" + (host.equals("0.0.0.0") ? "localhost" : host) + ":" + getPort();
    }

    private interface Call {
        Object call(Object target, Method m, Object[] args) throws Throwable;
    }

    /** A proxy of {@code type} calling {@code call}; methods returning the target itself return the proxy. */
    private static <T> T proxy(Class<T> type, T target, Call call) {
        InvocationHandler h = (p, m, args) -> {
            Object r = call.call(target, m, args);
            return r == target ? p : r;
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, h));
    }

    private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
