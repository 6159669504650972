package io.github.altclip4j.index;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock an update holds on its index folder ({@code lock}): an operating-system file lock, so it is released when
 * the process ends however it ends (kill -9 included) and a stale file never blocks anyone.
 */
final class IndexLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private IndexLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static IndexLock acquire(Path dir) throws IOException {
        Path file = dir.resolve("lock");
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null; // this JVM already updates the index
        }
        if (l == null) {
            ch.close();
            throw new IndexException(
                    dir, "another process is updating this index (it holds " + file + "); wait for it to finish");
        }
        return new IndexLock(ch, l);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
