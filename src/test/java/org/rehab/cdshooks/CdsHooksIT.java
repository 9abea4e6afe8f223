package org.rehab.cdshooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.audit.AuditTrail;
import org.rehab.testsupport.SecuredServerIT;
import org.rehab.testsupport.TestEhr;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The CDS Hooks services of each hospital, called as an EHR calls them: the specification's examples with the demo
 * patients, the prefetch, fhirAuthorization, the duplicate-order hooks, and the attacks on the EHR's JWT.
 */
class CdsHooksIT extends SecuredServerIT {

    private static final String PATIENT_VIEW = "/cds/north/cds-services/rehab-recommendations";
    private static final String ORDER_SIGN = "/cds/north/cds-services/rehab-duplicate-order-sign";
    private static final String ORDER_SELECT = "/cds/north/cds-services/rehab-duplicate-order-select";

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    private AuditTrail auditTrail;

    @Autowired
    private JdbcTemplate jdbc;

    @BeforeEach
    void demoPatients() {
        hospitalsWithPatients();
    }

    @Test
    void discoveryListsTheHospitalsServicesWithTheirPrefetch() throws IOException {
        HttpResponse<String> discovery = require(get("/cds/north/cds-services", null), 200);

        JsonNode services = json.readTree(discovery.body()).get("services");
        assertThat(services).hasSize(3);
        JsonNode patientView = services.get(0);
        assertThat(patientView.get("id").asText()).isEqualTo("rehab-recommendations");
        assertThat(patientView.get("hook").asText()).isEqualTo("patient-view");
        assertThat(patientView.get("description").asText()).isNotBlank();
        assertThat(patientView.get("prefetch").get("patient").asText()).isEqualTo("Patient/{{context.patientId}}");
        assertThat(services.findValuesAsText("hook")).contains("order-select", "order-sign");
    }

    @Test
    void discoveryOfAnUnknownHospitalIsNotFound() {
        assertRefused(get("/cds/nowhere/cds-services", null), 404, "No hospital nowhere");
    }

    @Test
    void specificationsPatientViewExampleGetsTheCardsOfEachDemoPatient() throws IOException {
        assertThat(recommendedTopics(callPatientView("108"))).containsExactlyInAnyOrder("91251008", "52052004");
        assertThat(recommendedTopics(callPatientView("105"))).containsExactly("718361005");
        assertThat(recommendedTopics(callPatientView("102"))).containsExactly("52052004");
    }

    @Test
    void aCardSaysWhyWithTheEvidenceTheRuleSetAndAProposalToCreate() throws IOException {
        JsonNode cards = callPatientView("108");

        JsonNode therapy = cardOfTopic(cards, "91251008");
        assertThat(therapy.get("indicator").asText()).isEqualTo("info");
        assertThat(therapy.get("summary").asText().length()).isLessThan(140);
        assertThat(therapy.get("detail").asText()).contains("over 65").contains("**Evidence**");
        assertThat(therapy.get("source").get("label").asText()).startsWith("Rehabilitation rules, rule set ");
        JsonNode link = therapy.get("links").get(0);
        assertThat(link.get("type").asText()).isEqualTo("smart");
        assertThat(link.get("url").asText()).isEqualTo("http://localhost:" + port + "/dashboard/");
        if (therapy.get("summary").asText().startsWith("Consider")) {
            JsonNode action = therapy.get("suggestions").get(0).get("actions").get(0);
            assertThat(action.get("type").asText()).isEqualTo("create");
            JsonNode proposal = action.get("resource");
            assertThat(proposal.get("resourceType").asText()).isEqualTo("ServiceRequest");
            assertThat(proposal.get("intent").asText()).isEqualTo("proposal");
            assertThat(proposal.get("subject").get("reference").asText()).isEqualTo("Patient/108");
            assertThat(therapy.get("selectionBehavior").asText()).isEqualTo("at-most-one");
        } else {
            assertThat(therapy.get("summary").asText()).contains("already proposed");
            assertThat(therapy.has("suggestions")).isFalse();
        }
    }

    @Test
    void eachCallIsAuditedInTheHospitalWithTheEhrAndThePatient() throws IOException {
        ObjectNode request = patientViewRequest("102");
        String hookInstance = request.get("hookInstance").asText();
        require(post(PATIENT_VIEW, northToken(PATIENT_VIEW), request), 200);
        auditTrail.flush();

        JsonNode events = json.readTree(require(
                                get(
                                        "/fhir/north/AuditEvent?entity=Patient/102&_count=500",
                                        tokens.userToken("north-admin", "openid user/*.rs")),
                                200)
                        .body())
                .get("entry");
        JsonNode event = null;
        for (JsonNode entry : events) {
            if (entry.toString().contains(hookInstance)) {
                event = entry.get("resource");
            }
        }
        assertThat(event).as("the AuditEvent of hook instance %s", hookInstance).isNotNull();
        assertThat(event.get("subtype").get(0).get("code").asText()).isEqualTo("patient-view");
        assertThat(event.get("outcome").asText()).isEqualTo("0");
        assertThat(event.get("agent").get(0).get("who").get("display").asText()).isEqualTo(TestEhr.NORTH.issuer());
    }

    @Test
    void aDryRunWritesNothing() throws IOException {
        String before = get("/fhir/north/ServiceRequest?patient=102&_summary=count", northEhr("system/*.rs"))
                .body();
        callPatientView("102");
        String after = get("/fhir/north/ServiceRequest?patient=102&_summary=count", northEhr("system/*.rs"))
                .body();
        assertThat(json.readTree(after).get("total"))
                .isEqualTo(json.readTree(before).get("total"));
    }

    @Test
    void anotherHospitalsPatientGetsNoCard() throws IOException {
        // s-1 is south's patient, with a BMI of 31: north's service does not see them.
        JsonNode cards = callPatientView("s-1");
        assertThat(cards).isEmpty();
    }

    @Test
    void theHospitalOfThePatientSeesThemThroughItsOwnEhr() throws IOException {
        String path = "/cds/south/cds-services/rehab-recommendations";
        HttpResponse<String> response =
                require(post(path, TestEhr.SOUTH.token(url(path)), patientViewRequest("s-1")), 200);
        assertThat(recommendedTopics(json.readTree(response.body()).get("cards")))
                .containsExactly("718361005");
    }

    @Test
    void prefetchedRecordIsUsedWithoutReadingTheTenant() throws IOException {
        ObjectNode request = patientViewRequest("cds-only");
        ObjectNode prefetch = request.putObject("prefetch");
        prefetch.set(
                "patient",
                json.readTree("{\"resourceType\":\"Patient\",\"id\":\"cds-only\",\"birthDate\":\"1940-02-03\","
                        + "\"extension\":[{\"url\":\"http://ehr.example/unknown\",\"valueString\":\"x\"}]}"));
        prefetch.set(
                "conditions",
                bundle("{\"resourceType\":\"Condition\",\"id\":\"c1\","
                        + "\"clinicalStatus\":{\"coding\":[{\"system\":"
                        + "\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"active\"}]},"
                        + "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"82423001\","
                        + "\"display\":\"Chronic pain\"}]},\"subject\":{\"reference\":\"Patient/cds-only\"}}"));
        prefetch.set("observations", bundle());
        prefetch.set("procedures", bundle());

        JsonNode cards = cards(require(post(PATIENT_VIEW, northToken(PATIENT_VIEW), request), 200));

        assertThat(recommendedTopics(cards)).containsExactly("91251008");
        assertThat(cards.get(0).get("detail").asText()).contains("Chronic pain");
        assertThat(get("/fhir/north/Patient/cds-only", northEhr("system/*.rs")).statusCode())
                .isEqualTo(404);
    }

    @Test
    void prefetchAboutAnotherPatientIsLeftOut() throws IOException {
        ObjectNode request = patientViewRequest("cds-other");
        ObjectNode prefetch = request.putObject("prefetch");
        prefetch.set(
                "patient",
                json.readTree("{\"resourceType\":\"Patient\",\"id\":\"cds-other\",\"birthDate\":\"1940-02-03\"}"));
        prefetch.set(
                "conditions",
                bundle("{\"resourceType\":\"Condition\",\"id\":\"c1\","
                        + "\"clinicalStatus\":{\"coding\":[{\"system\":"
                        + "\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"active\"}]},"
                        + "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"82423001\"}]},"
                        + "\"subject\":{\"reference\":\"Patient/someone-else\"}}"));
        prefetch.set("observations", bundle());
        prefetch.set("procedures", bundle());

        assertThat(cards(require(post(PATIENT_VIEW, northToken(PATIENT_VIEW), request), 200)))
                .isEmpty();
    }

    @Test
    void fhirAuthorizationForThisHospitalThatGrantsTheMissingDataIsHonoured() throws IOException {
        ObjectNode request = authorizedForNorth(patientViewRequest("105"), northEhr("system/*.rs"));

        JsonNode cards = cards(require(post(PATIENT_VIEW, northToken(PATIENT_VIEW), request), 200));
        assertThat(recommendedTopics(cards)).containsExactly("718361005");
    }

    @Test
    void fhirAuthorizationThatDoesNotGrantTheMissingDataFailsThePrecondition() {
        ObjectNode request = authorizedForNorth(patientViewRequest("105"), northEhr("system/Patient.rs"));

        assertRefused(post(PATIENT_VIEW, northToken(PATIENT_VIEW), request), 412, "does not grant searching Condition");
    }

    @Test
    void fhirAuthorizationOfAnotherHospitalFailsThePrecondition() {
        ObjectNode request = authorizedForNorth(patientViewRequest("105"), southEhr("system/*.rs"));

        assertRefused(post(PATIENT_VIEW, northToken(PATIENT_VIEW), request), 412, "does not grant searching");
    }

    @Test
    void fhirAuthorizationOfAnotherPatientReadsNoneOfThisPatientsRecommendations() throws IOException {
        ObjectNode request = authorizedForNorth(
                orderRequest("order-sign", "105", "draft-1", "718361005"),
                tokens.userToken("patient-108", "openid launch/patient patient/*.read"));

        assertRefused(
                post(ORDER_SIGN, northToken(ORDER_SIGN), request), 412, "does not grant searching ServiceRequest");
    }

    @Test
    void fhirAuthorizationThatIsNotAValidTokenFailsThePrecondition() {
        ObjectNode request = authorizedForNorth(patientViewRequest("105"), "some-opaque-fhir-access-token");

        assertRefused(post(PATIENT_VIEW, northToken(PATIENT_VIEW), request), 412, "is not valid for");
    }

    @Test
    void orderSignWarnsOfAnOrderAnActiveRecommendationAlreadyProposes() throws IOException {
        require(
                send(
                        "POST",
                        "/fhir/north/Patient/105/$evaluate",
                        tokens.userToken("north-therapist", "openid user/*.rs user/ServiceRequest.c"),
                        null),
                200);
        ObjectNode request = orderRequest("order-sign", "105", "draft-1", "718361005");

        JsonNode cards = cards(require(post(ORDER_SIGN, northToken(ORDER_SIGN), request), 200));

        assertThat(cards).hasSize(1);
        assertThat(cards.get(0).get("indicator").asText()).isEqualTo("warning");
        assertThat(cards.get(0).get("summary").asText())
                .isEqualTo("Weight Management Program is already proposed for this patient");
    }

    @Test
    void orderSelectLooksAtTheSelectedOrdersOnly() throws IOException {
        require(
                send(
                        "POST",
                        "/fhir/north/Patient/105/$evaluate",
                        tokens.userToken("north-therapist", "openid user/*.rs user/ServiceRequest.c"),
                        null),
                200);
        ObjectNode selected = orderRequest("order-select", "105", "draft-1", "718361005");
        ((ObjectNode) selected.get("context")).putArray("selections").add("ServiceRequest/draft-1");
        ObjectNode notSelected = orderRequest("order-select", "105", "draft-1", "718361005");
        ((ObjectNode) notSelected.get("context")).putArray("selections").add("ServiceRequest/draft-2");

        assertThat(cards(require(post(ORDER_SELECT, northToken(ORDER_SELECT), selected), 200)))
                .hasSize(1);
        assertThat(cards(require(post(ORDER_SELECT, northToken(ORDER_SELECT), notSelected), 200)))
                .isEmpty();
    }

    @Test
    void anOrderOfSomethingElseGetsNoCard() throws IOException {
        ObjectNode request = orderRequest("order-sign", "105", "draft-1", "73761001"); // a colonoscopy
        assertThat(cards(require(post(ORDER_SIGN, northToken(ORDER_SIGN), request), 200)))
                .isEmpty();
    }

    // --- the EHR's JWT (CDS Hooks 2.0, "Trusting CDS Clients") ---

    @Test
    void aCallWithoutATokenIsRefused() {
        HttpResponse<String> refused = post(PATIENT_VIEW, null, patientViewRequest("108"));
        assertRefused(refused, 401, "signed JWT of an EHR registered for this hospital");
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }

    @Test
    void aTokenOfAnotherHospitalsEhrIsRefused() {
        assertRefused(
                post(PATIENT_VIEW, TestEhr.SOUTH.token(url(PATIENT_VIEW)), patientViewRequest("108")),
                401,
                "not an EHR registered for this hospital");
    }

    @Test
    void aTokenForAnotherServiceIsRefused() {
        assertThat(post(PATIENT_VIEW, northToken(ORDER_SIGN), patientViewRequest("108"))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void aTokenUsedTwiceIsRefusedTheSecondTime() {
        String token = northToken(PATIENT_VIEW);
        assertThat(post(PATIENT_VIEW, token, patientViewRequest("108")).statusCode())
                .isEqualTo(200);
        HttpResponse<String> replayed = post(PATIENT_VIEW, token, patientViewRequest("108"));
        assertThat(replayed.statusCode()).isEqualTo(401);
        assertThat(replayed.headers().firstValue("WWW-Authenticate").orElse("")).contains("used before");
    }

    @Test
    void aTokenUsedHereIsRefusedByAnotherInstanceOfTheServer() {
        String jti = UUID.randomUUID().toString();
        Instant expiresAt = Instant.now().plus(Duration.ofMinutes(5));
        assertThat(post(PATIENT_VIEW, TestEhr.NORTH.token(url(PATIENT_VIEW), jti, expiresAt), patientViewRequest("108"))
                        .statusCode())
                .isEqualTo(200);

        // another instance shares the database, not this one's memory
        UsedTokens anotherInstance = new UsedTokens(jdbc, Clock.systemUTC(), Duration.ofSeconds(30));
        assertThat(anotherInstance.firstUse(TestEhr.NORTH.issuer(), jti, expiresAt))
                .isFalse();
        assertThat(anotherInstance.firstUse(
                        TestEhr.NORTH.issuer(), UUID.randomUUID().toString(), expiresAt))
                .isTrue();
    }

    @Test
    void aTokenWithAnOverlongIdIsRefused() {
        String token = TestEhr.NORTH.token(
                url(PATIENT_VIEW),
                "x".repeat(UsedTokens.MAX_ID_LENGTH + 1),
                Instant.now().plus(Duration.ofMinutes(5)));
        HttpResponse<String> refused = post(PATIENT_VIEW, token, patientViewRequest("108"));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate").orElse("")).contains("jti is longer");
    }

    @Test
    void anExpiredTokenIsRefused() {
        String expired = TestEhr.NORTH.token(
                url(PATIENT_VIEW), UUID.randomUUID().toString(), Instant.now().minus(Duration.ofMinutes(5)));
        assertThat(post(PATIENT_VIEW, expired, patientViewRequest("108")).statusCode())
                .isEqualTo(401);
    }

    @Test
    void aTokenLivingLongerThanFiveMinutesIsRefused() {
        String longLived = TestEhr.NORTH.token(
                url(PATIENT_VIEW), UUID.randomUUID().toString(), Instant.now().plus(Duration.ofHours(1)));
        HttpResponse<String> refused = post(PATIENT_VIEW, longLived, patientViewRequest("108"));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate").orElse("")).contains("5 minutes");
    }

    @Test
    void aTokenWithoutIatIsRefused() {
        String noIat = TestEhr.NORTH.sign(new JWTClaimsSet.Builder()
                .issuer(TestEhr.NORTH.issuer())
                .audience(url(PATIENT_VIEW))
                .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString())
                .build());
        assertThat(post(PATIENT_VIEW, noIat, patientViewRequest("108")).statusCode())
                .isEqualTo(401);
    }

    @Test
    void anEncryptedTokenIsRefusedAsNotSigned() {
        String header = base64Url("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"}");
        HttpResponse<String> refused = post(PATIENT_VIEW, header + ".a.b.c.d", patientViewRequest("108"));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate").orElse("")).contains("not a signed JWT");
    }

    @Test
    void aTokenWithoutJtiIsRefused() {
        String noJti = TestEhr.NORTH.sign(new JWTClaimsSet.Builder()
                .issuer(TestEhr.NORTH.issuer())
                .audience(url(PATIENT_VIEW))
                .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .build());
        assertThat(post(PATIENT_VIEW, noJti, patientViewRequest("108")).statusCode())
                .isEqualTo(401);
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() {
        String forged = TestEhr.NORTH.signWithAnotherKey(new JWTClaimsSet.Builder()
                .issuer(TestEhr.NORTH.issuer())
                .audience(url(PATIENT_VIEW))
                .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString())
                .build());
        assertThat(post(PATIENT_VIEW, forged, patientViewRequest("108")).statusCode())
                .isEqualTo(401);
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String header = base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String claims = base64Url("{\"iss\":\"" + TestEhr.NORTH.issuer() + "\",\"aud\":\"" + url(PATIENT_VIEW)
                + "\",\"exp\":" + (Instant.now().getEpochSecond() + 300) + ",\"jti\":\"" + UUID.randomUUID() + "\"}");
        assertThat(post(PATIENT_VIEW, header + "." + claims + ".", patientViewRequest("108"))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void aKeycloakAccessTokenIsNoEhrToken() {
        assertThat(post(PATIENT_VIEW, northEhr("system/*.rs"), patientViewRequest("108"))
                        .statusCode())
                .isEqualTo(401);
    }

    // --- bad requests ---

    @Test
    void aBodyThatIsNotJsonIsABadRequest() {
        assertRefused(sendJson(PATIENT_VIEW, northToken(PATIENT_VIEW), "{\"hook\": patient-view"), 400, "not JSON");
    }

    @Test
    void aRequestOfAnotherHookIsABadRequest() {
        ObjectNode request = patientViewRequest("108");
        request.put("hook", "order-sign");
        assertRefused(post(PATIENT_VIEW, northToken(PATIENT_VIEW), request), 400, "answers the patient-view hook");
    }

    @Test
    void aPatientIdThatIsNoStringIsABadRequest() {
        ObjectNode request = patientViewRequest("108");
        ((ObjectNode) request.get("context")).put("patientId", 108);
        assertRefused(post(PATIENT_VIEW, northToken(PATIENT_VIEW), request), 400, "patientId as a string");
    }

    @Test
    void aPrefetchedPatientOtherThanTheContextsIsABadRequest() throws IOException {
        ObjectNode request = patientViewRequest("108");
        request.putObject("prefetch").set("patient", json.readTree("{\"resourceType\":\"Patient\",\"id\":\"105\"}"));
        assertRefused(post(PATIENT_VIEW, northToken(PATIENT_VIEW), request), 400, "not the Patient of context");
    }

    @Test
    void aBodyOverTheSizeLimitIsRefused() {
        ObjectNode request = patientViewRequest("108");
        request.put("padding", "x".repeat(5 * 1024 * 1024));
        assertRefused(post(PATIENT_VIEW, northToken(PATIENT_VIEW), request), 413, "larger than the limit");
    }

    @Test
    void anUnknownServiceIsNotFound() {
        String path = "/cds/north/cds-services/no-such-service";
        assertRefused(post(path, TestEhr.NORTH.token(url(path)), patientViewRequest("108")), 404, "no CDS service");
    }

    // --- helpers ---

    /** The specification's patient-view example request, for this patient. */
    private ObjectNode patientViewRequest(String patientId) {
        try {
            ObjectNode request = (ObjectNode)
                    json.readTree(Files.readString(Path.of("src/test/resources/cds-hooks/patient-view-request.json")));
            request.put("hookInstance", UUID.randomUUID().toString());
            ((ObjectNode) request.get("context")).put("patientId", patientId);
            return request;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private ObjectNode orderRequest(String hook, String patientId, String draftId, String snomedCode)
            throws IOException {
        ObjectNode request = json.createObjectNode();
        request.put("hook", hook);
        request.put("hookInstance", UUID.randomUUID().toString());
        ObjectNode context = request.putObject("context");
        context.put("userId", "Practitioner/example");
        context.put("patientId", patientId);
        context.set(
                "draftOrders",
                bundle("{\"resourceType\":\"ServiceRequest\",\"id\":\"" + draftId + "\",\"status\":\"draft\","
                        + "\"intent\":\"order\",\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\","
                        + "\"code\":\"" + snomedCode + "\"}]},\"subject\":{\"reference\":\"Patient/" + patientId
                        + "\"}}"));
        return request;
    }

    /** The request with a fhirAuthorization for north's FHIR base on this server. */
    private ObjectNode authorizedForNorth(ObjectNode request, String accessToken) {
        request.put("fhirServer", "http://localhost:" + port + "/fhir/north");
        ObjectNode authorization = request.putObject("fhirAuthorization");
        authorization.put("access_token", accessToken);
        authorization.put("token_type", "Bearer");
        authorization.put("expires_in", 300);
        authorization.put("scope", "system/*.rs");
        authorization.put("subject", "cds-service");
        return request;
    }

    private JsonNode bundle(String... resources) throws IOException {
        ObjectNode bundle = json.createObjectNode();
        bundle.put("resourceType", "Bundle");
        bundle.put("type", "searchset");
        var entries = bundle.putArray("entry");
        for (String resource : resources) {
            entries.addObject().set("resource", json.readTree(resource));
        }
        return bundle;
    }

    private JsonNode callPatientView(String patientId) throws IOException {
        return cards(require(post(PATIENT_VIEW, northToken(PATIENT_VIEW), patientViewRequest(patientId)), 200));
    }

    private JsonNode cards(HttpResponse<String> response) throws IOException {
        JsonNode cards = json.readTree(response.body()).get("cards");
        assertThat(cards).as("cards of %s", response.body()).isNotNull();
        return cards;
    }

    private static List<String> recommendedTopics(JsonNode cards) {
        List<String> topics = new ArrayList<>();
        cards.forEach(
                card -> topics.add(card.get("source").get("topic").get("code").asText()));
        return topics;
    }

    private static JsonNode cardOfTopic(JsonNode cards, String code) {
        for (JsonNode card : cards) {
            if (code.equals(card.get("source").get("topic").get("code").asText())) {
                return card;
            }
        }
        throw new AssertionError("No card about " + code + " in " + cards);
    }

    private String northToken(String path) {
        return TestEhr.NORTH.token(url(path));
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private HttpResponse<String> post(String path, String token, JsonNode body) {
        return sendJson(path, token, body.toString());
    }

    private HttpResponse<String> sendJson(String path, String token, String body) {
        var request = request(path)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return exchange(request);
    }

    private static String base64Url(String text) {
        return java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
