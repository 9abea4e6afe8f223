package org.rehab.recommendation;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/** Counts recommendations created and closed, once their transaction has committed. */
@Component
class RecommendationMetrics {

    private final MeterRegistry registry;

    RecommendationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @TransactionalEventListener
    void count(RecommendationEvent event) {
        String name = event instanceof RecommendationEvent.Created
                ? "rehab.recommendations.created"
                : "rehab.recommendations.closed";
        registry.counter(name, "recommendation", event.type().key()).increment();
    }
}
