package org.rehab.web;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.param.NumberParam;
import ca.uhn.fhir.rest.param.QuantityParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.rehab.conformance.DecimalRange;

/**
 * Bounds what one search may ask of the database, on every search path (REST, batch entries, paging, operations):
 * the number of search parameters (each one a join), the OR values of one parameter, and numbers within what the
 * database stores. A search beyond them is a 400 naming the setting, refused before any query is planned.
 */
@Interceptor
public class SearchLimitsInterceptor {

    private final int maxSearchParameters;
    private final int maxOrValues;

    public SearchLimitsInterceptor(int maxSearchParameters, int maxOrValues) {
        this.maxSearchParameters = maxSearchParameters;
        this.maxOrValues = maxOrValues;
    }

    @Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
    public void checkLimits(SearchParameterMap search) {
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
