package org.rehab.subscription;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.List;
import org.hl7.fhir.r4.model.Subscription;
import org.rehab.tenant.RequestTenants;
import org.springframework.stereotype.Component;

/**
 * The active Subscriptions of each hospital, kept in memory for a few seconds so that matching every write does not
 * search them again; a Subscription written on this instance is seen at once, one written on another instance
 * within {@link #FRESH_FOR}.
 */
@Component
class ActiveSubscriptions {

    static final Duration FRESH_FOR = Duration.ofSeconds(5);

    /** What matching needs of a Subscription. */
    record Active(String id, String resourceType, String criteria) {}

    private final Cache<String, List<Active>> byTenant = Caffeine.newBuilder()
            .expireAfterWrite(FRESH_FOR)
            .maximumSize(10_000)
            .build();
    private final DaoRegistry daos;

    ActiveSubscriptions(DaoRegistry daos) {
        this.daos = daos;
    }

    List<Active> of(String tenant) {
        return byTenant.get(tenant, this::read);
    }

    void changed(String tenant) {
        byTenant.invalidate(tenant);
    }

    private List<Active> read(String tenant) {
        SystemRequestDetails inTenant = RequestTenants.systemRequestIn(tenant);
        return daos
                .getResourceDao(Subscription.class)
                .searchForResources(
                        SearchParameterMap.newSynchronous().add("status", new TokenParam("active")), inTenant)
                .stream()
                .filter(subscription ->
                        subscription.getChannel().getType() == Subscription.SubscriptionChannelType.RESTHOOK)
                .map(subscription -> new Active(
                        subscription.getIdElement().getIdPart(),
                        subscription.getCriteria().split("\\?", 2)[0],
                        subscription.getCriteria()))
                .toList();
    }
}
