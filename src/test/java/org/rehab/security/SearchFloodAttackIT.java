package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;

/**
 * Finding 5: one search cannot pin a core or a database backend: the number of search parameters and of OR values
 * is limited, and the refusal (a 400) names the limit and comes at once.
 */
class SearchFloodAttackIT extends SecuredServerIT {

    private String therapist;

    @BeforeEach
    void signIn() {
        hospitalsWithPatients();
        therapist = tokens.userToken("north-therapist", "openid user/*.rs");
    }

    @Test
    void searchWithHundredsOfRepeatedParametersIsRefusedAtOnce() {
        String form = IntStream.range(0, 10_000).mapToObj(i -> "name=n" + i).collect(Collectors.joining("&"));
        Instant start = Instant.now();

        HttpResponse<String> response = exchange(request("/fhir/north/Patient/_search")
                .header("Authorization", "Bearer " + therapist)
                .header("Accept", "application/fhir+json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));

        assertRefused(response, 400, "rehab.fhir.max-search-parameters");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void searchWithHundredsOfOrValuesIsRefusedAtOnce() {
        String values = IntStream.range(0, 500).mapToObj(i -> "n" + i).collect(Collectors.joining(","));

        assertRefused(get("/fhir/north/Patient?name=" + values, therapist), 400, "rehab.fhir.max-or-values");
    }

    @Test
    void ordinarySearchesStayWithinTheLimits() {
        String ids = IntStream.range(0, 50).mapToObj(i -> "p" + i).collect(Collectors.joining(","));

        assertThat(get("/fhir/north/Patient?_id=108," + ids + "&name=Whitfield&gender=male,female&_count=10", therapist)
                        .statusCode())
                .isEqualTo(200);
    }
}
