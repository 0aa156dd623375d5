package io.github.landscape4j.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A small tmpfs the test mounts, to fill a disk on purpose; needs root (as CI runs), and the test is skipped where
 * it cannot mount.
 */
public final class SmallDisk implements AutoCloseable {
    private final Path mount;

    private SmallDisk(Path mount) {
        this.mount = mount;
    }

    /** Mounts a tmpfs of {@code size} (e.g. {@code 4m}) on a new temporary directory. */
    public static SmallDisk mount(String size) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root (CI runs as root)");
        Path dir = Files.createTempDirectory("landscape4j-small-disk");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mount -t tmpfs failed");
        return new SmallDisk(dir);
    }

    public Path path() {
        return mount;
    }

    /** Unmounts (lazily, should a file still be open) and removes the directory. */
    @Override
    public void close() throws Exception {
        new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor(30, TimeUnit.SECONDS);
        Files.deleteIfExists(mount);
    }
}
