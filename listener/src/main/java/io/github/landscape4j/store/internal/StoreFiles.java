package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.StoreException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Internal: checks on a store file before MapDB opens it, each failure a {@link StoreException} naming the file. */
public final class StoreFiles {
    private StoreFiles() {
    }

    /** The file exists, is a regular file (not a directory, FIFO, socket or device) and is not empty. */
    public static void requireRegularFile(Path abs) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(abs, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new StoreException("store file " + abs + (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)
                    ? " cannot be read: " + e : " does not exist"), e);
        }
        if (a.isDirectory()) {
            throw new StoreException("store file " + abs + " is a directory, not a store file");
        }
        if (!a.isRegularFile()) {
            throw new StoreException("store file " + abs + " is not a regular file (a FIFO, socket or device)");
        }
        if (a.size() == 0) {
            throw new StoreException("store file " + abs + " is empty: not a landscape4j store");
        }
    }
}
