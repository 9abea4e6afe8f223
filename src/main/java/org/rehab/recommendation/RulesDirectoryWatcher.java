package org.rehab.recommendation;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import org.rehab.recommendation.rules.RuleCompilationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Reloads the rules when a file in the rules directory changes (setting {@code rehab.recommendation.watch-rules}).
 * Changes are gathered for half a second, so that an editor's save is one reload; a file that does not compile is
 * logged with its position and the rules in force stay.
 */
@Component
@ConditionalOnProperty(prefix = "rehab.recommendation", name = "watch-rules", havingValue = "true")
class RulesDirectoryWatcher implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RulesDirectoryWatcher.class);

    private final RuleLibrary library;
    private final WatchService watcher;
    private final Thread thread;

    RulesDirectoryWatcher(RuleLibrary library) throws IOException {
        this.library = library;
        this.watcher = FileSystems.getDefault().newWatchService();
        library.directory()
                .register(
                        watcher,
                        StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = new Thread(this::watch, "rules-directory-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                WatchKey more;
                do {
                    key.pollEvents();
                    key.reset();
                    more = watcher.poll(500, TimeUnit.MILLISECONDS);
                    key = more != null ? more : key;
                } while (more != null);
                reload();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reload() {
        try {
            library.reload();
        } catch (RuleCompilationException e) {
            log.warn("Changed rules do not compile, the rules in force stay: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Could not reload the rules, the rules in force stay", e);
        }
    }

    @Override
    public void destroy() throws IOException {
        watcher.close();
        thread.interrupt();
    }
}
