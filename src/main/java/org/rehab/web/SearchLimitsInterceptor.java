package org.rehab.web;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.param.NumberParam;
import ca.uhn.fhir.rest.param.QuantityParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.rehab.conformance.DecimalRange;

/**
 * Bounds what one search of a client's may ask of the database, on every search path (REST, batch entries, paging,
 * operations, a Bulk Data export's {@code _typeFilter}): the number of search parameters (each one a join), the OR
 * values of one parameter, and numbers within what the database stores. A search beyond them is a 400 naming the
 * setting, refused before any query is planned. The server's own searches (a batch job reading resources by the
 * hundred ids) are not bounded.
 */
@Interceptor
public class SearchLimitsInterceptor {

    private final int maxSearchParameters;
    private final int maxOrValues;
    private final FhirContext fhirContext;
    private final MatchUrlService matchUrls;

    public SearchLimitsInterceptor(
            int maxSearchParameters, int maxOrValues, FhirContext fhirContext, MatchUrlService matchUrls) {
        this.maxSearchParameters = maxSearchParameters;
        this.maxOrValues = maxOrValues;
        this.fhirContext = fhirContext;
        this.matchUrls = matchUrls;
    }

    @Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
    public void checkSearch(SearchParameterMap search, RequestDetails request) {
        if (!(request instanceof SystemRequestDetails)) {
            checkLimits(search);
        }
    }

    /** An export's filters are searched later by the server itself: they are held to the limits when it starts. */
    @Hook(Pointcut.STORAGE_PRE_INITIATE_BULK_EXPORT)
    public void checkExportFilters(BulkExportJobParameters export) {
        for (String filter : export.getFilters()) {
            int query = filter.indexOf('?');
            String type = query > 0 ? filter.substring(0, query) : filter;
            if (query < 0 || !fhirContext.getResourceTypes().contains(type)) {
                throw new InvalidRequestException(
                        "_typeFilter " + filter + " is not a search of a resource type, as in Observation?code=…");
            }
            checkLimits(matchUrls.translateMatchUrl(filter, fhirContext.getResourceDefinition(type)));
        }
    }

    private void checkLimits(SearchParameterMap search) {
        int parameters = search.getIncludes().size() + search.getRevIncludes().size();
        for (Map.Entry<String, List<List<IQueryParameterType>>> parameter : search.entrySet()) {
            for (List<IQueryParameterType> orValues : parameter.getValue()) {
                parameters++;
                if (orValues.size() > maxOrValues) {
                    throw new InvalidRequestException("Search parameter " + parameter.getKey() + " has "
                            + orValues.size() + " OR values: at most " + maxOrValues
                            + " are allowed (rehab.fhir.max-or-values)");
                }
                orValues.forEach(value -> checkNumber(parameter.getKey(), value));
            }
        }
        if (parameters > maxSearchParameters) {
            throw new InvalidRequestException("This search has " + parameters + " search parameters: at most "
                    + maxSearchParameters + " are allowed (rehab.fhir.max-search-parameters)");
        }
    }

    private static void checkNumber(String name, IQueryParameterType value) {
        BigDecimal number = value instanceof QuantityParam quantity
                ? quantity.getValue()
                : value instanceof NumberParam numberParam ? numberParam.getValue() : null;
        DecimalRange.refusal(number).ifPresent(why -> {
            throw new InvalidRequestException("Search parameter " + name + " has a " + why);
        });
    }
}
