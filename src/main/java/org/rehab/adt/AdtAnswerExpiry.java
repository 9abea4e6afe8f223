package org.rehab.adt;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Forgets, once an hour, the answers to ADT messages received longer ago than {@code rehab.adt.keep-answers}: an
 * engine sends a message again within minutes or hours, and the table would otherwise grow with every message.
 */
@Component
class AdtAnswerExpiry implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AdtAnswerExpiry.class);

    private final AdtInbox inbox;
    private final AdtSettings settings;
    private final Clock clock;
    private ScheduledExecutorService timer;

    AdtAnswerExpiry(AdtInbox inbox, AdtSettings settings, Clock clock) {
        this.inbox = inbox;
        this.settings = settings;
        this.clock = clock;
    }

    /** Forgets the answers older than {@code keep-answers}; answers how many. */
    int expire() {
        try {
            int forgotten = inbox.forgetBefore(clock.instant().minus(settings.keepAnswers()));
            if (forgotten > 0) {
                log.info("Forgot the answers to {} ADT messages older than {}", forgotten, settings.keepAnswers());
            }
            return forgotten;
        } catch (RuntimeException e) {
            log.warn(
                    "Old ADT answers not forgotten this time ({})", e.getClass().getSimpleName());
            return 0;
        }
    }

    @Override
    public synchronized void start() {
        if (timer != null || settings.ports().isEmpty()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "adt-answer-expiry");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::expire, 1, 60, TimeUnit.MINUTES);
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
