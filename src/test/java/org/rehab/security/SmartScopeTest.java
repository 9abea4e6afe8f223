package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.rehab.security.SmartScope.Context;
import org.rehab.security.SmartScope.Permission;
import org.springframework.security.oauth2.jwt.Jwt;

class SmartScopeTest {

    @Test
    void v2ScopeGrantsItsLetters() {
        SmartScope scope = SmartScope.parse("patient/Observation.rs").orElseThrow();

        assertThat(scope.context()).isEqualTo(Context.PATIENT);
        assertThat(scope.resourceType()).isEqualTo("Observation");
        assertThat(scope.permissions()).containsExactlyInAnyOrder(Permission.READ, Permission.SEARCH);
    }

    @Test
    void v1ScopesReadAsTheirV2Equivalents() {
        assertThat(SmartScope.parse("user/*.read").orElseThrow().permissions())
                .containsExactlyInAnyOrder(Permission.READ, Permission.SEARCH);
        assertThat(SmartScope.parse("user/Patient.write").orElseThrow().permissions())
                .containsExactlyInAnyOrder(Permission.CREATE, Permission.UPDATE, Permission.DELETE);
        assertThat(SmartScope.parse("system/*.*").orElseThrow().permissions())
                .containsExactlyInAnyOrder(Permission.values());
    }

    @Test
    void malformedOrConstrainedScopesGrantNothing() {
        assertThat(SmartScope.parse("patient/Observation.sr")).isEmpty(); // letters out of order
        assertThat(SmartScope.parse("patient/Observation.rs?category=laboratory"))
                .isEmpty();
        assertThat(SmartScope.parse("doctor/*.read")).isEmpty();
        assertThat(SmartScope.parse("launch/patient")).isEmpty();
        assertThat(SmartScope.parseAll("openid fhirUser launch/patient patient/*.rs"))
                .hasSize(1);
    }

    @Test
    void patientIsConfinedToTheirCompartmentWhateverThePrefix() {
        Caller patient = Caller.from(token(
                Map.of("realm_access", Map.of("roles", List.of("patient")), "patient", "108", "scope", "user/*.rs")));

        assertThat(patient.kind()).isEqualTo(Caller.Kind.PATIENT);
        assertThat(patient.compartmentOf(patient.effectiveScopes().get(0))).hasValue("108");
    }

    @Test
    void therapistCannotUseSystemScopesNorPatientScopesWithoutAPatientInContext() {
        Caller therapist = Caller.from(token(Map.of(
                "realm_access",
                Map.of("roles", List.of("therapist")),
                "scope",
                "system/*.cruds patient/*.rs user/Patient.rs")));

        assertThat(therapist.effectiveScopes()).extracting(SmartScope::context).containsExactly(Context.USER);
        assertThat(therapist.permits("Patient", Permission.READ)).isTrue();
        assertThat(therapist.permits("Observation", Permission.READ)).isFalse();
    }

    @Test
    void tokenWithoutRoleOrSystemScopeIsNobody() {
        assertThat(Caller.from(token(Map.of("scope", "openid"))).kind()).isEqualTo(Caller.Kind.NOBODY);
        assertThat(Caller.from(token(Map.of("scope", "system/*.rs"))).kind()).isEqualTo(Caller.Kind.SYSTEM);
    }

    @Test
    void everyEntryOfATransactionNeedsItsPermission() {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        bundle.addEntry().getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        bundle.addEntry().getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Patient/108");
        bundle.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Condition?patient=108");
        bundle.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Encounter/e1");
        bundle.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Procedure/p1");

        assertThat(InteractionScopes.needs(RestOperationTypeEnum.TRANSACTION, null, bundle))
                .containsExactly(
                        new InteractionScopes.Need("Observation", Permission.CREATE),
                        new InteractionScopes.Need("Patient", Permission.UPDATE),
                        new InteractionScopes.Need("Condition", Permission.SEARCH),
                        new InteractionScopes.Need("Encounter", Permission.READ),
                        new InteractionScopes.Need("Procedure", Permission.DELETE));
    }

    private static Jwt token(Map<String, Object> claims) {
        Jwt.Builder builder = Jwt.withTokenValue("t")
                .header("alg", "RS256")
                .subject("s")
                .claim("azp", "app")
                .issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(60));
        claims.forEach(builder::claim);
        return builder.build();
    }
}
