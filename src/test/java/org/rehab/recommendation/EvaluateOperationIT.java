package org.rehab.recommendation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;
import org.springframework.beans.factory.annotation.Autowired;

/** {@code Patient/$evaluate} through the FHIR API, on the shared server. */
class EvaluateOperationIT extends FhirServerIT {

    private static final String PHYSICAL_THERAPY = "91251008";
    private static final String WEIGHT_MANAGEMENT = "718361005";
    private static final String POST_OP_REHABILITATION = "52052004";

    @Autowired
    MeterRegistry meters;

    @Autowired
    ca.uhn.fhir.jpa.api.dao.DaoRegistry daos;

    @Autowired
    ca.uhn.fhir.jpa.api.config.JpaStorageSettings storage;

    @Autowired
    RecommendationSettings settings;

    @Test
    void demoPatientsGetExactlyTheirExpectedRecommendations() {
        String tenant = createTenant("demo");
        loadDemoData(tenant);

        assertThat(view(evaluate(tenant, "108", false)).codes())
                .containsExactly(POST_OP_REHABILITATION, PHYSICAL_THERAPY);
        assertThat(view(evaluate(tenant, "105", false)).codes()).containsExactly(WEIGHT_MANAGEMENT);
        assertThat(view(evaluate(tenant, "102", false)).codes()).containsExactly(POST_OP_REHABILITATION);

        assertThat(activeCodes(tenant, "108")).containsExactly(POST_OP_REHABILITATION, PHYSICAL_THERAPY);
        assertThat(activeCodes(tenant, "105")).containsExactly(WEIGHT_MANAGEMENT);
        assertThat(activeCodes(tenant, "102")).containsExactly(POST_OP_REHABILITATION);
    }

    @Test
    void patientWhoDiedGetsNoRecommendationAndTheResponseSaysWhy() {
        String tenant = createTenant("deceased");
        loadDemoData(tenant);
        Patient patient =
                client(tenant).read().resource(Patient.class).withId("108").execute();
        patient.setDeceased(new DateTimeType("2001-03-04"));
        client(tenant).update().resource(patient).execute();

        EvaluationView evaluation = view(evaluate(tenant, "108", false));

        assertThat(evaluation.codes()).isEmpty();
        assertThat(evaluation.summary())
                .isEqualTo("No new recommendation: the patient is recorded as deceased on 2001-03-04.");
        assertThat(activeCodes(tenant, "108")).isEmpty();
    }

    @Test
    void everyResponseSaysWhichRulesFiredAndWhy() {
        String tenant = createTenant("why");
        loadDemoData(tenant);

        EvaluationView evaluation = view(evaluate(tenant, "108", false));

        assertThat(evaluation.summary())
                .isEqualTo("2 recommendations: Physical Therapy (created), Post-Op Rehabilitation Plan (created).");
        assertThat(evaluation.facts())
                .contains("age 72")
                .contains("Chronic pain")
                .contains("Total knee replacement");
        assertThat(evaluation.recommendations())
                .extracting(EvaluationView.Item::rule)
                .containsExactly(
                        "Older patient with chronic pain gets physical therapy",
                        "Recent surgery in an admissible department gets a post-op rehabilitation plan");
        assertThat(evaluation.recommendations().get(0).explanation())
                .contains("Aged 72, over 65")
                .contains("chronic pain");
    }

    @Test
    void reEvaluatingCreatesNothingNew() {
        String tenant = createTenant("again");
        loadDemoData(tenant);
        EvaluationView first = view(evaluate(tenant, "108", false));

        EvaluationView second = view(evaluate(tenant, "108", false));

        assertThat(first.statuses()).containsExactly("created");
        assertThat(second.statuses()).containsExactly("already-active");
        assertThat(ids(second)).isEqualTo(ids(first));
        assertThat(search(tenant, "ServiceRequest?patient=108")).hasSize(2);
        assertThat(search(tenant, "Provenance?agent=Device/rehab-rule-engine")).hasSize(2);
    }

    @Test
    void concurrentEvaluationsOfOnePatientCreateEachRecommendationOnce() throws Exception {
        String tenant = createTenant("race");
        loadDemoData(tenant);
        double createdBefore = createdCount();
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<EvaluationView>> evaluations = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            evaluations.add(() -> {
                start.await();
                return view(evaluate(tenant, "108", false));
            });
        }

        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<EvaluationView>> futures =
                evaluations.stream().map(pool::submit).toList();
        start.countDown();
        List<EvaluationView> results = new ArrayList<>();
        for (Future<EvaluationView> future : futures) {
            results.add(future.get());
        }
        pool.shutdown();

        assertThat(results)
                .allSatisfy(r -> assertThat(r.codes()).containsExactly(POST_OP_REHABILITATION, PHYSICAL_THERAPY));
        assertThat(results.stream().map(EvaluateOperationIT::ids).collect(Collectors.toSet()))
                .hasSize(1);
        assertThat(search(tenant, "ServiceRequest?patient=108")).hasSize(2);
        assertThat(search(tenant, "Provenance?agent=Device/rehab-rule-engine")).hasSize(2);
        assertThat(createdCount() - createdBefore).isEqualTo(2.0);
    }

    @Test
    void recommendationsConformToTheProfileAndCiteTheirEvidenceAndProvenance() {
        String tenant = createTenant("cite");
        loadDemoData(tenant);
        EvaluationView evaluation = view(evaluate(tenant, "108", false));

        for (EvaluationView.Item item : evaluation.recommendations()) {
            ServiceRequest stored = client(tenant)
                    .read()
                    .resource(ServiceRequest.class)
                    .withId(item.serviceRequest().getIdElement().getIdPart())
                    .execute();
            assertThat(stored.getMeta().hasProfile(RecommendationRequests.PROFILE))
                    .isTrue();
            assertThat(errorsValidating(tenant, stored)).isEmpty();
            assertThat(stored.getIntent()).isEqualTo(ServiceRequest.ServiceRequestIntent.PROPOSAL);
            assertThat(stored.getRequester().getReference()).isEqualTo("Device/rehab-rule-engine");
            assertThat(stored.getInstantiatesCanonical().get(0).getValue())
                    .startsWith("http://rehab.example.org/fhir/ActivityDefinition/");
            List<Reference> evidence = new ArrayList<>(stored.getReasonReference());
            evidence.addAll(stored.getSupportingInfo());
            assertThat(evidence).isNotEmpty();
            evidence.forEach(reference ->
                    assertThat(read(tenant, reference.getReference())).isNotNull());

            Provenance provenance = (Provenance)
                    read(tenant, stored.getRelevantHistoryFirstRep().getReference());
            assertThat(provenance.getTargetFirstRep().getReference())
                    .isEqualTo("ServiceRequest/" + stored.getIdElement().getIdPart());
            assertThat(provenance.getAgentFirstRep().getWho().getReference()).isEqualTo("Device/rehab-rule-engine");
            assertThat(provenance.getPolicy())
                    .extracting(p -> p.getValue())
                    .contains("http://rehab.example.org/fhir/rules/rule-set/" + evaluation.ruleSetVersion())
                    .anyMatch(p -> p.endsWith(".drl"));
            assertThat(provenance.getReasonFirstRep().getText()).isEqualTo(item.rule());
            assertThat(provenance.getEntity())
                    .extracting(e -> e.getWhat().getReference())
                    .containsExactlyElementsOf(
                            evidence.stream().map(Reference::getReference).toList());
        }
    }

    @Test
    void whatTheRuleModuleWritesPassesTheValidationAClientsWriteGets() {
        // The server's own writes are not validated as they are stored (ProfileValidatingInterceptor): this holds them
        // to the same validation, profiles and policy as a client's write.
        String tenant = createTenant("selfvalid");
        loadDemoData(tenant);
        for (String patient : List.of("102", "105", "108")) {
            evaluate(tenant, patient, false);
        }

        List<Resource> written = new ArrayList<>();
        written.addAll(search(tenant, "ServiceRequest"));
        written.addAll(search(tenant, "Provenance"));
        written.addAll(search(tenant, "Device"));
        written.addAll(search(tenant, "Observation?patient=102&code=http://loinc.org|39156-5"));
        assertThat(written)
                .extracting(Resource::fhirType)
                .contains("ServiceRequest", "Provenance", "Device", "Observation");
        for (Resource resource : written) {
            assertThat(validationErrors(tenant, resource))
                    .as(resource.fhirType() + " as the rule module wrote it")
                    .isEmpty();
        }
        ServiceRequest broken =
                (ServiceRequest) search(tenant, "ServiceRequest").get(0);
        broken.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        assertThat(validationErrors(tenant, broken))
                .as("the same validation refuses a recommendation off its profile")
                .isNotEmpty();
    }

    @Test
    void bmiDerivedFromHeightAndWeightIsStoredWithDerivedFrom() {
        String tenant = createTenant("bmi");
        loadDemoData(tenant);

        evaluate(tenant, "102", false);

        List<Observation> bmis = search(tenant, "Observation?patient=102&code=http://loinc.org|39156-5").stream()
                .map(Observation.class::cast)
                .toList();
        assertThat(bmis).singleElement().satisfies(bmi -> {
            assertThat(bmi.getValueQuantity().getValue()).isEqualByComparingTo("23.5");
            assertThat(bmi.getDerivedFrom())
                    .extracting(Reference::getReference)
                    .containsExactly("Observation/102-height", "Observation/102-weight");
        });
    }

    @Test
    void dryRunSaysWhatWouldBeRecommendedAndWritesNothing() {
        String tenant = createTenant("dry");
        loadDemoData(tenant);

        EvaluationView evaluation = view(evaluate(tenant, "108", true));
        view(evaluate(tenant, "102", true));

        assertThat(evaluation.codes()).containsExactly(POST_OP_REHABILITATION, PHYSICAL_THERAPY);
        assertThat(evaluation.statuses()).containsExactly("would-create");
        assertThat(evaluation.recommendations().get(0).explanation()).isNotBlank();
        assertThat(search(tenant, "ServiceRequest")).isEmpty();
        assertThat(search(tenant, "Provenance")).isEmpty();
        assertThat(search(tenant, "Device")).isEmpty();
        assertThat(search(tenant, "Observation?patient=102&code=http://loinc.org|39156-5"))
                .isEmpty();
    }

    @Test
    void aDryRunAskedInTheQueryStringWritesNothing() {
        String tenant = createTenant("dryquery");
        loadDemoData(tenant);

        HttpResponse<String> response = http(request("/fhir/" + tenant + "/Patient/108/$evaluate?dryRun=true")
                .POST(HttpRequest.BodyPublishers.noBody()));

        HttpResponse<String> withBody = http(request("/fhir/" + tenant + "/Patient/102/$evaluate?dryRun=true")
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Parameters\"}")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("would-create");
        assertThat(withBody.statusCode()).isEqualTo(200);
        assertThat(withBody.body()).contains("would-create");
        assertThat(search(tenant, "ServiceRequest")).isEmpty();
        assertThat(http(request("/fhir/" + tenant + "/Patient/108/$evaluate?dryRun=maybe")
                                .POST(HttpRequest.BodyPublishers.noBody()))
                        .statusCode())
                .isEqualTo(400);
        assertThat(search(tenant, "ServiceRequest")).isEmpty();
    }

    @Test
    void recommendationWhoseEvidenceNoLongerHoldsIsReportedButLeftActive() {
        String tenant = createTenant("stale");
        String patient = patientWithBmi(tenant, "32.0", LocalDate.now().minusDays(30));
        String weightManagement = view(evaluate(tenant, patient, false))
                .recommendations()
                .get(0)
                .serviceRequest()
                .getIdElement()
                .getIdPart();
        client(tenant)
                .create()
                .resource(bmi(patient, "27.4", LocalDate.now().minusDays(1)))
                .execute();

        EvaluationView evaluation = view(evaluate(tenant, patient, false));

        assertThat(evaluation.recommendations()).isEmpty();
        assertThat(evaluation.noLongerSupported()).containsExactly("ServiceRequest/" + weightManagement);
        assertThat(evaluation.summary()).startsWith("Nothing to recommend").contains("no longer supported");
        ServiceRequest stillThere = client(tenant)
                .read()
                .resource(ServiceRequest.class)
                .withId(weightManagement)
                .execute();
        assertThat(stillThere.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
    }

    @Test
    void anActiveRecommendationIsAnsweredAsItIsNowAfterATherapistEditsIt() {
        String tenant = createTenant("edited");
        String patient = patientWithBmi(tenant, "33.0", LocalDate.now().minusDays(3));
        ServiceRequest created =
                view(evaluate(tenant, patient, false)).recommendations().get(0).serviceRequest();
        view(evaluate(tenant, patient, false));
        ServiceRequest unchanged =
                view(evaluate(tenant, patient, false)).recommendations().get(0).serviceRequest();
        assertThat(unchanged.getIdElement().getVersionIdPart()).isEqualTo("1");
        assertThat(unchanged.getCode().getCodingFirstRep().getCode()).isEqualTo(WEIGHT_MANAGEMENT);
        ServiceRequest stored = client(tenant)
                .read()
                .resource(ServiceRequest.class)
                .withId(created.getIdElement().getIdPart())
                .execute();
        stored.addNote().setText("Discussed with the patient; starts next week");
        client(tenant).update().resource(stored).execute();

        EvaluationView evaluation = view(evaluate(tenant, patient, false));

        assertThat(evaluation.statuses()).containsExactly("already-active");
        ServiceRequest answered = evaluation.recommendations().get(0).serviceRequest();
        assertThat(answered.getIdElement().getVersionIdPart()).isEqualTo("2");
        assertThat(answered.getNote())
                .extracting(note -> note.getText())
                .contains("Discussed with the patient; starts next week");
    }

    @Test
    void recommendationDeclinedByATherapistIsNotProposedAgainOnTheSameEvidence() {
        String tenant = createTenant("declined");
        String patient = patientWithBmi(tenant, "33.0", LocalDate.now().minusDays(3));
        ServiceRequest first =
                view(evaluate(tenant, patient, false)).recommendations().get(0).serviceRequest();
        close(tenant, first, ServiceRequest.ServiceRequestStatus.REVOKED);
        double createdBefore = createdCount();

        EvaluationView evaluation = view(evaluate(tenant, patient, false));
        EvaluationView dryRun = view(evaluate(tenant, patient, true));

        assertThat(evaluation.statuses()).containsExactly("declined");
        assertThat(dryRun.statuses()).containsExactly("declined");
        assertThat(ids(evaluation)).containsExactly(first.getIdElement().getIdPart());
        assertThat(evaluation.summary()).contains("Weight Management Program (declined)");
        assertThat(createdCount()).isEqualTo(createdBefore);
        assertThat(search(tenant, "ServiceRequest?patient=" + patient + "&status=active"))
                .isEmpty();
    }

    @Test
    void recommendationAcceptedByATherapistIsNotProposedAgainOnTheSameEvidence() {
        String tenant = createTenant("accepted");
        String patient = patientWithBmi(tenant, "33.0", LocalDate.now().minusDays(3));
        ServiceRequest first =
                view(evaluate(tenant, patient, false)).recommendations().get(0).serviceRequest();
        close(tenant, first, ServiceRequest.ServiceRequestStatus.COMPLETED);

        EvaluationView evaluation = view(evaluate(tenant, patient, false));

        assertThat(evaluation.statuses()).containsExactly("accepted");
        assertThat(search(tenant, "ServiceRequest?patient=" + patient)).hasSize(1);
    }

    @Test
    void declinedRecommendationIsProposedAgainWhenNewEvidenceArrives() {
        String tenant = createTenant("newevidence");
        String patient = patientWithBmi(tenant, "33.0", LocalDate.now().minusDays(30));
        ServiceRequest first =
                view(evaluate(tenant, patient, false)).recommendations().get(0).serviceRequest();
        close(tenant, first, ServiceRequest.ServiceRequestStatus.REVOKED);
        client(tenant)
                .create()
                .resource(bmi(patient, "34.5", LocalDate.now().minusDays(1)))
                .execute();

        EvaluationView evaluation = view(evaluate(tenant, patient, false));

        assertThat(evaluation.statuses()).containsExactly("created");
        assertThat(ids(evaluation)).doesNotContain(first.getIdElement().getIdPart());
        assertThat(search(tenant, "ServiceRequest?patient=" + patient + "&status=active"))
                .hasSize(1);
    }

    @Test
    void secondActiveRecommendationOfAKindIsRefusedWhoeverWritesIt() {
        String tenant = createTenant("twice");
        String patient = patientWithBmi(tenant, "33.0", LocalDate.now().minusDays(3));
        ServiceRequest created =
                view(evaluate(tenant, patient, false)).recommendations().get(0).serviceRequest();
        double createdBefore = createdCount();
        ServiceRequest copy = created.copy();
        copy.setId((String) null);
        copy.setRelevantHistory(List.of());

        assertThatThrownBy(() -> client(tenant).create().resource(copy).execute())
                .isInstanceOf(ResourceVersionConflictException.class)
                .hasMessageContaining("already has an active Weight Management Program");
        assertThat(createdCount()).isEqualTo(createdBefore);
    }

    @Test
    void patientWithNothingToRecommendIsToldSo() {
        String tenant = createTenant("none");
        client(tenant)
                .update()
                .resource(new Patient().setBirthDate(new Date(0)).setId("quiet"))
                .execute();

        EvaluationView evaluation = view(evaluate(tenant, "quiet", false));

        assertThat(evaluation.recommendations()).isEmpty();
        assertThat(evaluation.summary()).startsWith("Nothing to recommend: no rule applies to this patient");
    }

    @Test
    void unknownPatientIs404() {
        assertThatThrownBy(() -> evaluate("north", uniqueId("ghost"), false))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void recentSurgeryWindowIsTheHospitalsSetting() {
        String patient = uniqueId("window");
        for (String tenant : List.of("north", "south")) {
            client(tenant).update().resource(new Patient().setId(patient)).execute();
            client(tenant).update().resource(orthopaedicEncounter(patient)).execute();
            client(tenant)
                    .update()
                    .resource(surgery(patient, LocalDate.now().minusDays(40)))
                    .execute();
        }

        assertThat(view(evaluate("north", patient, true)).codes()).containsExactly(POST_OP_REHABILITATION);
        assertThat(view(evaluate("south", patient, true)).codes()).isEmpty();
    }

    @Test
    void eachHospitalTellsTheCriteriaItsRulesApply() {
        Parameters north = criteria("north");
        Parameters south = criteria("south");

        assertThat(((org.hl7.fhir.r4.model.IntegerType)
                                north.getParameter("recentSurgeryDays").getValue())
                        .getValue())
                .isEqualTo(90);
        assertThat(((org.hl7.fhir.r4.model.IntegerType)
                                south.getParameter("recentSurgeryDays").getValue())
                        .getValue())
                .isEqualTo(30);
        Coding chronicPain = (Coding) north.getParameter("chronicPainCode").getValue();
        assertThat(chronicPain.getSystem() + "|" + chronicPain.getCode()).isEqualTo("http://snomed.info/sct|82423001");
        assertThatThrownBy(() -> criteria("DEFAULT"))
                .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.InvalidRequestException.class)
                .hasMessageContaining("/fhir/{tenant}/$clinical-criteria");
    }

    private Parameters criteria(String tenant) {
        return client(tenant)
                .operation()
                .onServer()
                .named("$clinical-criteria")
                .withNoParameters(Parameters.class)
                .useHttpGet()
                .execute();
    }

    @Test
    void dataWrittenAfterAnEvaluationIsSeenByTheNext() {
        String tenant = createTenant("fresh");
        String patient = uniqueId("p");
        client(tenant)
                .update()
                .resource(new Patient()
                        .setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1950-01-01"))
                        .setId(patient))
                .execute();
        Encounter encounter = orthopaedicEncounter(patient);
        encounter.getServiceType().getCodingFirstRep().setCode("394609007").setDisplay("General surgery");
        client(tenant).update().resource(encounter).execute();
        client(tenant)
                .update()
                .resource(surgery(patient, LocalDate.now().minusDays(10)))
                .execute();
        assertThat(view(evaluate(tenant, patient, true)).codes()).isEmpty();

        client(tenant).update().resource(orthopaedicEncounter(patient)).execute();
        assertThat(view(evaluate(tenant, patient, true)).codes()).containsExactly(POST_OP_REHABILITATION);

        org.hl7.fhir.r4.model.Condition pain = new org.hl7.fhir.r4.model.Condition();
        pain.setClinicalStatus(new CodeableConcept(
                new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null)));
        pain.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "82423001", "Chronic pain")));
        pain.setSubject(new Reference("Patient/" + patient));
        client(tenant).create().resource(pain).execute();
        assertThat(view(evaluate(tenant, patient, true)).codes())
                .containsExactly(POST_OP_REHABILITATION, PHYSICAL_THERAPY);
    }

    @Test
    void practitionerRoleChangeIsSeenForEveryPatientOfTheTenant() {
        String tenant = createTenant("role");
        String patient = uniqueId("p");
        client(tenant).update().resource(new Patient().setId(patient)).execute();
        org.hl7.fhir.r4.model.PractitionerRole role = new org.hl7.fhir.r4.model.PractitionerRole();
        role.setId("surgeon");
        role.addSpecialty(new CodeableConcept(new Coding("http://snomed.info/sct", "394609007", "General surgery")));
        client(tenant).update().resource(role).execute();
        Procedure procedure = surgery(patient, LocalDate.now().minusDays(10));
        procedure.setEncounter(null);
        procedure.addPerformer().setActor(new Reference("PractitionerRole/surgeon"));
        client(tenant).update().resource(procedure).execute();
        assertThat(view(evaluate(tenant, patient, true)).codes()).isEmpty();

        role.getSpecialtyFirstRep().getCodingFirstRep().setCode("394801008").setDisplay("Trauma and orthopedics");
        client(tenant).update().resource(role).execute();

        assertThat(view(evaluate(tenant, patient, true)).codes()).containsExactly(POST_OP_REHABILITATION);
    }

    @Test
    void patientsReadTogetherEachKeepTheirWholeRecordWhenASearchReachesItsLimit() {
        String tenant = createTenant("searchlimit");
        List<String> patients = new ArrayList<>();
        // the third patient's BMIs are the oldest: a search cut at 3 resources, newest first, would lose them
        for (String[] bmis : List.of(
                new String[] {"31.0", "5", "60"}, new String[] {"24.0", "6", "50"}, new String[] {"36.5", "100", "200"
                })) {
            String patient = patientWithBmi(tenant, "28.0", LocalDate.now().minusDays(Long.parseLong(bmis[2])));
            client(tenant)
                    .create()
                    .resource(bmi(patient, bmis[0], LocalDate.now().minusDays(Long.parseLong(bmis[1]))))
                    .execute();
            patients.add(patient);
        }
        var request = new ca.uhn.fhir.rest.api.server.SystemRequestDetails();
        request.setTenantId(tenant);
        RecommendationSettings.ClinicalCriteria criteria = settings.criteriaFor(tenant);

        // 6 BMIs in all, 2 per patient, and searches that stop at 3: read whole only if the patients are split
        var records = new PatientRecordReader(daos, storage, 3).readAll(request, patients, criteria, LocalDate.now());

        assertThat(patients.stream().map(patient -> records.get(patient).observations().stream()
                        .map(o -> o.getValueQuantity().getValue().toPlainString())
                        .toList()))
                .containsExactly(List.of("31.0"), List.of("24.0"), List.of("36.5"));
        assertThatThrownBy(() -> new PatientRecordReader(daos, storage, 2)
                        .readAll(request, List.of(patients.get(0)), criteria, LocalDate.now()))
                .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException.class)
                .hasMessageContaining("more than 2 Observation");
    }

    private String patientWithBmi(String tenant, String value, LocalDate when) {
        String patient = uniqueId("p");
        client(tenant).update().resource(new Patient().setId(patient)).execute();
        client(tenant).create().resource(bmi(patient, value, when)).execute();
        return patient;
    }

    private static Observation bmi(String patient, String value, LocalDate when) {
        Observation bmi = new Observation();
        bmi.setStatus(Observation.ObservationStatus.FINAL);
        bmi.setCode(new CodeableConcept(new Coding("http://loinc.org", "39156-5", "BMI")));
        bmi.setSubject(new Reference("Patient/" + patient));
        bmi.setEffective(new DateTimeType(Date.from(when.atStartOfDay().toInstant(ZoneOffset.UTC))));
        bmi.setValue(new Quantity()
                .setValue(new BigDecimal(value))
                .setSystem("http://unitsofmeasure.org")
                .setCode("kg/m2")
                .setUnit("kg/m2"));
        return bmi;
    }

    private static Encounter orthopaedicEncounter(String patient) {
        Encounter encounter = new Encounter();
        encounter.setId(patient + "-encounter");
        encounter.setStatus(Encounter.EncounterStatus.FINISHED);
        encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP", "inpatient"));
        encounter.setSubject(new Reference("Patient/" + patient));
        encounter.setServiceType(
                new CodeableConcept(new Coding("http://snomed.info/sct", "394801008", "Trauma and orthopedics")));
        return encounter;
    }

    private static Procedure surgery(String patient, LocalDate when) {
        Procedure procedure = new Procedure();
        procedure.setId(patient + "-surgery");
        procedure.setStatus(Procedure.ProcedureStatus.COMPLETED);
        procedure.setCategory(
                new CodeableConcept(new Coding("http://snomed.info/sct", "387713003", "Surgical procedure")));
        procedure.setCode(
                new CodeableConcept(new Coding("http://snomed.info/sct", "609588000", "Total knee replacement")));
        procedure.setSubject(new Reference("Patient/" + patient));
        procedure.setEncounter(new Reference("Encounter/" + patient + "-encounter"));
        procedure.setPerformed(new DateTimeType(Date.from(when.atTime(10, 0).toInstant(ZoneOffset.UTC))));
        return procedure;
    }

    private List<String> errorsValidating(String tenant, ServiceRequest request) {
        String body = FHIR.newJsonParser().encodeResourceToString(request);
        var response =
                http(request("/fhir/" + tenant + "/ServiceRequest/$validate?profile=" + RecommendationRequests.PROFILE)
                        .header("Content-Type", "application/fhir+json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
        OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
        return outcome.getIssue().stream()
                .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
                .map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
                .toList();
    }

    private org.hl7.fhir.r4.model.Resource read(String tenant, String reference) {
        String[] parts = reference.split("/");
        return (org.hl7.fhir.r4.model.Resource)
                client(tenant).read().resource(parts[0]).withId(parts[1]).execute();
    }

    private List<org.hl7.fhir.r4.model.Resource> search(String tenant, String url) {
        return client(tenant).search().byUrl(url).returnBundle(Bundle.class).execute().getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .toList();
    }

    private double createdCount() {
        return meters.find("rehab.recommendations.created").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    private static Set<String> ids(EvaluationView evaluation) {
        return evaluation.recommendations().stream()
                .map(i -> i.serviceRequest().getIdElement().getIdPart())
                .collect(Collectors.toSet());
    }

    private static EvaluationView view(Parameters parameters) {
        return new EvaluationView(parameters);
    }
}
