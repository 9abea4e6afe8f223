package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;

/**
 * Finding 2 (cross-tenant paging) and the paging part of finding 7: a page of search results belongs to the tenant
 * and the caller whose search made it; everyone can page through their own.
 */
class PagingAttackIT extends SecuredServerIT {

    private static final Pattern PAGE = Pattern.compile("_getpages=([^&\"]+)");

    private String northTherapist;

    @BeforeEach
    void patients() {
        hospitalsWithPatients();
        northTherapist = tokens.userToken("north-therapist", "openid user/*.cruds");
    }

    @Test
    void anotherHospitalCannotReadASearchsPagesUnderItsOwnTenant() {
        String page = nextPage(get("/fhir/north/Patient?_count=1", northTherapist));
        String southAdmin = tokens.userToken("south-admin", "openid user/*.cruds");

        HttpResponse<String> stolen = get("/fhir/south?_getpages=" + page + "&_getpagesoffset=0&_count=50", southAdmin);

        assertRefused(stolen, 404, "No search result pages");
        assertThat(stolen.body()).doesNotContain("Whitfield").doesNotContain("\"Patient\"");
    }

    @Test
    void anotherHospitalCannotReadEverythingPages() {
        String page = nextPage(get("/fhir/north/Patient/108/$everything?_count=1", northTherapist));

        HttpResponse<String> stolen = get("/fhir/south?_getpages=" + page, southEhr("system/*.rs"));

        assertRefused(stolen, 404, "No search result pages");
    }

    @Test
    void anotherCallerOfTheSameHospitalCannotReadSomeoneElsesPages() {
        String page = nextPage(get("/fhir/north/Patient?_count=1", northTherapist));
        String patient = tokens.userToken("patient-108", "openid launch/patient patient/*.rs");

        assertRefused(get("/fhir/north?_getpages=" + page, patient), 404, "No search result pages");
    }

    @Test
    void everyCallerPagesThroughTheirOwnSearch() {
        require(
                send(
                        "PUT",
                        "/fhir/north/Observation/paging-second",
                        northEhr("system/*.cruds"),
                        "{\"resourceType\":\"Observation\",\"id\":\"paging-second\",\"status\":\"final\","
                                + "\"code\":{\"text\":\"steps\"},\"subject\":{\"reference\":\"Patient/108\"}}"),
                201);
        String patient = tokens.userToken("patient-108", "openid launch/patient patient/*.rs");
        String ehr = northEhr("system/*.rs");
        for (String token : new String[] {northTherapist, ehr, patient}) {
            String page = nextPage(get("/fhir/north/Observation?_count=1", token));

            HttpResponse<String> next = get("/fhir/north?_getpages=" + page + "&_getpagesoffset=1&_count=1", token);

            assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
            assertThat(next.body()).contains("\"resourceType\":\"Observation\"");
        }
    }

    private static String nextPage(HttpResponse<String> searchset) {
        require(searchset, 200);
        Matcher page = PAGE.matcher(searchset.body());
        assertThat(page.find()).as("a next link in " + searchset.body()).isTrue();
        return page.group(1);
    }
}
