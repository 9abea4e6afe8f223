package org.rehab.subscription;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers the recorded notifications: each worker leases a batch of due ones in a short transaction, delivers
 * them in none, and then forgets each delivered one or makes it due again after a backoff that doubles up to
 * {@code retry-max-delay}. A server that stops hands back the notifications it has leased and not delivered; one that
 * dies leaves leases that run out. Either way they are delivered again: a receiver may see a notification twice,
 * never none.
 */
@Component
class NotificationWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NotificationWorkers.class);
    private static final int WORKERS = 2;
    private static final int BATCH = 20;

    private final NotificationOutbox outbox;
    private final RestHookDelivery delivery;
    private final SubscriptionSettings settings;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    NotificationWorkers(
            NotificationOutbox outbox,
            RestHookDelivery delivery,
            SubscriptionSettings settings,
            Clock clock,
            PlatformTransactionManager transactions) {
        this.outbox = outbox;
        this.delivery = delivery;
        this.settings = settings;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
    }

    @Override
    public synchronized void start() {
        if (!settings.deliveryEnabled() || running) {
            return;
        }
        running = true;
        for (int i = 0; i < WORKERS; i++) {
            Thread thread = new Thread(this::work, "subscription-delivery-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            try {
                thread.join(settings.timeout().toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void work() {
        while (running) {
            try {
                if (!deliverDue()) {
                    Thread.sleep(settings.pollInterval().toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // Only the class: a database's or HAPI's message can quote records and ids.
                log.warn(
                        "Subscription delivery failed ({}); trying again shortly",
                        e.getClass().getSimpleName());
                try {
                    Thread.sleep(settings.pollInterval().toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Delivers a batch of due notifications; true if there was any. */
    private boolean deliverDue() throws InterruptedException {
        Instant now = clock.instant();
        Instant leaseEnd = now.plus(settings.lease());
        List<NotificationOutbox.Notification> due =
                transaction.execute(status -> outbox.claimDue(BATCH, now, leaseEnd));
        if (due == null || due.isEmpty()) {
            return false;
        }
        for (int i = 0; i < due.size(); i++) {
            NotificationOutbox.Notification notification = due.get(i);
            if (!running || clock.instant().plus(settings.timeout()).isAfter(leaseEnd)) {
                // Stopping, or slow receivers used up the lease: the next worker or server takes the rest at once
                // (not when the lease runs out), and must not send them twice. A stop's interrupt that came during
                // the claim is cleared first, so that it cannot refuse this thread a connection to hand them back;
                // the loop ends on its own, as the workers are no longer running.
                if (!running) {
                    Thread.interrupted();
                }
                outbox.release(notification.id());
                continue;
            }
            RestHookDelivery.Outcome outcome;
            try {
                outcome = attempt(notification);
            } catch (InterruptedException e) {
                // Stopped mid-delivery: the interrupted one (its receiver may have it) and the rest are due again.
                due.subList(i, due.size()).forEach(rest -> outbox.release(rest.id()));
                throw e;
            }
            if (outcome instanceof RestHookDelivery.Outcome.Failed failed) {
                int attempts = notification.attempts() + 1;
                outbox.failed(
                        notification.id(), attempts, clock.instant().plus(settings.retryDelay(attempts)), failed.why());
            } else {
                outbox.done(notification.id());
            }
        }
        return true;
    }

    /** A notification that cannot even be sent (a header the HTTP client refuses) fails as one not answered. */
    private RestHookDelivery.Outcome attempt(NotificationOutbox.Notification notification) throws InterruptedException {
        try {
            return delivery.deliver(notification);
        } catch (RuntimeException e) {
            return new RestHookDelivery.Outcome.Failed(
                    "the notification could not be sent (" + e.getClass().getSimpleName() + ")");
        }
    }
}
