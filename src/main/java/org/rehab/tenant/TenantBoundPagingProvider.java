package org.rehab.tenant;

import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * HAPI's database-backed paging, with each search's pages bound to the tenant and the caller whose request made
 * the search (table {@code rehab_search_owner}, shared by every server instance): a page id taken from another
 * hospital's or another user's {@code next} link finds nothing (HAPI issue 7888).
 */
public class TenantBoundPagingProvider extends DatabaseBackedPagingProvider {

    /** Longer than HAPI keeps search results, so that no live search loses its owner. */
    private static final Duration KEPT = Duration.ofDays(2);

    private static final Duration CLEANUP_EVERY = Duration.ofMinutes(10);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Supplier<String> callerIdentity;
    private final AtomicReference<Instant> lastCleanup = new AtomicReference<>(Instant.EPOCH);

    /** @param callerIdentity who calls: the same string for the same caller, empty for anyone (local mode) */
    public TenantBoundPagingProvider(JdbcTemplate jdbc, Clock clock, Supplier<String> callerIdentity) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.callerIdentity = callerIdentity;
    }

    /** Not synchronized, unlike HAPI's: the owner is written outside HAPI's lock, so searches do not queue on it. */
    @Override
    public String storeResultList(RequestDetails request, IBundleProvider results) {
        String searchId = super.storeResultList(request, results);
        if (searchId != null) {
            Instant now = clock.instant();
            jdbc.update(
                    "INSERT INTO rehab_search_owner (search_id, tenant, caller, created_at) VALUES (?, ?, ?, ?)",
                    searchId,
                    tenantOf(request),
                    caller(),
                    Timestamp.from(now));
            Instant last = lastCleanup.get();
            if (now.isAfter(last.plus(CLEANUP_EVERY)) && lastCleanup.compareAndSet(last, now)) {
                jdbc.update("DELETE FROM rehab_search_owner WHERE created_at < ?", Timestamp.from(now.minus(KEPT)));
            }
        }
        return searchId;
    }

    @Override
    public IBundleProvider retrieveResultList(RequestDetails request, String searchId) {
        Integer owned = jdbc.queryForObject(
                "SELECT COUNT(*) FROM rehab_search_owner WHERE search_id = ? AND tenant = ? AND caller = ?",
                Integer.class,
                searchId,
                tenantOf(request),
                caller());
        if (owned == null || owned == 0) {
            throw new ResourceNotFoundException("No search result pages are known under this id for this tenant"
                    + " and caller: page through your own searches, using the links they answered with");
        }
        return super.retrieveResultList(request, searchId);
    }

    private static String tenantOf(RequestDetails request) {
        return request.getTenantId() == null ? "" : request.getTenantId();
    }

    private String caller() {
        return callerIdentity.get();
    }
}
