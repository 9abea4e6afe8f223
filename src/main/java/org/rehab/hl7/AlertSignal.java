package org.rehab.hl7;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/** Wakes an idle delivery worker when an alert is recorded, so that it need not wait for its next poll. */
@Component
class AlertSignal {

    private final Semaphore wakeUps = new Semaphore(0);

    void signal() {
        if (wakeUps.availablePermits() < 64) {
            wakeUps.release();
        }
    }

    /** Waits for a signal, at most {@code timeout}. */
    void await(Duration timeout) throws InterruptedException {
        wakeUps.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
