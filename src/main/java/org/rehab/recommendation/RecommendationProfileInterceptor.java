package org.rehab.recommendation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.util.ResourceUtil;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rehab.recommendation.rules.RecommendationType;

/**
 * A ServiceRequest that instantiates an entry of the recommendation catalog is a recommendation, whoever writes
 * it: it is made to claim the project's recommendation profile, so that repository validation holds it to that
 * profile.
 */
@Interceptor
public class RecommendationProfileInterceptor {

    /** Runs before repository validation (order 0). */
    private static final int BEFORE_VALIDATION = -100;

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = BEFORE_VALIDATION)
    public void onCreate(IBaseResource resource) {
        claimProfileIfRecommendation(resource);
    }

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = BEFORE_VALIDATION)
    public void onUpdate(IBaseResource previous, IBaseResource resource) {
        claimProfileIfRecommendation(resource);
    }

    static void claimProfileIfRecommendation(IBaseResource resource) {
        if (resource instanceof ServiceRequest request
                && instantiatesCatalog(request)
                && !request.getMeta().hasProfile(RecommendationRequests.PROFILE)) {
            request.getMeta().addProfile(RecommendationRequests.PROFILE);
            // The validator reads the request body as received unless told the resource changed.
            ResourceUtil.clearRawStringFromResource(request);
        }
    }

    private static boolean instantiatesCatalog(ServiceRequest request) {
        return request.getInstantiatesCanonical().stream()
                .map(CanonicalType::getValue)
                .anyMatch(url -> url != null && url.startsWith(RecommendationType.CATALOG_BASE));
    }
}
